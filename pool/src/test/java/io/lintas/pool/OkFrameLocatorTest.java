package io.lintas.pool;

import io.lintas.wire.Command;
import io.lintas.wire.Packet;
import io.lintas.wire.ResponseTracker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.lintas.pool.Frames.frame;
import static io.lintas.wire.Capabilities.CLIENT_DEPRECATE_EOF;
import static io.lintas.wire.Capabilities.CLIENT_PROTOCOL_41;
import static io.lintas.wire.Capabilities.CLIENT_SESSION_TRACK;
import static org.junit.jupiter.api.Assertions.assertEquals;

class OkFrameLocatorTest {
    static final long CLASSIC = CLIENT_PROTOCOL_41 | CLIENT_SESSION_TRACK;
    static final long DEPRECATE = CLASSIC | CLIENT_DEPRECATE_EOF;

    // Payloads.
    static final String OK = "00 00 00 0200 0000";
    static final String OK_MORE = "00 00 00 0a00 0000";          // AUTOCOMMIT | MORE_RESULTS_EXISTS
    static final String OK_STATE = "00 00 00 0240 0000 00 07 01 05 04 74657374";
    static final String ERR = "ff 1000 23 3432303030 6f6f7073";
    static final String COLS1 = "01";
    static final String COLDEF = "03646566 00 00 00 0176 00 0c 2d00 ff000000 fd 0000 00 0000";
    static final String EOF = "fe 0000 0200";
    static final String EOF_MORE = "fe 0000 0a00";
    static final String EOF_CURSOR = "fe 0000 4200";                // AUTOCOMMIT | CURSOR_EXISTS
    static final String OK_EOF = "fe 00 00 0200 0000";
    static final String OK_EOF_MORE = "fe 00 00 0a00 0000";
    static final String ROW_EMPTY = "00";                          // a text row whose only value is ''
    static final String BINARY_ROW = "00 00 0161";                 // binary row header 0x00
    static final String LOCAL_INFILE = "fb 2f746d702f78";

    /** Feeds the frames to a locator and to a ResponseTracker; returns which frames are OKs. */
    private static List<Boolean> locate(long caps, int command, String... payloads) {
        OkFrameLocator locator = new OkFrameLocator(caps);
        ResponseTracker tracker = new ResponseTracker(caps);
        locator.begin(command);
        tracker.begin(command, false);
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < payloads.length; i++) {
            Packet f = frame(i + 1, payloads[i]);
            try {
                out.add(locator.onFrame(f));
                ResponseTracker.Event e = tracker.onFrame(f);
                // The locator and the tracker agree on where the response ends.
                assertEquals(i == payloads.length - 1, e == ResponseTracker.Event.COMPLETE, "end of response at frame " + i);
            } finally {
                f.release();
            }
        }
        return out;
    }

    @Test
    void singleOkAndErr() {
        assertEquals(List.of(true), locate(CLASSIC, Command.COM_QUERY, OK_STATE));
        assertEquals(List.of(false), locate(CLASSIC, Command.COM_QUERY, ERR));
        assertEquals(List.of(true), locate(CLASSIC, Command.COM_PING, OK));
        assertEquals(List.of(true), locate(CLASSIC, Command.COM_INIT_DB, OK_STATE));
        assertEquals(List.of(true), locate(CLASSIC, Command.COM_RESET_CONNECTION, OK));
        assertEquals(List.of(false), locate(CLASSIC, Command.COM_STATISTICS, "55707469 6d65"));
    }

    @Test
    void classicResultSetHasNoOk() {
        assertEquals(List.of(false, false, false, false, false, false),
            locate(CLASSIC, Command.COM_QUERY, COLS1, COLDEF, EOF, ROW_EMPTY, ROW_EMPTY, EOF));
    }

    @Test
    void deprecateEofResultSetEndsWithAnOk() {
        assertEquals(List.of(false, false, false, false, true),
            locate(DEPRECATE, Command.COM_QUERY, COLS1, COLDEF, ROW_EMPTY, ROW_EMPTY, OK_EOF));
    }

    @Test
    void binaryRowsStartingWithZeroAreNotOks() {
        assertEquals(List.of(false, false, false, false, true),
            locate(DEPRECATE, Command.COM_STMT_EXECUTE, COLS1, COLDEF, BINARY_ROW, BINARY_ROW, OK_EOF));
        assertEquals(List.of(false, false, false, false, false),
            locate(CLASSIC, Command.COM_STMT_EXECUTE, COLS1, COLDEF, EOF, BINARY_ROW, EOF));
        assertEquals(List.of(false, false, true),
            locate(DEPRECATE, Command.COM_STMT_FETCH, BINARY_ROW, BINARY_ROW, OK_EOF));
    }

    @Test
    void cursorEndsAfterMetadata() {
        assertEquals(List.of(false, false, false),
            locate(CLASSIC, Command.COM_STMT_EXECUTE, COLS1, COLDEF, EOF_CURSOR));
    }

    @Test
    void multiResults() {
        // OK, then a result set (classic EOF), then the final OK.
        assertEquals(List.of(true, false, false, false, false, false, true),
            locate(CLASSIC, Command.COM_QUERY, OK_MORE, COLS1, COLDEF, EOF, ROW_EMPTY, EOF_MORE, OK_STATE));
        // The same with CLIENT_DEPRECATE_EOF.
        assertEquals(List.of(true, false, false, false, true, true),
            locate(DEPRECATE, Command.COM_QUERY, OK_MORE, COLS1, COLDEF, ROW_EMPTY, OK_EOF_MORE, OK));
    }

    @Test
    void prepareResponseHasNoOk() {
        // stmt id 1, 1 column, 0 params.
        assertEquals(List.of(false, false),
            locate(DEPRECATE, Command.COM_STMT_PREPARE, "00 01000000 0100 0000 00 0000", COLDEF));
        assertEquals(List.of(false, false, false),
            locate(CLASSIC, Command.COM_STMT_PREPARE, "00 01000000 0100 0000 00 0000", COLDEF, EOF));
        // No columns, no parameters: the response is one 0x00 packet that looks like an OK but is not.
        assertEquals(List.of(false), locate(DEPRECATE, Command.COM_STMT_PREPARE, "00 02000000 0000 0000 00 0000"));
    }

    @Test
    void fieldList() {
        assertEquals(List.of(false, true), locate(DEPRECATE, Command.COM_FIELD_LIST, COLDEF, OK_EOF));
        assertEquals(List.of(false, false), locate(CLASSIC, Command.COM_FIELD_LIST, COLDEF, EOF));
    }

    @Test
    void localInfileThenOk() {
        OkFrameLocator locator = new OkFrameLocator(CLASSIC);
        locator.begin(Command.COM_QUERY);
        Packet request = frame(1, LOCAL_INFILE);
        Packet ok = frame(3, OK_STATE);
        assertEquals(false, locator.onFrame(request));
        assertEquals(true, locator.onFrame(ok));
        request.release();
        ok.release();
    }

    @Test
    void framesAfterTheEndAreNotOks() {
        OkFrameLocator locator = new OkFrameLocator(CLASSIC);
        locator.begin(Command.COM_QUERY);
        Packet ok = frame(1, OK);
        assertEquals(true, locator.onFrame(ok));
        assertEquals(false, locator.onFrame(ok));
        ok.release();
    }
}
