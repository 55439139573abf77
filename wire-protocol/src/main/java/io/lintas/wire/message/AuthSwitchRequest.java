package io.lintas.wire.message;

import io.lintas.wire.LengthEncoded;
import io.lintas.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Server asks the client to authenticate again with another plugin and fresh data. */
public record AuthSwitchRequest(String pluginName, byte[] pluginData) implements WireMessage {
    public static final int HEADER = 0xFE;

    /** Decodes the payload (first byte 0xFE); a trailing NUL on the data is dropped. */
    public static AuthSwitchRequest decode(ByteBuf p) {
        if (!p.isReadable() || p.readUnsignedByte() != HEADER) {
            throw new MalformedPacketException("not an AuthSwitchRequest");
        }
        String name = LengthEncoded.readNulOrEofString(p, StandardCharsets.UTF_8);
        byte[] data = ByteBufUtil.getBytes(p);
        p.skipBytes(p.readableBytes());
        if (data.length > 0 && data[data.length - 1] == 0) {
            data = Arrays.copyOf(data, data.length - 1);
        }
        return new AuthSwitchRequest(name, data);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER);
        LengthEncoded.writeNulString(out, pluginName);
        out.writeBytes(pluginData);
        out.writeByte(0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthSwitchRequest a && pluginName.equals(a.pluginName) && Arrays.equals(pluginData, a.pluginData);
    }

    @Override
    public int hashCode() {
        return pluginName.hashCode() * 31 + Arrays.hashCode(pluginData);
    }

    @Override
    public String toString() {
        return "AuthSwitchRequest{plugin=" + pluginName + "}";
    }
}
