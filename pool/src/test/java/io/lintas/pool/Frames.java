package io.lintas.pool;

import io.lintas.wire.Packet;
import io.lintas.wire.message.WireMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.HexFormat;

/** Frame helpers for the unit tests. */
final class Frames {
    private Frames() {}

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** A frame around {@code payload}. */
    static Packet frame(int seq, byte[] payload) {
        ByteBuf b = Unpooled.buffer(Packet.HEADER_SIZE + payload.length);
        b.writeMediumLE(payload.length).writeByte(seq).writeBytes(payload);
        return new Packet(b);
    }

    static Packet frame(int seq, String hexPayload) {
        return frame(seq, hex(hexPayload));
    }

    /** The payload of {@code m} encoded for {@code caps}. */
    static byte[] payload(WireMessage m, long caps) {
        ByteBuf b = Unpooled.buffer();
        try {
            m.encode(b, caps);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** Whole frame bytes (header included), without consuming. */
    static byte[] bytes(Packet p) {
        return ByteBufUtil.getBytes(p.content());
    }

    static byte[] payloadOf(Packet p) {
        return ByteBufUtil.getBytes(p.payload());
    }
}
