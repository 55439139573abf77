package io.lintas.wire;

import io.lintas.wire.ResponseTracker.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.lintas.wire.ResponseTracker.Event.COMPLETE;
import static io.lintas.wire.ResponseTracker.Event.CONTINUE;
import static io.lintas.wire.ResponseTracker.Event.LOCAL_INFILE_REQUEST;
import static io.lintas.wire.ServerStatus.AUTOCOMMIT;
import static io.lintas.wire.ServerStatus.CURSOR_EXISTS;
import static io.lintas.wire.ServerStatus.IN_TRANS;
import static io.lintas.wire.ServerStatus.LAST_ROW_SENT;
import static io.lintas.wire.ServerStatus.MORE_RESULTS_EXISTS;
import static io.lintas.wire.TestBufs.ascii;
import static io.lintas.wire.TestBufs.bytes;
import static io.lintas.wire.TestBufs.concat;
import static io.lintas.wire.TestBufs.hex;
import static io.lintas.wire.TestBufs.le16;
import static io.lintas.wire.TestBufs.le32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Responses built frame by frame as a MySQL/MariaDB server sends them, with and without CLIENT_DEPRECATE_EOF.
 * Each {@code expect} call feeds the frames and checks the event returned for each of them.
 */
class ResponseTrackerTest {
    private static final long BASE_CAPS = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_TRANSACTIONS
        | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_PS_MULTI_RESULTS | Capabilities.CLIENT_SESSION_TRACK;

    private final List<Packet> allFrames = new ArrayList<>();
    private int seq;

    @AfterEach
    void releaseFrames() {
        for (Packet p : allFrames) {
            assertEquals(1, p.refCnt(), "tracker must not retain or release frames");
            p.release();
        }
    }

    private static ResponseTracker tracker(boolean deprecateEof) {
        return new ResponseTracker(BASE_CAPS | (deprecateEof ? Capabilities.CLIENT_DEPRECATE_EOF : 0));
    }

    // ------------------------------------------------------------------------------------------ frames

    private Packet frame(byte[] payload) {
        Packet p = TestBufs.packet(seq++ & 0xFF, payload);
        allFrames.add(p);
        return p;
    }

    private Packet frame(int length, int first, int fill) {
        Packet p = TestBufs.packet(seq++ & 0xFF, length, first, fill);
        allFrames.add(p);
        return p;
    }

    private Packet ok(int status) {
        return frame(concat(bytes(0x00, 0x00, 0x00), le16(status), le16(0)));
    }

    /** OK with multi-byte affected rows / insert id and trailing info, to check where status is read from. */
    private Packet okWide(int status) {
        return frame(concat(hex("00 fe0000000100000000 fd000001"), le16(status), le16(3), ascii("\u0005Hello")));
    }

    /** Classic EOF: 0xFE, warnings, status. */
    private Packet eof(int status) {
        return frame(concat(bytes(0xFE), le16(1), le16(status)));
    }

    /** OK with the 0xFE header that replaces EOF for CLIENT_DEPRECATE_EOF. */
    private Packet okEof(int status) {
        return frame(concat(bytes(0xFE, 0x00, 0x00), le16(status), le16(0)));
    }

    /** Terminator of a result set in the given mode. */
    private Packet end(boolean deprecateEof, int status) {
        return deprecateEof ? okEof(status) : eof(status);
    }

    private Packet err(int code) {
        return frame(concat(bytes(0xFF), le16(code), ascii("#42000"), ascii("You have an error")));
    }

    private Packet columnCount(long n) {
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        LengthEncoded.writeInt(b, n);
        byte[] bytes = TestBufs.readable(b);
        b.release();
        return frame(bytes);
    }

    private Packet columnDef(String name) {
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        LengthEncoded.writeString(b, "def");
        LengthEncoded.writeString(b, "shop");
        LengthEncoded.writeString(b, "t");
        LengthEncoded.writeString(b, "t");
        LengthEncoded.writeString(b, name);
        LengthEncoded.writeString(b, name);
        b.writeByte(0x0C).writeShortLE(45).writeIntLE(255).writeByte(0xFD).writeShortLE(0).writeByte(0).writeShortLE(0);
        byte[] bytes = TestBufs.readable(b);
        b.release();
        return frame(bytes);
    }

