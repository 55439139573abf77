package io.lintas.wire.message;

import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.message.SessionStateChange.Other;
import io.lintas.wire.message.SessionStateChange.Schema;
import io.lintas.wire.message.SessionStateChange.StateChange;
import io.lintas.wire.message.SessionStateChange.SystemVariable;
import io.lintas.wire.message.SessionStateChange.TransactionCharacteristics;
import io.lintas.wire.message.SessionStateChange.TransactionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static io.lintas.wire.Capabilities.*;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

class OkPacketTest {
    static final long P41 = CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION;
    static final long TRACK = P41 | CLIENT_SESSION_TRACK;

    static OkPacket roundTrip(OkPacket ok, long caps) {
        OkPacket back = decodeFully(encode(ok, caps), p -> OkPacket.decode(p, caps));
        assertEquals(ok, back);
        return back;
    }

    @Test
    void plainOkExactBytes() {
        OkPacket ok = OkPacket.of(ServerStatus.AUTOCOMMIT);
        assertEquals("00 00 00 0200 0000".replace(" ", ""), io.lintas.wire.TestBufs.hex(encode(ok, P41)));
        assertEquals(ok, roundTrip(ok, P41));
        assertEquals(ok, roundTrip(ok, TRACK));
        assertEquals("", ok.info());
        assertEquals(List.of(), ok.sessionStateChanges());
    }

    @Test
    void affectedRowsInsertIdWarningsAndInfoWithoutSessionTrack() {
        OkPacket ok = new OkPacket(OkPacket.HEADER, 3, 0x1000000, ServerStatus.IN_TRANS, 2,
            "Rows matched: 3  Changed: 3  Warnings: 2", List.of());
        byte[] wire = encode(ok, P41);
        assertArrayEquals(concat(hex("00 03 fe0000000100000000 0100 0200"), utf8(ok.info())), wire);
        roundTrip(ok, P41);
    }

    @Test
    void largeCounters() {
        roundTrip(new OkPacket(0, Long.MAX_VALUE, 0xFFFFFFFFL, 0xFFFF & ~ServerStatus.SESSION_STATE_CHANGED, 0xFFFF,
            "", List.of()), P41);
        roundTrip(new OkPacket(0, 251, 0x10000, 0, 0, "ünïcødé info", List.of()), TRACK);
    }

    @Test
    void okWithEofHeaderForDeprecateEof() {
        OkPacket ok = new OkPacket(OkPacket.EOF_HEADER, 0, 0, ServerStatus.AUTOCOMMIT | ServerStatus.LAST_ROW_SENT, 1,
            "", List.of());
        byte[] wire = encode(ok, TRACK | CLIENT_DEPRECATE_EOF);
        assertEquals(0xFE, wire[0] & 0xFF);
        assertEquals(ok, roundTrip(ok, TRACK | CLIENT_DEPRECATE_EOF));
    }

    @Test
    void sessionTrackWithInfoOnly() {
        OkPacket ok = new OkPacket(0, 1, 0, ServerStatus.AUTOCOMMIT, 0, "Records: 1  Duplicates: 0", List.of());
        byte[] wire = encode(ok, TRACK);
        assertEquals(ok.info().length(), wire[7]);
        roundTrip(ok, TRACK);
    }

    @Test
    void sessionStateEntriesOfEveryKind() {
        List<SessionStateChange> changes = List.of(
            new SystemVariable("autocommit", "OFF"),
            new SystemVariable("character_set_client", "utf8mb4"),
            new Schema("shop"),
            new StateChange(true),
            new StateChange(false),
            new TransactionState("T_______"),
            new TransactionCharacteristics("START TRANSACTION READ ONLY;"),
            new Other(SessionStateChange.TYPE_GTIDS, hex("00 2a 33452f2a")),
            new Other(0x42, bytes(1, 2, 3)),
            new Other(0x7F, new byte[0]),
            new SystemVariable("long_value", "x".repeat(400)));
        OkPacket ok = new OkPacket(0, 0, 0, ServerStatus.AUTOCOMMIT | ServerStatus.IN_TRANS
            | ServerStatus.SESSION_STATE_CHANGED, 0, "", changes);
        OkPacket back = roundTrip(ok, TRACK);
        assertEquals(changes, back.sessionStateChanges());
        assertTrue(back.sessionStateChanges().get(7) instanceof Other);
    }

