package io.lintas.wire.message;

import io.lintas.wire.Capabilities;
import io.lintas.wire.ErrorCode;
import io.lintas.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** An error: code, SQLSTATE and message. */
public record ErrPacket(int errorCode, String sqlState, String message) implements WireMessage {
    public static final int HEADER = 0xFF;

    /** An error with one of the proxy's own codes. */
    public static ErrPacket of(ErrorCode code, String message) {
        return new ErrPacket(code.code(), code.sqlState(), message);
    }

    /** Decodes an ERR payload (first byte 0xFF). */
    public static ErrPacket decode(ByteBuf p) {
        try {
            if (p.readUnsignedByte() != HEADER) {
                throw new MalformedPacketException("not an ERR packet");
            }
            int code = p.readUnsignedShortLE();
            String state = "HY000";
            if (p.isReadable() && p.getByte(p.readerIndex()) == '#') {
                p.skipBytes(1);
                state = p.readCharSequence(5, StandardCharsets.US_ASCII).toString();
            }
            String msg = p.readCharSequence(p.readableBytes(), StandardCharsets.UTF_8).toString();
            return new ErrPacket(code, state, msg);
        } catch (IndexOutOfBoundsException e) {
            throw new MalformedPacketException("truncated ERR packet");
        }
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER);
        out.writeShortLE(errorCode);
        if (capabilities == 0 || Capabilities.has(capabilities, Capabilities.CLIENT_PROTOCOL_41)) {
            out.writeByte('#');
            out.writeCharSequence(sqlState, StandardCharsets.US_ASCII);
        }
        out.writeCharSequence(message, StandardCharsets.UTF_8);
    }
}
