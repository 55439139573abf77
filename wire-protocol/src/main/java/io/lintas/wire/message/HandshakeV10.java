package io.lintas.wire.message;

import io.lintas.wire.Capabilities;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The server's initial greeting (protocol version 10).
 *
 * @param capabilities lower 32 bits standard flags; upper 32 bits MariaDB extended flags (only when
 *                     CLIENT_LONG_PASSWORD is clear, as MariaDB servers announce)
 * @param authPluginData the scramble (20 bytes for mysql_native_password), without the trailing NUL
 */
public record HandshakeV10(String serverVersion, long connectionId, byte[] authPluginData, long capabilities,
                           int characterSet, int statusFlags, String authPluginName) implements WireMessage {

    public static final int PROTOCOL_VERSION = 10;

    /** Decodes a greeting payload. */
    public static HandshakeV10 decode(ByteBuf p) {
        try {
            int version = p.readUnsignedByte();
            if (version != PROTOCOL_VERSION) {
                throw new MalformedPacketException("unsupported protocol version " + version);
            }
            String serverVersion = LengthEncoded.readNulString(p, StandardCharsets.UTF_8);
            long connectionId = p.readUnsignedIntLE();
            byte[] part1 = new byte[8];
            p.readBytes(part1);
            p.skipBytes(1);
            long caps = p.readUnsignedShortLE();
            int charset = 0;
            int status = 0;
            int authDataLen = 0;
            byte[] data = part1;
            String plugin = null;
            if (p.isReadable()) {
                charset = p.readUnsignedByte();
                status = p.readUnsignedShortLE();
                caps |= ((long) p.readUnsignedShortLE()) << 16;
                authDataLen = p.readUnsignedByte();
                p.skipBytes(6);
                long ext = p.readUnsignedIntLE();
                if (!Capabilities.has(caps, Capabilities.CLIENT_LONG_PASSWORD)) {
                    caps |= ext << 32;
                }
                if (Capabilities.has(caps, Capabilities.CLIENT_SECURE_CONNECTION)) {
                    int len2 = Math.max(13, authDataLen - 8);
                    if (p.readableBytes() < len2 - 1) {
                        // Only the trailing NUL may be missing; anything shorter is a cut-off scramble.
                        throw new MalformedPacketException("truncated scramble in handshake");
                    }
                    len2 = Math.min(len2, p.readableBytes());
                    byte[] part2 = new byte[len2];
                    p.readBytes(part2);
                    int effective = len2;
                    if (effective > 0 && part2[effective - 1] == 0) {
                        effective--;
                    }
                    data = new byte[8 + effective];
                    System.arraycopy(part1, 0, data, 0, 8);
                    System.arraycopy(part2, 0, data, 8, effective);
                }
                if (Capabilities.has(caps, Capabilities.CLIENT_PLUGIN_AUTH) && p.isReadable()) {
                    plugin = LengthEncoded.readNulOrEofString(p, StandardCharsets.UTF_8);
                }
            }
            return new HandshakeV10(serverVersion, connectionId, data, caps, charset, status, plugin);
        } catch (IndexOutOfBoundsException e) {
            throw new MalformedPacketException("truncated handshake");
        }
    }

    @Override
    public void encode(ByteBuf out, long ignored) {
        out.writeByte(PROTOCOL_VERSION);
        LengthEncoded.writeNulString(out, serverVersion);
        out.writeIntLE((int) connectionId);
        out.writeBytes(authPluginData, 0, 8);
        out.writeByte(0);
        out.writeShortLE((int) (capabilities & 0xFFFF));
        out.writeByte(characterSet);
        out.writeShortLE(statusFlags);
        out.writeShortLE((int) ((capabilities >>> 16) & 0xFFFF));
        boolean pluginAuth = Capabilities.has(capabilities, Capabilities.CLIENT_PLUGIN_AUTH);
        out.writeByte(pluginAuth ? authPluginData.length + 1 : 0);
        out.writeZero(6);
        if (Capabilities.has(capabilities, Capabilities.CLIENT_LONG_PASSWORD)) {
            out.writeZero(4);
        } else {
            out.writeIntLE((int) (capabilities >>> 32));
        }
        if (Capabilities.has(capabilities, Capabilities.CLIENT_SECURE_CONNECTION)) {
            out.writeBytes(authPluginData, 8, authPluginData.length - 8);
            out.writeByte(0);
        }
        if (pluginAuth) {
            LengthEncoded.writeNulString(out, authPluginName);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakeV10 h && serverVersion.equals(h.serverVersion) && connectionId == h.connectionId
            && Arrays.equals(authPluginData, h.authPluginData) && capabilities == h.capabilities
            && characterSet == h.characterSet && statusFlags == h.statusFlags
            && java.util.Objects.equals(authPluginName, h.authPluginName);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(serverVersion, connectionId, Arrays.hashCode(authPluginData), capabilities);
    }

    @Override
    public String toString() {
        return "HandshakeV10{version=" + serverVersion + ", connectionId=" + connectionId + ", capabilities=0x"
            + Long.toHexString(capabilities) + ", charset=" + characterSet + ", plugin=" + authPluginName + "}";
    }
}