    @Test
    void sessionStateEntryLayout() {
        OkPacket ok = new OkPacket(0, 0, 0, ServerStatus.AUTOCOMMIT | ServerStatus.SESSION_STATE_CHANGED, 0, "",
            List.of(new Schema("test")));
        // header, affected, insert id, status 0x4002, warnings, info "", block len 7: type 1, len 5, lenenc "test".
        assertEquals("00 00 00 0240 0000 00 07 01 05 04 74657374".replace(" ", ""),
            io.lintas.wire.TestBufs.hex(encode(ok, TRACK)));
    }

    @Test
    void decodesServerOkAfterUseAndSet() {
        // What a MySQL 8 server sends after "SET autocommit=0; USE test" style statements.
        byte[] wire = hex("00 00 00 0340 0000 00"
            + "1c"                                   // 28 bytes of state info
            + "00 0f 0a 6175746f636f6d6d6974 03 4f4646" // autocommit=OFF (17 bytes)
            + "01 05 04 74657374"                    // schema test (7 bytes)
            + "02 02 01 31");                        // state changed (4 bytes)
        OkPacket ok = decodeFully(wire, p -> OkPacket.decode(p, TRACK));
        assertEquals(ServerStatus.AUTOCOMMIT | ServerStatus.IN_TRANS | ServerStatus.SESSION_STATE_CHANGED,
            ok.statusFlags());
        assertEquals(List.of(new SystemVariable("autocommit", "OFF"), new Schema("test"), new StateChange(true)),
            ok.sessionStateChanges());
    }

    @Test
    void systemVariableWithoutValueDecodesAsEmpty() {
        byte[] wire = hex("00 00 00 0040 0000 00 06 00 04 03 666f6f");
        OkPacket ok = decodeFully(wire, p -> OkPacket.decode(p, TRACK));
        assertEquals(List.of(new SystemVariable("foo", "")), ok.sessionStateChanges());
    }

    @Test
    void stateChangedFlagWithoutEntriesIsClearedOnEncode() {
        OkPacket ok = new OkPacket(0, 0, 0, ServerStatus.SESSION_STATE_CHANGED | ServerStatus.AUTOCOMMIT, 0, "", null);
        OkPacket back = decodeFully(encode(ok, TRACK), p -> OkPacket.decode(p, TRACK));
        assertEquals(ServerStatus.AUTOCOMMIT, back.statusFlags());
    }

    @Test
    void entriesAreDroppedForClientsWithoutSessionTrack() {
        OkPacket ok = new OkPacket(0, 0, 0, ServerStatus.SESSION_STATE_CHANGED, 0, "info",
            List.of(new Schema("shop")));
        byte[] wire = encode(ok, P41);
        assertArrayEquals(concat(hex("00 00 00 0000 0000"), utf8("info")), wire);
        OkPacket back = decodeFully(wire, p -> OkPacket.decode(p, P41));
        assertEquals(List.of(), back.sessionStateChanges());
        assertEquals("info", back.info());
    }

    @Test
    void withoutSessionTrackTheRestIsInfoEvenIfFlagIsSet() {
        byte[] wire = hex("00 00 00 0040 0000 01 05 04 74657374");
        OkPacket ok = decodeFully(wire, p -> OkPacket.decode(p, P41));
        assertEquals(List.of(), ok.sessionStateChanges());
        assertEquals(7, ok.info().length());
    }

    @Test
    void pre41Layouts() {
        // CLIENT_TRANSACTIONS only: status but no warnings.
        OkPacket ok = decodeFully(hex("00 01 02 0200 6869"), p -> OkPacket.decode(p, CLIENT_TRANSACTIONS));
        assertEquals(1, ok.affectedRows());
        assertEquals(2, ok.lastInsertId());
        assertEquals(ServerStatus.AUTOCOMMIT, ok.statusFlags());
        assertEquals(0, ok.warnings());
        assertEquals("hi", ok.info());
        // Neither: just counters and info.
        OkPacket old = decodeFully(hex("00 05 00"), p -> OkPacket.decode(p, 0));
        assertEquals(5, old.affectedRows());
        assertEquals(0, old.statusFlags());
    }

