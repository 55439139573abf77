package io.lintas.wire.message;

import io.lintas.wire.Capabilities;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A client's login request.
 *
 * @param capabilities standard flags in the lower 32 bits, MariaDB extended flags in the upper 32
 * @param database     initial schema, or null when CLIENT_CONNECT_WITH_DB is not set
 * @param authPluginName the plugin the auth response was computed with, or null
 */
public record HandshakeResponse41(long capabilities, int maxPacketSize, int characterSet, String username,
                                  byte[] authResponse, String database, String authPluginName,
                                  Map<String, String> connectAttributes) implements WireMessage {

    /** Limit on connect attributes, as MySQL servers apply (64 KiB). */
    public static final int MAX_CONNECT_ATTRS_LENGTH = 65536;

    public HandshakeResponse41 {
        connectAttributes = connectAttributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(connectAttributes));
    }

    /** Decodes a handshake response; requires CLIENT_PROTOCOL_41. */
    public static HandshakeResponse41 decode(ByteBuf p) {
        try {
            long caps = p.readUnsignedIntLE();
            if (!Capabilities.has(caps, Capabilities.CLIENT_PROTOCOL_41)) {
                throw new MalformedPacketException("client does not speak protocol 4.1");
            }
            int max = p.readIntLE();
            int cs = p.readUnsignedByte();
            p.skipBytes(19);
            long ext = p.readUnsignedIntLE();
            if (!Capabilities.has(caps, Capabilities.CLIENT_LONG_PASSWORD)) {
                caps |= ext << 32;
            }
            String user = LengthEncoded.readNulString(p, StandardCharsets.UTF_8);
            byte[] auth;
            if (Capabilities.has(caps, Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) {
                auth = LengthEncoded.readBytes(p);
            } else if (Capabilities.has(caps, Capabilities.CLIENT_SECURE_CONNECTION)) {
                int len = p.readUnsignedByte();
                auth = new byte[len];
                p.readBytes(auth);
            } else {
                auth = LengthEncoded.readNulString(p, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
            }
            String db = null;
            if (Capabilities.has(caps, Capabilities.CLIENT_CONNECT_WITH_DB) && p.isReadable()) {
                db = LengthEncoded.readNulOrEofString(p, StandardCharsets.UTF_8);
            }
            String plugin = null;
            if (Capabilities.has(caps, Capabilities.CLIENT_PLUGIN_AUTH) && p.isReadable()) {
                plugin = LengthEncoded.readNulOrEofString(p, StandardCharsets.UTF_8);
            }
            Map<String, String> attrs = Map.of();
            if (Capabilities.has(caps, Capabilities.CLIENT_CONNECT_ATTRS) && p.isReadable()) {
                attrs = readAttributes(p);
            }
            return new HandshakeResponse41(caps, max, cs, user, auth, db, plugin, attrs);
        } catch (IndexOutOfBoundsException e) {
            throw new MalformedPacketException("truncated handshake response");
        }
    }

    /** Reads a length-prefixed block of key/value connect attributes. */
    static Map<String, String> readAttributes(ByteBuf p) {
        long total = LengthEncoded.readInt(p);
        if (total < 0 || total > p.readableBytes() || total > MAX_CONNECT_ATTRS_LENGTH) {
            throw new MalformedPacketException("connect attributes of " + total + " bytes");
        }
        ByteBuf block = p.readSlice((int) total);
        Map<String, String> attrs = new LinkedHashMap<>();
        while (block.isReadable()) {
            String k = LengthEncoded.readString(block);
            String v = LengthEncoded.readString(block);
            attrs.put(k, v);
        }
        return attrs;
    }

    /** Writes connect attributes as a length-prefixed block. */
    static void writeAttributes(ByteBuf out, Map<String, String> attrs) {
        ByteBuf tmp = out.alloc().buffer();
        try {
            for (Map.Entry<String, String> e : attrs.entrySet()) {
                LengthEncoded.writeString(tmp, e.getKey());
                LengthEncoded.writeString(tmp, e.getValue());
            }
            LengthEncoded.writeInt(out, tmp.readableBytes());
            out.writeBytes(tmp);
        } finally {
            tmp.release();
        }
    }

    @Override
    public void encode(ByteBuf out, long ignored) {
        long caps = capabilities;
        out.writeIntLE((int) caps);
        out.writeIntLE(maxPacketSize);
        out.writeByte(characterSet);
        out.writeZero(19);
        out.writeIntLE(Capabilities.has(caps, Capabilities.CLIENT_LONG_PASSWORD) ? 0 : (int) (caps >>> 32));
        LengthEncoded.writeNulString(out, username);
        if (Capabilities.has(caps, Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)) {
            LengthEncoded.writeBytes(out, authResponse);
        } else if (Capabilities.has(caps, Capabilities.CLIENT_SECURE_CONNECTION)) {
            out.writeByte(authResponse.length);
            out.writeBytes(authResponse);
        } else {
            out.writeBytes(authResponse);
            out.writeByte(0);
        }
        if (Capabilities.has(caps, Capabilities.CLIENT_CONNECT_WITH_DB)) {
            LengthEncoded.writeNulString(out, database == null ? "" : database);
        }
        if (Capabilities.has(caps, Capabilities.CLIENT_PLUGIN_AUTH)) {
            LengthEncoded.writeNulString(out, authPluginName == null ? "" : authPluginName);
        }
        if (Capabilities.has(caps, Capabilities.CLIENT_CONNECT_ATTRS)) {
            writeAttributes(out, connectAttributes);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandshakeResponse41 r && capabilities == r.capabilities && maxPacketSize == r.maxPacketSize
            && characterSet == r.characterSet && username.equals(r.username) && Arrays.equals(authResponse, r.authResponse)
            && Objects.equals(database, r.database) && Objects.equals(authPluginName, r.authPluginName)
            && connectAttributes.equals(r.connectAttributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(capabilities, username, Arrays.hashCode(authResponse), database);
    }

    @Override
    public String toString() {
        // Never print the auth response.
        return "HandshakeResponse41{user=" + username + ", db=" + database + ", plugin=" + authPluginName
            + ", capabilities=0x" + Long.toHexString(capabilities) + "}";
    }
}
