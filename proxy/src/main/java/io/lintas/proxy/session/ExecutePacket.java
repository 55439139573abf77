package io.lintas.proxy.session;

import io.lintas.wire.Packet;
import io.lintas.wire.PacketWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Reads and rewrites COM_STMT_EXECUTE / FETCH / RESET / SEND_LONG_DATA / CLOSE frames: the statement id (bytes
 * 1-4 of each), and for an execute the parameter types a connection must have seen once.
 *
 * <p>Execute layout: command, id(4), flags(1), iteration count(4), then when the statement has parameters:
 * NULL bitmap ((n+7)/8), new-params-bound flag(1), types (2n, only when the flag is 1), values.
 */
final class ExecutePacket {
    private ExecutePacket() {}

    /** The statement id of a statement command, or -1 when the frame is too short. */
    static int statementId(Packet frame) {
        return frame.payloadLength() < 5 ? -1 : frame.payload().getIntLE(1);
    }

    /** Rewrites the statement id in place. */
    static void setStatementId(Packet frame, int id) {
        frame.content().setIntLE(frame.content().readerIndex() + Packet.HEADER_SIZE + 1, id);
    }

    /** Offset in the payload of the new-params-bound flag, or -1 when the frame does not reach it. */
    static int boundFlagOffset(Packet frame, int parameters) {
        if (parameters == 0) {
            return -1;
        }
        int off = 10 + (parameters + 7) / 8;
        return frame.payloadLength() > off ? off : -1;
    }

    /** The parameter types the frame carries (new-params-bound = 1), or null. */
    static byte[] boundTypes(Packet frame, int parameters) {
        int off = boundFlagOffset(frame, parameters);
        if (off < 0 || frame.payload().getByte(off) != 1 || frame.payloadLength() < off + 1 + 2 * parameters) {
            return null;
        }
        byte[] types = new byte[2 * parameters];
        frame.payload().getBytes(off + 1, types);
        return types;
    }

    /** True when the frame says the types are not sent (new-params-bound = 0). */
    static boolean typesOmitted(Packet frame, int parameters) {
        int off = boundFlagOffset(frame, parameters);
        return off >= 0 && frame.payload().getByte(off) == 0;
    }

    /**
     * A copy of an execute frame with {@code types} inserted (new-params-bound = 1): what a connection that has
     * never seen this statement's types needs. Releases {@code frame}.
     */
    static Packet withTypes(ByteBufAllocator alloc, Packet frame, int parameters, byte[] types) {
        int off = boundFlagOffset(frame, parameters);
        ByteBuf p = frame.payload();
        ByteBuf out = PacketWriter.begin(alloc, frame.payloadLength() + types.length);
        out.writeBytes(p, p.readerIndex(), off);
        out.writeByte(1);
        out.writeBytes(types);
        out.writeBytes(p, p.readerIndex() + off + 1, frame.payloadLength() - off - 1);
        Packet rebuilt = new Packet(PacketWriter.finish(out, frame.sequenceId()));
        frame.release();
        return rebuilt;
    }
}