    @Test
    void nullsBecomeEmpty() {
        OkPacket ok = new OkPacket(0, 0, 0, 0, 0, null, null);
        assertEquals("", ok.info());
        assertEquals(List.of(), ok.sessionStateChanges());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "00",
        "00 00",
        "00 00 00",
        "00 00 00 02",
        "00 00 00 0200 00",
        "00 fc01",                               // truncated affected rows
        "00 00 fd0000",                          // truncated insert id
        "00 fb 00 0200 0000",                    // NULL marker as a counter
        "00 ff 00 0200 0000",                    // invalid lenenc prefix
        "00 00 00 0240 0000 05 6162",            // info longer than the packet
        "00 00 00 0240 0000 00 09 01 05 04 74",  // state block longer than the packet
        "00 00 00 0240 0000 00 03 01 09 00",     // entry longer than the block
        "00 00 00 0240 0000 00 03 01 01 05",     // schema name longer than the entry
        "00 00 00 0240 0000 00 01 01",           // entry without length
        "00 00 00 0240 0000 00 feffffffffffffffff", // block length 2^64-1 (negative as long)
        "00 00 00 0240 0000 00 0a 01 feffffffffffffffff", // entry length 2^64-1 (negative as long)
        "00 00 00 0240 0000 00 0a 01 fe0000000000000080", // entry length 2^63
        "00 00 00 0240 0000 00 02 00 00",        // system variable with empty data
    })
    void malformedOkWithSessionTrack(String input) {
        assertThrows(MalformedPacketException.class, () -> decode(hex(input), p -> OkPacket.decode(p, TRACK)));
    }

    @Test
    void everyTruncationOfTheFixedPartIsMalformed() {
        OkPacket ok = new OkPacket(0, 0x1000000, 300, ServerStatus.AUTOCOMMIT | ServerStatus.SESSION_STATE_CHANGED, 7,
            "info", List.of(new SystemVariable("a", "b"), new Schema("s")));
        byte[] wire = encode(ok, TRACK);
        int fixed = 1 + 9 + 3 + 2 + 2;
        for (int cut = 0; cut < fixed; cut++) {
            byte[] truncated = Arrays.copyOf(wire, cut);
            assertThrows(MalformedPacketException.class, () -> decode(truncated, p -> OkPacket.decode(p, TRACK)),
                "cut at " + cut);
        }
        // Cuts inside info or state block. (Right after the info the packet reads as "no state info".)
        int afterInfo = fixed + 1 + "info".length();
        for (int cut = fixed + 1; cut < wire.length; cut++) {
            if (cut == afterInfo) {
                continue;
            }
            byte[] truncated = Arrays.copyOf(wire, cut);
            assertThrows(MalformedPacketException.class, () -> decode(truncated, p -> OkPacket.decode(p, TRACK)),
                "cut at " + cut);
        }
    }

    @Test
    void decodesMariaDbsBareStateChangeEntry() {
        // The layout MariaDB 10.11 sends with session_track_state_change=1 (see pool's captured bytes): the state-change
        // entry is type 2, length 1, the bare byte '1' (MySQL writes a length-encoded "1" instead).
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
        buf.writeBytes(new byte[] {0x00, 0x00, 0x00, 0x02, 0x40, 0x00, 0x00, 0x00});
        byte[] block = {0x00, 0x0B, 0x09, 't', 'i', 'm', 'e', '_', 'z', 'o', 'n', 'e', 0x00, 0x02, 0x01, '1'};
        buf.writeByte(block.length).writeBytes(block);
        OkPacket ok = OkPacket.decode(buf, CLIENT_PROTOCOL_41 | CLIENT_SESSION_TRACK);
        assertEquals(List.of(new SystemVariable("time_zone", ""), new StateChange(true)), ok.sessionStateChanges());
        buf.release();
    }
}
