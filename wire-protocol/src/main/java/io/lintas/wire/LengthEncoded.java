package io.lintas.wire;

import io.netty.buffer.ByteBuf;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** Length-encoded integers and strings, and NUL-terminated strings, as the protocol defines them. */
public final class LengthEncoded {
    private LengthEncoded() {}

    /** Marker byte of a NULL column value in a text row. */
    public static final int NULL_MARKER = 0xFB;

    /** Reads a length-encoded integer; throws {@link MalformedPacketException} on a NULL or invalid prefix. */
    public static long readInt(ByteBuf buf) {
        need(buf, 1);
        int first = buf.readUnsignedByte();
        if (first < 0xFB) {
            return first;
        }
        switch (first) {
            case 0xFC:
                need(buf, 2);
                return buf.readUnsignedShortLE();
            case 0xFD:
                need(buf, 3);
                return buf.readUnsignedMediumLE();
            case 0xFE:
                need(buf, 8);
                return buf.readLongLE();
            default:
                throw new MalformedPacketException("invalid length-encoded integer prefix 0x" + Integer.toHexString(first));
        }
    }

    /**
     * Reads the length-encoded integer at absolute {@code index} of {@code buf}, whose bytes end at {@code end},
     * without moving indexes or allocating (a hot path's alternative to a slice and {@link #readInt}); throws as
     * {@link #readInt} does.
     */
    public static long getInt(ByteBuf buf, int index, int end) {
        if (index >= end) {
            throw new MalformedPacketException("truncated length-encoded integer");
        }
        int first = buf.getUnsignedByte(index);
        if (first < 0xFB) {
            return first;
        }
        int size = first == 0xFC ? 2 : first == 0xFD ? 3 : first == 0xFE ? 8 : -1;
        if (size < 0) {
            throw new MalformedPacketException("invalid length-encoded integer prefix 0x" + Integer.toHexString(first));
        }
        if (end - index - 1 < size) {
            throw new MalformedPacketException("truncated length-encoded integer");
        }
        return switch (size) {
            case 2 -> buf.getUnsignedShortLE(index + 1);
            case 3 -> buf.getUnsignedMediumLE(index + 1);
            default -> buf.getLongLE(index + 1);
        };
    }

    /** Writes a length-encoded integer (values are treated as unsigned). */
    public static void writeInt(ByteBuf buf, long value) {
        if (value >= 0 && value < 0xFB) {
            buf.writeByte((int) value);
        } else if (value >= 0 && value < (1 << 16)) {
            buf.writeByte(0xFC);
            buf.writeShortLE((int) value);
        } else if (value >= 0 && value < (1 << 24)) {
            buf.writeByte(0xFD);
            buf.writeMediumLE((int) value);
        } else {
            buf.writeByte(0xFE);
            buf.writeLongLE(value);
        }
    }

    /** Encoded size of a length-encoded integer. */
    public static int intSize(long value) {
        if (value >= 0 && value < 0xFB) return 1;
        if (value >= 0 && value < (1 << 16)) return 3;
        if (value >= 0 && value < (1 << 24)) return 4;
        return 9;
    }

    /**
     * Size of the length-encoded integer at absolute {@code index} of {@code buf}, without reading it; 0 when
     * {@code index} is past the end. Lets hot paths skip fields of OK packets without allocating.
     */
    public static int sizeAt(ByteBuf buf, int index) {
        if (index >= buf.writerIndex()) {
            return 0;
        }
        int b = buf.getUnsignedByte(index);
        if (b < 0xFB) return 1;
        if (b == 0xFC) return 3;
        if (b == 0xFD) return 4;
        return 9;
    }

    /** Reads length-encoded bytes; the length is checked against what the buffer holds. */
    public static byte[] readBytes(ByteBuf buf) {
        long len = readInt(buf);
        if (len < 0 || len > buf.readableBytes()) {
            throw new MalformedPacketException("length-encoded string of " + len + " bytes exceeds the " + buf.readableBytes() + " remaining");
        }
        byte[] out = new byte[(int) len];
        buf.readBytes(out);
        return out;
    }

    /** Reads a length-encoded UTF-8 string. */
    public static String readString(ByteBuf buf) {
        return new String(readBytes(buf), StandardCharsets.UTF_8);
    }

    /** Writes length-encoded bytes. */
    public static void writeBytes(ByteBuf buf, byte[] bytes) {
        writeInt(buf, bytes.length);
        buf.writeBytes(bytes);
    }

    /** Writes a length-encoded UTF-8 string. */
    public static void writeString(ByteBuf buf, String s) {
        writeBytes(buf, s.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a NUL-terminated string; a missing terminator is malformed input. */
    public static String readNulString(ByteBuf buf, Charset cs) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new MalformedPacketException("unterminated string");
        }
        String s = buf.toString(buf.readerIndex(), end - buf.readerIndex(), cs);
        buf.readerIndex(end + 1);
        return s;
    }

    /** Reads a NUL-terminated string, or the rest of the buffer when no terminator follows. */
    public static String readNulOrEofString(ByteBuf buf, Charset cs) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (end < 0) {
            String s = buf.toString(cs);
            buf.readerIndex(buf.writerIndex());
            return s;
        }
        String s = buf.toString(buf.readerIndex(), end - buf.readerIndex(), cs);
        buf.readerIndex(end + 1);
        return s;
    }

    /** Writes a NUL-terminated UTF-8 string. */
    public static void writeNulString(ByteBuf buf, String s) {
        buf.writeCharSequence(s, StandardCharsets.UTF_8);
        buf.writeByte(0);
    }

    /** Reads the remaining bytes as a UTF-8 string. */
    public static String readEofString(ByteBuf buf) {
        String s = buf.toString(StandardCharsets.UTF_8);
        buf.readerIndex(buf.writerIndex());
        return s;
    }

    private static void need(ByteBuf buf, int n) {
        if (buf.readableBytes() < n) {
            throw new MalformedPacketException("truncated length-encoded integer");
        }
    }
}
