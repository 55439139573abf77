package io.lintas.pool;

import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.Packet;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SessionStateChange;
import io.lintas.wire.message.SessionStateChange.Other;
import io.lintas.wire.message.SessionStateChange.Schema;
import io.lintas.wire.message.SessionStateChange.StateChange;
import io.lintas.wire.message.SessionStateChange.SystemVariable;
import io.lintas.wire.message.SessionStateChange.TransactionState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.lintas.pool.Frames.bytes;
import static io.lintas.pool.Frames.frame;
import static io.lintas.pool.Frames.hex;
import static io.lintas.pool.Frames.payload;
import static io.lintas.pool.Frames.payloadOf;
import static io.lintas.wire.Capabilities.CLIENT_DEPRECATE_EOF;
import static io.lintas.wire.Capabilities.CLIENT_PROTOCOL_41;
import static io.lintas.wire.Capabilities.CLIENT_SECURE_CONNECTION;
import static io.lintas.wire.Capabilities.CLIENT_SESSION_TRACK;
import static io.lintas.wire.Capabilities.CLIENT_TRANSACTIONS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OkPacketRewriterTest {
    static final long PLAIN = CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION;
    static final long TRACK = PLAIN | CLIENT_SESSION_TRACK;

    /** Strips {@code ok} as the server sends it with tracking and checks it against the plain encoding. */
    private static OkPacketRewriter.Result stripAndCompare(OkPacket ok, int seq) {
        Packet in = frame(seq, payload(ok, TRACK));
        OkPacketRewriter.Result r = OkPacketRewriter.stripSessionState(in);
        try {
            OkPacket plain = new OkPacket(ok.header(), ok.affectedRows(), ok.lastInsertId(),
                ok.statusFlags() & ~ServerStatus.SESSION_STATE_CHANGED, ok.warnings(), ok.info(), List.of());
            assertArrayEquals(payload(plain, PLAIN), payloadOf(r.frame()), "payload as a plain client expects it");
            assertEquals(seq, r.frame().sequenceId());
            assertEquals(r.frame().content().readableBytes() - Packet.HEADER_SIZE, r.frame().payloadLength());
            OkPacket decoded = OkPacket.decode(r.frame().payload(), PLAIN);
            assertEquals(ok.info(), decoded.info());
            assertEquals(ok.affectedRows(), decoded.affectedRows());
            assertEquals(ok.statusFlags() & ~ServerStatus.SESSION_STATE_CHANGED, decoded.statusFlags());
            assertEquals(ok.sessionStateChanges(), r.changes());
            return r;
        } finally {
            r.frame().release();
        }
    }

    @Test
    void okWithoutTrailerIsReturnedAsItIs() {
        Packet in = frame(1, payload(OkPacket.of(ServerStatus.AUTOCOMMIT), TRACK));
        byte[] before = bytes(in);
        assertFalse(OkPacketRewriter.hasTrailer(in));
        OkPacketRewriter.Result r = OkPacketRewriter.stripSessionState(in);
        assertSame(in, r.frame());
        assertArrayEquals(before, bytes(r.frame()));
        assertEquals(List.of(), r.changes());
        r.frame().release();
    }

    @Test
    void infoOnlyBecomesTheRestOfThePacket() {
        stripAndCompare(new OkPacket(0, 3, 0, ServerStatus.AUTOCOMMIT, 0, "Rows matched: 3  Changed: 3  Warnings: 0",
            List.of()), 1);
    }

    @Test
    void emptyInfoPrefixIsDropped() {
        // MariaDB writes an empty length-encoded info even when nothing follows.
        Packet in = frame(1, "00 00 00 0200 0000 00");
        assertTrue(OkPacketRewriter.hasTrailer(in));
        OkPacketRewriter.Result r = OkPacketRewriter.stripSessionState(in);
        assertEquals("0000000200 0000".replace(" ", ""), hex(payloadOf(r.frame())));
        r.frame().release();
    }

    @Test
    void sessionStateIsRemovedAndReturned() {
        OkPacketRewriter.Result r = stripAndCompare(new OkPacket(0, 0, 0,
            ServerStatus.AUTOCOMMIT | ServerStatus.SESSION_STATE_CHANGED, 1, "", List.of(
                new SystemVariable("character_set_client", "utf8mb4"),
                new SystemVariable("time_zone", "+02:00"),
                new Schema("app"),
                new StateChange(true))), 1);
        assertEquals(4, r.changes().size());
    }

    @Test
    void infoAndSessionStateTogetherWithLargeCounters() {
        stripAndCompare(new OkPacket(0, 0x1_0000_0000L, 70_000, ServerStatus.AUTOCOMMIT | ServerStatus.IN_TRANS
            | ServerStatus.SESSION_STATE_CHANGED, 3, "i".repeat(300), List.of(
                new TransactionState("T_______"), new Other(3, new byte[] {0, 1, 2}),
                new SystemVariable("sql_mode", "x".repeat(400)))), 7);
    }

    @Test
    void okWithEofHeaderOfDeprecateEof() {
        OkPacket ok = new OkPacket(OkPacket.EOF_HEADER, 0, 0, ServerStatus.AUTOCOMMIT | ServerStatus.SESSION_STATE_CHANGED,
            0, "", List.of(new Schema("shop")));
        Packet in = frame(5, payload(ok, TRACK | CLIENT_DEPRECATE_EOF));
        OkPacketRewriter.Result r = OkPacketRewriter.stripSessionState(in);
        assertEquals(0xFE, r.frame().firstByte());
        assertEquals(List.of(new Schema("shop")), r.changes());
        assertEquals("fe00000200 0000".replace(" ", ""), hex(payloadOf(r.frame())));
        r.frame().release();
    }

    @Test
    void sessionStateChangesDoesNotModifyTheFrame() {
        OkPacket ok = new OkPacket(0, 0, 0, ServerStatus.SESSION_STATE_CHANGED, 0, "x", List.of(new Schema("a")));
        Packet in = frame(1, payload(ok, TRACK));
        byte[] before = bytes(in);
        assertEquals(List.of(new Schema("a")), OkPacketRewriter.sessionStateChanges(in));
        assertArrayEquals(before, bytes(in));
        assertEquals(1, in.refCnt());
        in.release();
    }

    @Test
    void rewritesInPlaceWithoutDisturbingTheNextFrameOfTheSameBuffer() {
        // As PacketFramer does: frames are slices of one cumulation buffer.
        OkPacket ok = new OkPacket(0, 1, 0, ServerStatus.SESSION_STATE_CHANGED, 0, "info", List.of(new Schema("db")));
        byte[] okPayload = payload(ok, TRACK);
        ByteBuf cumulation = PooledByteBufAllocator.DEFAULT.directBuffer();
        cumulation.writeMediumLE(okPayload.length).writeByte(1).writeBytes(okPayload);
        cumulation.writeMediumLE(3).writeByte(0).writeBytes(hex("aabbcc"));
        Packet first = new Packet(cumulation.readRetainedSlice(4 + okPayload.length));
        Packet second = new Packet(cumulation.readRetainedSlice(7));
        cumulation.release();
        OkPacketRewriter.Result r = OkPacketRewriter.stripSessionState(first);
        assertEquals("info", OkPacket.decode(r.frame().payload(), PLAIN).info());
        assertEquals("030000 00 aabbcc".replace(" ", ""), hex(bytes(second)));
        r.frame().release();
        second.release();
        assertEquals(0, cumulation.refCnt());
    }

    @Test
    void readOnlyBufferIsCopied() {
        OkPacket ok = new OkPacket(0, 0, 0, ServerStatus.SESSION_STATE_CHANGED, 0, "hello", List.of(new Schema("db")));
        byte[] p = payload(ok, TRACK);
        ByteBuf b = Unpooled.buffer().writeMediumLE(p.length).writeByte(1).writeBytes(p);
        ByteBuf ro = b.asReadOnly();
        Packet in = new Packet(ro);
        OkPacketRewriter.Result r = OkPacketRewriter.stripSessionState(in);
        assertEquals(0, b.refCnt(), "input released");
        OkPacket out = OkPacket.decode(r.frame().payload(), PLAIN);
        assertEquals("hello", out.info());
        assertEquals(0, out.statusFlags());
        r.frame().release();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "00 00 00 0240",                        // truncated status/warnings
        "00 00 00 0240 0000 05 6162",           // info longer than the packet
        "00 00 00 0240 0000 00 09 01 05 04 74", // state block longer than the packet
        "00 00 00 0240 0000 00 03 01 09 00",    // entry longer than the block
        "ff 1000 23 3432303030",                // an ERR, not an OK
        "",                                     // empty
    })
    void malformedInputLeavesTheFrameUntouched(String input) {
        Packet in = frame(1, input);
        byte[] before = bytes(in);
        assertThrows(MalformedPacketException.class, () -> OkPacketRewriter.stripSessionState(in));
        assertArrayEquals(before, bytes(in));
        assertEquals(1, in.refCnt());
        in.release();
    }

    /** Captured from MariaDB 10.11 (sandbox node3) with CLIENT_SESSION_TRACK and tracking enabled. */
    static final String MARIADB_SET_NAMES = "000000024000000065001e156368617261637465725f7365745f726573756c747307757466386d62"
        + "34001d146368617261637465725f7365745f636c69656e7407757466386d62340021186368617261637465725f7365745f636f6e6e6563"
        + "74696f6e07757466386d6234020131";
    static final String MARIADB_USE_APP = "000000024000000009010403617070020131";
    static final String MARIADB_TRACK_SETUP = "00000002400000006000211e73657373696f6e5f747261636b5f73797374656d5f766172696162"
        + "6c6573012a001e1a73657373696f6e5f747261636b5f73746174655f6368616e6765024f4e00181473657373696f6e5f747261636b5f"
        + "736368656d61024f4e020131";

    @Test
    void mariadbStateChangeEntryWithoutLengthPrefix() {
        // MariaDB writes "state changed" as type 2, length 1, '1' (MySQL: length 2, lenenc "1").
        Packet use = frame(1, MARIADB_USE_APP);
        OkPacketRewriter.Result r = OkPacketRewriter.stripSessionState(use);
        assertEquals(List.of(new Schema("app"), new StateChange(true)), r.changes());
        assertEquals("0000000200 0000".replace(" ", ""), hex(payloadOf(r.frame())));
        r.frame().release();

        Packet names = frame(1, MARIADB_SET_NAMES);
        assertEquals(List.of(new SystemVariable("character_set_results", "utf8mb4"),
            new SystemVariable("character_set_client", "utf8mb4"),
            new SystemVariable("character_set_connection", "utf8mb4"), new StateChange(true)),
            OkPacketRewriter.sessionStateChanges(names));
        OkPacket decoded = OkPacketRewriter.decode(names.payload(), TRACK);
        assertEquals(4, decoded.sessionStateChanges().size());
        assertEquals(ServerStatus.AUTOCOMMIT | ServerStatus.SESSION_STATE_CHANGED, decoded.statusFlags());
        names.release();

        Packet setup = frame(1, MARIADB_TRACK_SETUP);
        assertEquals(List.of(new SystemVariable("session_track_system_variables", "*"),
            new SystemVariable("session_track_state_change", "ON"), new SystemVariable("session_track_schema", "ON"),
            new StateChange(true)), OkPacketRewriter.decode(setup.payload(), TRACK).sessionStateChanges());
        setup.release();
    }

    @Test
    void mysqlStateChangeEntryWithLengthPrefix() {
        Packet in = frame(1, "00 00 00 0240 0000 00 04 02 02 01 31");
        assertEquals(List.of(new StateChange(true)), OkPacketRewriter.sessionStateChanges(in));
        in.release();
    }

    @Test
    void entryDataThatDoesNotParseIsKeptRaw() {
        // A system variable entry with empty data: framing is fine, the content is not.
        Packet in = frame(1, "00 00 00 0240 0000 00 02 00 00");
        assertEquals(List.of(new Other(0, new byte[0])), OkPacketRewriter.sessionStateChanges(in));
        in.release();
    }

    @Test
    void decodeWithoutSessionTrackIsOkPacketDecode() {
        byte[] p = payload(new OkPacket(0, 1, 2, ServerStatus.AUTOCOMMIT, 0, "info", List.of()), PLAIN);
        assertEquals(OkPacket.decode(Unpooled.wrappedBuffer(p), PLAIN), OkPacketRewriter.decode(Unpooled.wrappedBuffer(p), PLAIN));
    }

    @Test
    void sessionStateDecodesLikeOkPacketDoes() {
        List<SessionStateChange> all = List.of(new SystemVariable("autocommit", "OFF"), new Schema("test"),
            new StateChange(true), new SessionStateChange.TransactionCharacteristics("START TRANSACTION;"));
        OkPacket ok = new OkPacket(0, 0, 0, ServerStatus.SESSION_STATE_CHANGED | ServerStatus.IN_TRANS, 0, "", all);
        Packet in = frame(1, payload(ok, TRACK));
        assertEquals(OkPacket.decode(in.payload(), TRACK).sessionStateChanges(), OkPacketRewriter.sessionStateChanges(in));
        in.release();
    }
}
