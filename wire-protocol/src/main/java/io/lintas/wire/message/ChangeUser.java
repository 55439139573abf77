package io.lintas.wire.message;

import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * COM_CHANGE_USER: log in again as another user on the same connection, resetting session state.
 *
 * @param characterSet 0 when the client did not send one
 */
public record ChangeUser(String username, byte[] authResponse, String database, int characterSet,
                         String authPluginName, Map<String, String> connectAttributes) implements WireMessage {

    public ChangeUser {
        connectAttributes = connectAttributes == null ? Map.of() : Map.copyOf(connectAttributes);
    }

    /** Decodes a COM_CHANGE_USER payload (first byte 0x11) sent by a peer with {@code capabilities}. */
    public static ChangeUser decode(ByteBuf p, long capabilities) {
        try {
            if (p.readUnsignedByte() != Command.COM_CHANGE_USER) {
                throw new MalformedPacketException("not COM_CHANGE_USER");
            }
            String user = LengthEncoded.readNulString(p, StandardCharsets.UTF_8);
            byte[] auth;
            if (Capabilities.has(capabilities, Capabilities.CLIENT_SECURE_CONNECTION)) {
                int len = p.readUnsignedByte();
                auth = new byte[len];
                p.readBytes(auth);
            } else {
                auth = LengthEncoded.readNulString(p, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
            }
            String db = p.isReadable() ? LengthEncoded.readNulOrEofString(p, StandardCharsets.UTF_8) : "";
            int cs = 0;
            if (p.readableBytes() >= 2) {
                cs = p.readUnsignedShortLE();
            }
            String plugin = null;
            if (Capabilities.has(capabilities, Capabilities.CLIENT_PLUGIN_AUTH) && p.isReadable()) {
                plugin = LengthEncoded.readNulOrEofString(p, StandardCharsets.UTF_8);
            }
            Map<String, String> attrs = Map.of();
            if (Capabilities.has(capabilities, Capabilities.CLIENT_CONNECT_ATTRS) && p.isReadable()) {
                attrs = HandshakeResponse41.readAttributes(p);
            }
            return new ChangeUser(user, auth, db, cs, plugin, attrs);
        } catch (IndexOutOfBoundsException e) {
            throw new MalformedPacketException("truncated COM_CHANGE_USER");
        }
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(Command.COM_CHANGE_USER);
        LengthEncoded.writeNulString(out, username);
        if (Capabilities.has(capabilities, Capabilities.CLIENT_SECURE_CONNECTION)) {
            out.writeByte(authResponse.length);
            out.writeBytes(authResponse);
        } else {
            out.writeBytes(authResponse);
            out.writeByte(0);
        }
        LengthEncoded.writeNulString(out, database == null ? "" : database);
        out.writeShortLE(characterSet);
        if (Capabilities.has(capabilities, Capabilities.CLIENT_PLUGIN_AUTH)) {
            LengthEncoded.writeNulString(out, authPluginName == null ? "" : authPluginName);
        }
        if (Capabilities.has(capabilities, Capabilities.CLIENT_CONNECT_ATTRS)) {
            HandshakeResponse41.writeAttributes(out, connectAttributes);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeUser c && username.equals(c.username) && Arrays.equals(authResponse, c.authResponse)
            && Objects.equals(database, c.database) && characterSet == c.characterSet
            && Objects.equals(authPluginName, c.authPluginName) && connectAttributes.equals(c.connectAttributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(username, database, characterSet, authPluginName);
    }

    @Override
    public String toString() {
        return "ChangeUser{user=" + username + ", db=" + database + ", plugin=" + authPluginName + "}";
    }
}
