package io.lintas.wire.message;

import io.lintas.wire.ErrorCode;
import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.ServerStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.lintas.wire.Capabilities.CLIENT_PROTOCOL_41;
import static io.lintas.wire.Capabilities.CLIENT_TRANSACTIONS;
import static io.lintas.wire.TestBufs.ascii;
import static io.lintas.wire.TestBufs.bytes;
import static io.lintas.wire.TestBufs.concat;
import static io.lintas.wire.TestBufs.decode;
import static io.lintas.wire.TestBufs.decodeFully;
import static io.lintas.wire.TestBufs.encode;
import static io.lintas.wire.TestBufs.hex;
import static io.lintas.wire.TestBufs.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ErrEofPacketTest {

    @Test
    void errExactBytes() {
        ErrPacket err = new ErrPacket(1045, "28000", "Access denied for user 'app'@'10.0.0.1' (using password: YES)");
        byte[] wire = encode(err, CLIENT_PROTOCOL_41);
        assertArrayEquals(concat(bytes(0xFF), bytes(0x15, 0x04), ascii("#"), ascii("28000"), utf8(err.message())), wire);
        assertEquals(err, decodeFully(wire, ErrPacket::decode));
    }

    @Test
    void errWithUnicodeMessage() {
        ErrPacket err = new ErrPacket(1146, "42S02", "Table 'shop.bestellungen_ä' doesn't exist");
        byte[] wire = encode(err, CLIENT_PROTOCOL_41);
        assertArrayEquals(concat(hex("ff 7a04 23"), ascii("42S02"), utf8(err.message())), wire);
        assertEquals(err, decodeFully(wire, ErrPacket::decode));
    }

    @Test
    void errWithHighCode() {
        ErrPacket err = new ErrPacket(0xFFFF, "HY000", "");
        assertEquals(err, decodeFully(encode(err, 0), ErrPacket::decode));
    }

    @Test
    void capabilitiesZeroMeansHandshakePhaseAndStillSendsSqlState() {
        ErrPacket err = ErrPacket.of(ErrorCode.ER_CON_COUNT_ERROR, "Too many connections");
        assertArrayEquals(concat(hex("ff 1004 23"), ascii("08004"), ascii("Too many connections")), encode(err, 0));
    }

    @Test
    void pre41ClientGetsNoSqlState() {
        ErrPacket err = new ErrPacket(1064, "42000", "syntax");
        byte[] wire = encode(err, CLIENT_TRANSACTIONS);
        assertArrayEquals(concat(hex("ff 2804"), ascii("syntax")), wire);
        ErrPacket back = decodeFully(wire, ErrPacket::decode);
        assertEquals(1064, back.errorCode());
        assertEquals("HY000", back.sqlState());
        assertEquals("syntax", back.message());
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyProxyErrorCodeRoundTrips(ErrorCode code) {
        assertEquals(5, code.sqlState().length());
        ErrPacket err = ErrPacket.of(code, code.name());
        assertEquals(code.code(), err.errorCode());
        assertEquals(code.sqlState(), err.sqlState());
        assertEquals(err, decodeFully(encode(err, CLIENT_PROTOCOL_41), ErrPacket::decode));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ff", "ff15", "ff1504 23", "ff1504 23 3238", "ff1504 23 32383030", "00 1504 23 3238303030",
        "fe 1504"})
    void malformedErr(String input) {
        assertThrows(MalformedPacketException.class, () -> decode(hex(input), ErrPacket::decode));
    }

    @Test
    void eofExactBytesAndRoundTrip() {
        EofPacket eof = new EofPacket(3, ServerStatus.AUTOCOMMIT | ServerStatus.MORE_RESULTS_EXISTS);
        byte[] wire = encode(eof, CLIENT_PROTOCOL_41);
        assertEquals("fe03000a00", io.lintas.wire.TestBufs.hex(wire));
        assertEquals(5, wire.length);
        assertEquals(eof, decodeFully(wire, EofPacket::decode));
        assertEquals(true, wire.length < EofPacket.MAX_LENGTH);
    }

    @Test
    void eofExtremeValues() {
        EofPacket eof = new EofPacket(0xFFFF, 0xFFFF);
        assertEquals(eof, decodeFully(encode(eof, 0), EofPacket::decode));
    }

    @Test
    void pre41EofIsOneByte() {
        assertEquals(new EofPacket(0, 0), decodeFully(hex("fe"), EofPacket::decode));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00 0000 0200", "ff 0000 0200"})
    void malformedEof(String input) {
        assertThrows(MalformedPacketException.class, () -> decode(hex(input), EofPacket::decode));
    }
}
