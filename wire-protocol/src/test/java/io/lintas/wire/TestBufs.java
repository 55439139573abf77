package io.lintas.wire;

import io.lintas.wire.message.WireMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Small helpers shared by the wire-protocol tests. */
public final class TestBufs {
    private TestBufs() {}

    /** Bytes from a hex string; whitespace is ignored. */
    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    /** Hex dump (lower case, no separators). */
    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Bytes from unsigned int values. */
    public static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** NUL-terminated ASCII. */
    public static byte[] nul(String s) {
        return concat(utf8(s), new byte[] {0});
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Little-endian 2 bytes. */
    public static byte[] le16(int v) {
        return bytes(v, v >>> 8);
    }

    /** Little-endian 4 bytes. */
    public static byte[] le32(long v) {
        return bytes((int) v, (int) (v >>> 8), (int) (v >>> 16), (int) (v >>> 24));
    }

    /** Copy of the readable bytes, without consuming them. */
    public static byte[] readable(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    /** Encodes a message payload (no header) into a byte array. */
    public static byte[] encode(WireMessage m, long capabilities) {
        ByteBuf b = Unpooled.buffer();
        try {
            m.encode(b, capabilities);
            return readable(b);
        } finally {
            b.release();
        }
    }

    /** Decodes {@code payload} and checks that the decoder consumed every byte. */
    public static <T> T decodeFully(byte[] payload, Function<ByteBuf, T> decoder) {
        ByteBuf b = Unpooled.wrappedBuffer(payload);
        try {
            T t = decoder.apply(b);
            assertEquals(0, b.readableBytes(), "decoder left bytes unread");
            return t;
        } finally {
            b.release();
        }
    }

    /** Decodes {@code payload} without checking what is left. */
    public static <T> T decode(byte[] payload, Function<ByteBuf, T> decoder) {
        ByteBuf b = Unpooled.wrappedBuffer(payload);
        try {
            return decoder.apply(b);
        } finally {
            b.release();
        }
    }

    /** A frame (4-byte header + payload) wrapped as a {@link Packet}. */
    public static Packet packet(int seq, byte[] payload) {
        ByteBuf b = Unpooled.buffer(Packet.HEADER_SIZE + payload.length);
        b.writeMediumLE(payload.length);
        b.writeByte(seq);
        b.writeBytes(payload);
        return new Packet(b);
    }

    /** A frame of {@code length} payload bytes whose first byte is {@code first} and the rest {@code fill}. */
    public static Packet packet(int seq, int length, int first, int fill) {
        ByteBuf b = Unpooled.buffer(Packet.HEADER_SIZE + length);
        b.writeMediumLE(length);
        b.writeByte(seq);
        if (length > 0) {
            b.writeByte(first);
            if (fill == 0) {
                b.writeZero(length - 1);
            } else {
                for (int i = 1; i < length; i++) {
                    b.writeByte(fill);
                }
            }
        }
        return new Packet(b);
    }
}
