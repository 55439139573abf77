package io.lintas.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import static io.lintas.wire.TestBufs.bytes;
import static io.lintas.wire.TestBufs.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LengthEncodedTest {

    static Stream<Arguments> integers() {
        return Stream.of(
            Arguments.of(0L, "00"),
            Arguments.of(1L, "01"),
            Arguments.of(250L, "fa"),
            Arguments.of(251L, "fcfb00"),
            Arguments.of(252L, "fcfc00"),
            Arguments.of(255L, "fcff00"),
            Arguments.of(256L, "fc0001"),
            Arguments.of(0xFFFFL, "fcffff"),
            Arguments.of(0x10000L, "fd000001"),
            Arguments.of(0x123456L, "fd563412"),
            Arguments.of(0xFFFFFFL, "fdffffff"),
            Arguments.of(0x1000000L, "fe0000000100000000"),
            Arguments.of(0xFFFFFFFFL, "feffffffff00000000"),
            Arguments.of(0x100000000L, "fe0000000001000000"),
            Arguments.of(0x0102030405060708L, "fe0807060504030201"),
            Arguments.of(Long.MAX_VALUE, "feffffffffffffff7f"),
            // Unsigned 64-bit values beyond Long.MAX_VALUE come back as negative longs.
            Arguments.of(Long.MIN_VALUE, "fe0000000000000080"),
            Arguments.of(-1L, "feffffffffffffffff"));
    }

    @ParameterizedTest(name = "{0} <-> {1}")
    @MethodSource("integers")
    void integerEncodingAtEveryBoundary(long value, String encoded) {
        ByteBuf b = Unpooled.buffer();
        LengthEncoded.writeInt(b, value);
        assertEquals(encoded, hex(TestBufs.readable(b)));
        assertEquals(encoded.length() / 2, LengthEncoded.intSize(value));
        assertEquals(value, LengthEncoded.readInt(b));
        assertEquals(0, b.readableBytes());
        b.release();
    }

    @Test
    void readIntLeavesFollowingBytesAlone() {
        ByteBuf b = Unpooled.wrappedBuffer(hex("fcfb00 fd000001 2a"));
        assertEquals(251, LengthEncoded.readInt(b));
        assertEquals(0x10000, LengthEncoded.readInt(b));
        assertEquals(42, LengthEncoded.readInt(b));
        assertEquals(0, b.readableBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "fc", "fc01", "fd", "fd0102", "fe", "fe01020304050607"})
    void truncatedIntegerIsMalformed(String input) {
        ByteBuf b = Unpooled.wrappedBuffer(hex(input));
        assertThrows(MalformedPacketException.class, () -> LengthEncoded.readInt(b));
    }

    @ParameterizedTest
    @ValueSource(ints = {0xFB, 0xFF})
    void nullAndInvalidPrefixAreMalformed(int prefix) {
        ByteBuf b = Unpooled.wrappedBuffer(bytes(prefix, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(MalformedPacketException.class, () -> LengthEncoded.readInt(b));
        assertThrows(MalformedPacketException.class,
            () -> LengthEncoded.readBytes(Unpooled.wrappedBuffer(bytes(prefix, 1, 2, 3))));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 250, 251, 0xFFFF, 0x10000, 0x12345})
    void stringsOfEverySizeClass(int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        ByteBuf b = Unpooled.buffer();
        LengthEncoded.writeBytes(b, data);
        assertEquals(LengthEncoded.intSize(length) + length, b.readableBytes());
        b.writeByte(0x7E); // a following byte must not be swallowed
        ByteBuf copy = b.copy();
        assertArrayEquals(data, LengthEncoded.readBytes(b));
        assertEquals(1, b.readableBytes());
        assertEquals(new String(data, StandardCharsets.UTF_8), LengthEncoded.readString(copy));
        assertEquals(0x7E, copy.readUnsignedByte());
        b.release();
        copy.release();
    }

    @Test
    void getIntReadsInPlaceLikeReadInt() {
        byte[] wire = hex("07 fa fcfb00 fd000001 fe0102030405060708 fb");
        ByteBuf b = Unpooled.wrappedBuffer(wire);
        ByteBuf r = b.duplicate();
        for (int i = 0; i < 4; i++) {
            int start = r.readerIndex() + (i == 0 ? 1 : 0);
            r.readerIndex(start);
            long expected = LengthEncoded.readInt(r);
            assertEquals(expected, LengthEncoded.getInt(b, start, wire.length));
        }
        assertEquals(0, b.readerIndex());
        assertThrows(MalformedPacketException.class, () -> LengthEncoded.getInt(b, wire.length - 1, wire.length));
        assertThrows(MalformedPacketException.class, () -> LengthEncoded.getInt(b, 2, 4), "truncated by the end given");
        assertThrows(MalformedPacketException.class, () -> LengthEncoded.getInt(b, 5, 5));
    }

    @Test
    void utf8Strings() {
        String s = "Grüße, 世界 🐬";
        ByteBuf b = Unpooled.buffer();
        LengthEncoded.writeString(b, s);
        assertEquals(s.getBytes(StandardCharsets.UTF_8).length, b.getUnsignedByte(0));
        assertEquals(s, LengthEncoded.readString(b));
        LengthEncoded.writeString(b, "");
        assertEquals("00", hex(TestBufs.readable(b)));
        assertEquals("", LengthEncoded.readString(b));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "01",                      // 1 byte announced, none present
        "05 61626364",             // 5 announced, 4 present
        "fc0001 00",               // 256 announced
        "fd000001 00",             // 65536 announced
        "fe0000000100000000 00",   // 16 MiB announced
        "feffffffffffffffff 00",   // 2^64-1 (negative as long)
        "fe0000000000000080 00",   // 2^63 (Long.MIN_VALUE)
        "feffffffff00000000 00",   // 4 GiB
        "fc01",                    // truncated length
    })
    void stringLongerThanBufferIsMalformed(String input) {
        assertThrows(MalformedPacketException.class, () -> LengthEncoded.readBytes(Unpooled.wrappedBuffer(hex(input))));
        assertThrows(MalformedPacketException.class, () -> LengthEncoded.readString(Unpooled.wrappedBuffer(hex(input))));
    }

    @Test
    void nulTerminatedStrings() {
        ByteBuf b = Unpooled.buffer();
        LengthEncoded.writeNulString(b, "root");
        LengthEncoded.writeNulString(b, "");
        LengthEncoded.writeNulString(b, "Zoë");
        assertEquals("726f6f7400" + "00" + "5a6fc3ab00", hex(TestBufs.readable(b)));
        assertEquals("root", LengthEncoded.readNulString(b, StandardCharsets.UTF_8));
        assertEquals(5, b.readerIndex());
        assertEquals("", LengthEncoded.readNulString(b, StandardCharsets.UTF_8));
        assertEquals("Zoë", LengthEncoded.readNulString(b, StandardCharsets.UTF_8));
        assertEquals(0, b.readableBytes());
    }

    @Test
    void nulStringInOtherCharset() {
        ByteBuf b = Unpooled.wrappedBuffer(bytes(0xE9, 0x80, 0x00, 0x41));
        assertEquals("\u00e9\u0080", LengthEncoded.readNulString(b, StandardCharsets.ISO_8859_1));
        assertEquals(1, b.readableBytes());
    }

    @Test
    void nulStringStopsAtTheReaderIndexNotTheBufferStart() {
        ByteBuf b = Unpooled.wrappedBuffer(TestBufs.concat(TestBufs.nul("skip"), TestBufs.nul("me")));
        b.skipBytes(5);
        assertEquals("me", LengthEncoded.readNulString(b, StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "61", "616263"})
    void unterminatedNulStringIsMalformed(String input) {
        ByteBuf b = Unpooled.wrappedBuffer(hex(input));
        assertThrows(MalformedPacketException.class, () -> LengthEncoded.readNulString(b, StandardCharsets.UTF_8));
        assertEquals(0, b.readerIndex(), "nothing consumed on failure");
    }

    @Test
    void unterminatedStringDoesNotLookBeyondWriterIndex() {
        // A NUL exists in the backing array beyond the readable region: it must not be found.
        ByteBuf b = Unpooled.wrappedBuffer(bytes('a', 'b', 0, 'c')).slice(0, 2);
        assertThrows(MalformedPacketException.class, () -> LengthEncoded.readNulString(b, StandardCharsets.UTF_8));
    }

    @Test
    void nulOrEofString() {
        ByteBuf b = Unpooled.wrappedBuffer(TestBufs.concat(TestBufs.nul("mysql_native_password"), TestBufs.ascii("tail")));
        assertEquals("mysql_native_password", LengthEncoded.readNulOrEofString(b, StandardCharsets.UTF_8));
        assertEquals("tail", LengthEncoded.readNulOrEofString(b, StandardCharsets.UTF_8));
        assertEquals(0, b.readableBytes());
        assertEquals("", LengthEncoded.readNulOrEofString(b, StandardCharsets.UTF_8));
    }

    @Test
    void eofString() {
        ByteBuf b = Unpooled.wrappedBuffer(TestBufs.utf8("xxRows matched: 1  Changed: 1 ✓"));
        b.skipBytes(2);
        assertEquals("Rows matched: 1  Changed: 1 ✓", LengthEncoded.readEofString(b));
        assertEquals(0, b.readableBytes());
        assertEquals("", LengthEncoded.readEofString(b));
    }

    @Test
    void nullMarkerConstant() {
        assertEquals(0xFB, LengthEncoded.NULL_MARKER);
        // A NULL column in a text row is the single byte 0xFB, which readInt refuses.
        assertThrows(MalformedPacketException.class,
            () -> LengthEncoded.readInt(Unpooled.wrappedBuffer(bytes(LengthEncoded.NULL_MARKER))));
    }

    @Test
    void intSizeMatchesWrittenBytesOverManyValues() {
        long[] probes = {0, 250, 251, 0xFFFF, 0x10000, 0xFFFFFF, 0x1000000, Integer.MAX_VALUE, -5};
        ByteBuf b = Unpooled.buffer();
        for (long v : probes) {
            for (long d = -2; d <= 2; d++) {
                b.clear();
                LengthEncoded.writeInt(b, v + d);
                assertEquals(b.readableBytes(), LengthEncoded.intSize(v + d), "value " + (v + d));
                assertEquals(v + d, LengthEncoded.readInt(b));
            }
        }
        b.release();
        assertEquals(9, Arrays.stream(new long[] {Long.MIN_VALUE, -1}).mapToInt(LengthEncoded::intSize).max().getAsInt());
    }
}