    private Packet row(String... values) {
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        for (String v : values) {
            if (v == null) {
                b.writeByte(LengthEncoded.NULL_MARKER);
            } else {
                LengthEncoded.writeString(b, v);
            }
        }
        byte[] bytes = TestBufs.readable(b);
        b.release();
        return frame(bytes);
    }

    private Packet prepareOk(long stmtId, int columns, int params) {
        return frame(concat(bytes(0x00), le32(stmtId), le16(columns), le16(params), bytes(0), le16(0)));
    }

    /** Feeds the frames; all but the last must give CONTINUE, the last {@code last}. */
    private static void expect(ResponseTracker t, Event last, Packet... frames) {
        for (int i = 0; i < frames.length; i++) {
            int ri = frames[i].content().readerIndex();
            Event e = t.onFrame(frames[i]);
            assertEquals(ri, frames[i].content().readerIndex(), "tracker must not consume");
            Event wanted = i == frames.length - 1 ? last : CONTINUE;
            assertEquals(wanted, e, "frame " + i + " " + frames[i]);
        }
        assertEquals(last != COMPLETE, t.inProgress());
    }

    /** Column count, definitions and (without CLIENT_DEPRECATE_EOF) the EOF after them. */
    private Packet[] header(boolean deprecateEof, int columns, int eofStatus) {
        List<Packet> out = new ArrayList<>();
        out.add(columnCount(columns));
        for (int i = 0; i < columns; i++) {
            out.add(columnDef("c" + i));
        }
        if (!deprecateEof) {
            out.add(eof(eofStatus));
        }
        return out.toArray(new Packet[0]);
    }

