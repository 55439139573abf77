package io.lintas.wire.message;

import io.lintas.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.Arrays;

/** Extra authentication data from the server (first byte 0x01), e.g. caching_sha2_password's fast-auth result. */
public record AuthMoreData(byte[] data) implements WireMessage {
    public static final int HEADER = 0x01;

    /** Decodes the payload (first byte 0x01). */
    public static AuthMoreData decode(ByteBuf p) {
        if (!p.isReadable() || p.readUnsignedByte() != HEADER) {
            throw new MalformedPacketException("not an AuthMoreData packet");
        }
        byte[] data = ByteBufUtil.getBytes(p);
        p.skipBytes(p.readableBytes());
        return new AuthMoreData(data);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER);
        out.writeBytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthMoreData a && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthMoreData{" + data.length + " bytes}";
    }
}
