package io.lintas.wire.message;

import io.lintas.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;

/** The classic EOF marker (clients without CLIENT_DEPRECATE_EOF). */
public record EofPacket(int warnings, int statusFlags) implements WireMessage {
    public static final int HEADER = 0xFE;
    /** A 0xFE packet shorter than this is an EOF, not a row. */
    public static final int MAX_LENGTH = 9;

    /** Decodes an EOF payload. */
    public static EofPacket decode(ByteBuf p) {
        if (!p.isReadable() || p.readUnsignedByte() != HEADER) {
            throw new MalformedPacketException("not an EOF packet");
        }
        int warnings = p.readableBytes() >= 2 ? p.readUnsignedShortLE() : 0;
        int status = p.readableBytes() >= 2 ? p.readUnsignedShortLE() : 0;
        return new EofPacket(warnings, status);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(HEADER);
        out.writeShortLE(warnings);
        out.writeShortLE(statusFlags);
    }
}