    private static Packet[] cat(Packet[] a, Packet... b) {
        Packet[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ------------------------------------------------------------------------------------------ tests

    @Test
    void expectsResponse() {
        assertFalse(ResponseTracker.expectsResponse(Command.COM_STMT_CLOSE));
        assertFalse(ResponseTracker.expectsResponse(Command.COM_STMT_SEND_LONG_DATA));
        assertFalse(ResponseTracker.expectsResponse(Command.COM_QUIT));
        for (int c : new int[] {Command.COM_QUERY, Command.COM_PING, Command.COM_INIT_DB, Command.COM_STMT_PREPARE,
            Command.COM_STMT_EXECUTE, Command.COM_STMT_FETCH, Command.COM_STMT_RESET, Command.COM_FIELD_LIST,
            Command.COM_STATISTICS, Command.COM_CHANGE_USER, Command.COM_RESET_CONNECTION, Command.COM_SET_OPTION}) {
            assertTrue(ResponseTracker.expectsResponse(c), Command.name(c));
        }
    }

    @Test
    void frameWithoutCommandIsRejected() {
        ResponseTracker t = tracker(false);
        assertFalse(t.inProgress());
        assertThrows(MalformedPacketException.class, () -> t.onFrame(ok(AUTOCOMMIT)));
        t.begin(Command.COM_PING, false);
        assertEquals(COMPLETE, t.onFrame(ok(AUTOCOMMIT)));
        assertThrows(MalformedPacketException.class, () -> t.onFrame(ok(AUTOCOMMIT)));
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void okOnly(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        assertTrue(t.inProgress());
        expect(t, COMPLETE, ok(AUTOCOMMIT | IN_TRANS));
        assertEquals(AUTOCOMMIT | IN_TRANS, t.statusFlags());
        assertEquals(0, t.errorCode());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void okWithWideCountersAndInfo(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, COMPLETE, okWide(IN_TRANS));
        assertEquals(IN_TRANS, t.statusFlags());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void errOnly(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, COMPLETE, ok(AUTOCOMMIT));
        t.begin(Command.COM_QUERY, false);
        expect(t, COMPLETE, err(1064));
        assertEquals(1064, t.errorCode());
        assertEquals(AUTOCOMMIT, t.statusFlags(), "an ERR carries no status: the last one is kept");
        // errorCode is reset by the next command.
        t.begin(Command.COM_PING, false);
        assertEquals(0, t.errorCode());
        expect(t, COMPLETE, ok(AUTOCOMMIT));
        assertEquals(0, t.errorCode());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void textResultSet(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, COMPLETE, cat(header(deprecateEof, 3, AUTOCOMMIT),
            row("1", "alice", null), row("2", "bob", "x"), row("", "", ""), end(deprecateEof, AUTOCOMMIT | IN_TRANS)));
        assertEquals(AUTOCOMMIT | IN_TRANS, t.statusFlags());
        assertEquals(0, t.errorCode());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void emptyResultSet(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, COMPLETE, cat(header(deprecateEof, 1, AUTOCOMMIT), end(deprecateEof, AUTOCOMMIT)));
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void manyColumns(boolean deprecateEof) {
        // 300 columns: the count is a 3-byte lenenc (0xFC prefix).
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        String[] values = new String[300];
        java.util.Arrays.fill(values, "v");
        expect(t, COMPLETE, cat(header(deprecateEof, 300, 0), row(values), end(deprecateEof, AUTOCOMMIT)));
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void statusComesFromTheLastOkOrEof(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, COMPLETE, ok(AUTOCOMMIT));
        assertEquals(AUTOCOMMIT, t.statusFlags());
        t.begin(Command.COM_QUERY, false);
        expect(t, COMPLETE, ok(IN_TRANS));
        assertEquals(IN_TRANS, t.statusFlags());
        t.begin(Command.COM_QUERY, false);
        Packet[] rs = cat(header(deprecateEof, 1, AUTOCOMMIT), row("1"), end(deprecateEof, IN_TRANS | AUTOCOMMIT));
        expect(t, COMPLETE, rs);
        assertEquals(IN_TRANS | AUTOCOMMIT, t.statusFlags());
        t.begin(Command.COM_QUERY, false);
        expect(t, COMPLETE, cat(header(deprecateEof, 1, IN_TRANS), row("1"), end(deprecateEof, 0)));
        assertEquals(0, t.statusFlags());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void multiResult(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        Packet[] first = cat(header(deprecateEof, 2, AUTOCOMMIT | MORE_RESULTS_EXISTS),
            row("1", "a"), end(deprecateEof, AUTOCOMMIT | MORE_RESULTS_EXISTS));
        Packet[] second = cat(header(deprecateEof, 1, AUTOCOMMIT | MORE_RESULTS_EXISTS),
            row("x"), row("y"), end(deprecateEof, AUTOCOMMIT | MORE_RESULTS_EXISTS));
        expect(t, CONTINUE, first);
        expect(t, CONTINUE, second);
        // e.g. a stored procedure: the final OK without MORE_RESULTS_EXISTS ends it.
        expect(t, COMPLETE, ok(AUTOCOMMIT | IN_TRANS));
        assertEquals(AUTOCOMMIT | IN_TRANS, t.statusFlags());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void multiStatementOkThenResultSetThenErr(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, CONTINUE, ok(AUTOCOMMIT | MORE_RESULTS_EXISTS));
        expect(t, CONTINUE, cat(header(deprecateEof, 1, 0), row("1"), end(deprecateEof, MORE_RESULTS_EXISTS)));
        expect(t, COMPLETE, err(1146));
        assertEquals(1146, t.errorCode());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void rowStartingWithFeOverSixteenMiBIsNotATerminator(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, CONTINUE, header(deprecateEof, 1, AUTOCOMMIT));
        // One column value of 0xFFFFFF+6 bytes: lenenc prefix 0xFE + 8 length bytes, split over two frames.
        Packet first = frame(Packet.MAX_PAYLOAD, 0xFE, 0);
        assertTrue(first.hasContinuation());
        assertEquals(CONTINUE, t.onFrame(first));
        // The continuation looks exactly like an EOF / OK-0xFE terminator, but is row data.
        Packet tail = frame(concat(bytes(0xFE, 0x00, 0x00), le16(AUTOCOMMIT), le16(0)));
        assertEquals(CONTINUE, t.onFrame(tail));
        assertTrue(t.inProgress());
        expect(t, COMPLETE, row("small"), end(deprecateEof, AUTOCOMMIT | IN_TRANS));
        assertEquals(AUTOCOMMIT | IN_TRANS, t.statusFlags());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void rowOfExactlyTwoFullFramesEndsWithEmptyFrame(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, CONTINUE, header(deprecateEof, 1, AUTOCOMMIT));
        expect(t, CONTINUE, frame(Packet.MAX_PAYLOAD, 0xFE, 0xFE), frame(Packet.MAX_PAYLOAD, 0xFE, 0xFE),
            frame(new byte[0]));
        // Rows end, then the real terminator.
        expect(t, COMPLETE, end(deprecateEof, AUTOCOMMIT));
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void rowOfErrLookingDataInContinuationIsNotAnError(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, CONTINUE, header(deprecateEof, 1, AUTOCOMMIT));
        expect(t, CONTINUE, frame(Packet.MAX_PAYLOAD, 0xFE, 0x41), err(1234));
        expect(t, COMPLETE, end(deprecateEof, AUTOCOMMIT));
        assertEquals(0, t.errorCode());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void errorMidResultSet(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, COMPLETE, cat(header(deprecateEof, 2, AUTOCOMMIT), row("1", "a"), row("2", "b"), err(1317)));
        assertEquals(1317, t.errorCode());
        // Only the classic protocol has a status (in the EOF after the column definitions) before the rows.
        assertEquals(deprecateEof ? 0 : AUTOCOMMIT, t.statusFlags());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void errorInsteadOfColumnDefinitions(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, COMPLETE, columnCount(2), columnDef("a"), err(1105));
        assertEquals(1105, t.errorCode());
    }

    @Test
    void errorInsteadOfColumnEof() {
        ResponseTracker t = tracker(false);
        t.begin(Command.COM_QUERY, false);
        expect(t, COMPLETE, columnCount(1), columnDef("a"), err(2013));
        assertEquals(2013, t.errorCode());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void localInfile(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_QUERY, false);
        expect(t, LOCAL_INFILE_REQUEST, frame(concat(bytes(0xFB), ascii("/tmp/data.csv"))));
        assertTrue(t.inProgress());
        // (client data frames and the empty end frame go to the server, not through the tracker)
        expect(t, COMPLETE, frame(concat(hex("00 03 00"), le16(AUTOCOMMIT), le16(0), ascii("Records: 3"))));
        assertEquals(AUTOCOMMIT, t.statusFlags());
    }

    @Test
    void localInfileRefused() {
        ResponseTracker t = tracker(true);
        t.begin(Command.COM_QUERY, false);
        expect(t, LOCAL_INFILE_REQUEST, frame(concat(bytes(0xFB), ascii("x"))));
        expect(t, COMPLETE, err(1148));
        assertEquals(1148, t.errorCode());
    }

    @Test
    void localInfileOnlyForComQuery() {
        ResponseTracker t = tracker(false);
        t.begin(Command.COM_STMT_EXECUTE, false);
        assertThrows(MalformedPacketException.class, () -> t.onFrame(frame(concat(bytes(0xFB), ascii("x")))));
    }

    @Test
    void emptyFrameAtResultStartIsMalformed() {
        ResponseTracker t = tracker(false);
        t.begin(Command.COM_QUERY, false);
        assertThrows(MalformedPacketException.class, () -> t.onFrame(frame(new byte[0])));
    }

    @ParameterizedTest(name = "deprecateEof={0}, params={1}, columns={2}")
    @org.junit.jupiter.params.provider.CsvSource({
        "false,0,0", "false,2,0", "false,0,3", "false,2,3",
        "true,0,0", "true,2,0", "true,0,3", "true,2,3"})
    void prepare(boolean deprecateEof, int params, int columns) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_STMT_PREPARE, false);
        List<Packet> frames = new ArrayList<>();
        frames.add(prepareOk(0x01020304L + params * 10 + columns, columns, params));
        for (int i = 0; i < params; i++) {
            frames.add(columnDef("?"));
        }
        if (params > 0 && !deprecateEof) {
            frames.add(eof(AUTOCOMMIT));
        }
        for (int i = 0; i < columns; i++) {
            frames.add(columnDef("c" + i));
        }
        if (columns > 0 && !deprecateEof) {
            frames.add(eof(AUTOCOMMIT));
        }
        expect(t, COMPLETE, frames.toArray(new Packet[0]));
        assertEquals(0x01020304L + params * 10 + columns, t.preparedStatementId());
        assertEquals(params, t.preparedParamCount());
        assertEquals(columns, t.preparedColumnCount());
    }

    @Test
    void prepareWithLargeStatementId() {
        ResponseTracker t = tracker(true);
        t.begin(Command.COM_STMT_PREPARE, false);
        expect(t, COMPLETE, prepareOk(0xFFFFFFFEL, 0, 0));
        assertEquals(0xFFFFFFFEL, t.preparedStatementId());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void prepareError(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_STMT_PREPARE, false);
        expect(t, COMPLETE, prepareOk(9, 0, 0));
        assertEquals(9, t.preparedStatementId());
        t.begin(Command.COM_STMT_PREPARE, false);
        assertEquals(-1, t.preparedStatementId(), "reset by begin");
        expect(t, COMPLETE, err(1064));
        assertEquals(1064, t.errorCode());
        assertEquals(-1, t.preparedStatementId());
    }

    /** Regression (fuzzing, crash-021f8fe0…): an empty packet in place of the column EOF threw IndexOutOfBoundsException. */
    @Test
    void emptyPacketInPlaceOfTheColumnEofIsMalformed() {
        ResponseTracker t = tracker(false);
        t.begin(Command.COM_QUERY, false);
        assertEquals(CONTINUE, t.onFrame(frame(bytes(1))));
        assertEquals(CONTINUE, t.onFrame(frame(ascii("\u0003def"))));
        assertThrows(MalformedPacketException.class, () -> t.onFrame(frame(new byte[0])));
    }

    @Test
    void malformedPrepareResponse() {
        ResponseTracker t = tracker(false);
        t.begin(Command.COM_STMT_PREPARE, false);
        assertThrows(MalformedPacketException.class, () -> t.onFrame(frame(hex("00 01000000 0000"))));
        t.begin(Command.COM_STMT_PREPARE, false);
        assertThrows(MalformedPacketException.class, () -> t.onFrame(frame(hex("03 0100000000000000000000"))));
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void executeWithBinaryRows(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_STMT_EXECUTE, false);
        // Binary rows start with 0x00 followed by the NULL bitmap.
        expect(t, COMPLETE, cat(header(deprecateEof, 2, AUTOCOMMIT), frame(hex("00 00 01000000 03616263")),
            frame(hex("00 08 02000000")), end(deprecateEof, AUTOCOMMIT)));
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void executeWithoutResultSet(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_STMT_EXECUTE, false);
        expect(t, COMPLETE, ok(AUTOCOMMIT));
    }

    @Test
    void executeWithCursorEndsAfterMetadataEof() {
        ResponseTracker t = tracker(false);
        t.begin(Command.COM_STMT_EXECUTE, true);
        expect(t, COMPLETE, header(false, 3, AUTOCOMMIT | CURSOR_EXISTS));
        assertTrue(ServerStatus.has(t.statusFlags(), CURSOR_EXISTS));
    }

    @Test
    void executeWithCursorDeprecateEofEndsWithOk() {
        // With CLIENT_DEPRECATE_EOF there is no metadata EOF: the server ends with an OK (0xFE) with CURSOR_EXISTS.
        ResponseTracker t = tracker(true);
        t.begin(Command.COM_STMT_EXECUTE, true);
        expect(t, COMPLETE, cat(header(true, 3, 0), okEof(AUTOCOMMIT | CURSOR_EXISTS)));
        assertTrue(ServerStatus.has(t.statusFlags(), CURSOR_EXISTS));
    }

    @Test
    void cursorRequestedButServerSendsRows() {
        // e.g. the statement is not a SELECT that can use a cursor: a normal result set follows.
        ResponseTracker t = tracker(false);
        t.begin(Command.COM_STMT_EXECUTE, true);
        expect(t, COMPLETE, cat(header(false, 1, AUTOCOMMIT), frame(hex("00 00 01")), eof(AUTOCOMMIT)));
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void fetchRowsThenEnd(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_STMT_FETCH, false);
        expect(t, COMPLETE, frame(hex("00 00 01")), frame(hex("00 00 02")),
            end(deprecateEof, AUTOCOMMIT | CURSOR_EXISTS));
        assertEquals(AUTOCOMMIT | CURSOR_EXISTS, t.statusFlags());
        t.begin(Command.COM_STMT_FETCH, false);
        expect(t, COMPLETE, frame(hex("00 00 03")), end(deprecateEof, AUTOCOMMIT | CURSOR_EXISTS | LAST_ROW_SENT));
        assertTrue(ServerStatus.has(t.statusFlags(), LAST_ROW_SENT));
        // A fetch after the last row: just the terminator.
        t.begin(Command.COM_STMT_FETCH, false);
        expect(t, COMPLETE, end(deprecateEof, AUTOCOMMIT | LAST_ROW_SENT));
    }

    @Test
    void fetchError() {
        ResponseTracker t = tracker(false);
        t.begin(Command.COM_STMT_FETCH, false);
        expect(t, COMPLETE, err(1243));
        assertEquals(1243, t.errorCode());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void fieldList(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_FIELD_LIST, false);
        expect(t, COMPLETE, columnDef("id"), columnDef("name"), end(deprecateEof, AUTOCOMMIT));
        assertEquals(AUTOCOMMIT, t.statusFlags());
        t.begin(Command.COM_FIELD_LIST, false);
        expect(t, COMPLETE, err(1146));
        assertEquals(1146, t.errorCode());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void statisticsIsOneStringFrame(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_PING, false);
        expect(t, COMPLETE, ok(AUTOCOMMIT | IN_TRANS));
        t.begin(Command.COM_STATISTICS, false);
        expect(t, COMPLETE, frame(ascii("Uptime: 1234  Threads: 2  Questions: 10  Slow queries: 0  Opens: 33  "
            + "Flush tables: 1  Open tables: 26  Queries per second avg: 0.008")));
        assertEquals(AUTOCOMMIT | IN_TRANS, t.statusFlags(), "the statistics string is not a status");
        t.begin(Command.COM_STATISTICS, false);
        expect(t, COMPLETE, frame(new byte[0]));
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void pingAndOtherSingleOkCommands(boolean deprecateEof) {
        ResponseTracker t = tracker(deprecateEof);
        for (int c : new int[] {Command.COM_PING, Command.COM_INIT_DB, Command.COM_RESET_CONNECTION,
            Command.COM_STMT_RESET, Command.COM_REFRESH}) {
            t.begin(c, false);
            expect(t, COMPLETE, ok(c == Command.COM_INIT_DB ? AUTOCOMMIT | IN_TRANS : AUTOCOMMIT));
        }
        assertEquals(AUTOCOMMIT, t.statusFlags());
        t.begin(Command.COM_PING, false);
        expect(t, COMPLETE, err(1053));
        assertEquals(1053, t.errorCode());
    }

    @ParameterizedTest(name = "deprecateEof={0}")
    @ValueSource(booleans = {false, true})
    void processInfoIsAnsweredWithAResultSet(boolean deprecateEof) {
        // COM_PROCESS_INFO (mysql_list_processes(), still served by MariaDB) returns the SHOW PROCESSLIST result set.
        ResponseTracker t = tracker(deprecateEof);
        t.begin(Command.COM_PROCESS_INFO, false);
        expect(t, COMPLETE, cat(header(deprecateEof, 3, AUTOCOMMIT), row("5", "app", "Sleep"), row("6", "root", "Query"),
            end(deprecateEof, AUTOCOMMIT)));
        t.begin(Command.COM_PROCESS_INFO, false);
        expect(t, COMPLETE, err(1227));
        assertEquals(1227, t.errorCode());
    }

    @Test
    void setOptionAnsweredWithEof() {
        ResponseTracker t = tracker(false);
        t.begin(Command.COM_SET_OPTION, false);
        expect(t, COMPLETE, eof(AUTOCOMMIT | IN_TRANS));
        assertEquals(AUTOCOMMIT | IN_TRANS, t.statusFlags());
    }

    @Test
    void trackerIsReusableAcrossManyCommands() {
        ResponseTracker t = tracker(true);
        for (int i = 0; i < 100; i++) {
            t.begin(Command.COM_QUERY, false);
            expect(t, COMPLETE, cat(header(true, 2, 0), row("a", "b"), okEof(i % 2 == 0 ? AUTOCOMMIT : IN_TRANS)));
            assertEquals(i % 2 == 0 ? AUTOCOMMIT : IN_TRANS, t.statusFlags());
        }
    }

    @Test
    void beginDuringALocalInfileResetsState() {
        ResponseTracker t = tracker(false);
        t.begin(Command.COM_QUERY, false);
        expect(t, CONTINUE, columnCount(1), columnDef("a"));
        // The relay gives up on this response (e.g. connection reset) and starts over.
        t.begin(Command.COM_PING, false);
        expect(t, COMPLETE, ok(AUTOCOMMIT));
    }
}
