package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that send several commands before reading the answers (Connector/J's pipelined batches, raw
 * clients): Lintas must queue them and answer every one, in order.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(120)
class PipeliningIT {
    private static final int NET_READ_TIMEOUT_MS = 1000;
    private static LintasProcess lintas;

    @BeforeAll
    static void startLintas() {
        lintas = LintasProcess.builder().name("PipeliningIT").netReadTimeoutMs(NET_READ_TIMEOUT_MS).start();
    }

    @AfterAll
    static void stopLintas() {
        if (lintas != null) {
            lintas.close();
        }
    }

    private static byte[] frame(int seq, byte[] payload) {
        byte[] f = new byte[4 + payload.length];
        f[0] = (byte) payload.length;
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) (payload.length >>> 16);
        f[3] = (byte) seq;
        System.arraycopy(payload, 0, f, 4, payload.length);
        return f;
    }

    private static byte[] comQuery(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[1 + text.length];
        p[0] = 0x03;
        System.arraycopy(text, 0, p, 1, text.length);
        return frame(0, p);
    }

    @Test
    void pipelinedPingsInOneWriteAreAllAnswered() throws Exception {
        try (RawClient c = RawClient.login(lintas.port(), "app", "app", "app")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int n = 200;
            for (int i = 0; i < n; i++) {
                all.writeBytes(frame(0, new byte[] {0x0e})); // COM_PING
            }
            c.writeRaw(all.toByteArray());
            for (int i = 0; i < n; i++) {
                RawClient.Outcome o = c.awaitOutcome(5000);
                assertFalse(o.closed(), "connection closed after " + i + " answers");
                assertTrue(o.frame().isOk(), "answer " + i + ": " + o);
            }
        }
    }

    @Test
    void pipelinedQueriesAreAnsweredInOrder() throws Exception {
        try (RawClient c = RawClient.login(lintas.port(), "app", "app", "app")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 1; i <= 3; i++) {
                all.writeBytes(comQuery("SELECT " + i * 11));
            }
            c.writeRaw(all.toByteArray());
            for (int i = 1; i <= 3; i++) {
                // column count, column definition, EOF, row, EOF (no CLIENT_DEPRECATE_EOF)
                assertEquals(1, c.readFrame().payload()[0], "column count of result " + i);
                c.readFrame();
                assertEquals((byte) 0xfe, c.readFrame().payload()[0]);
                byte[] row = c.readFrame().payload();
                assertEquals(String.valueOf(i * 11), new String(row, 1, row[0], StandardCharsets.US_ASCII));
                assertEquals((byte) 0xfe, c.readFrame().payload()[0]);
            }
        }
    }

    /**
     * The next command is already on its way while a long one runs: Lintas has stopped reading the client on
     * purpose, so that is not a client stalling in the middle of a packet (net_read_timeout must not fire).
     */
    @Test
    void aQueuedCommandWaitingBehindALongQueryIsNotTimedOut() throws Exception {
        try (RawClient c = RawClient.login(lintas.port(), "app", "app", "app")) {
            byte[] second = comQuery("SELECT 'second', '" + "p".repeat(4000) + "'");
            byte[] first = comQuery("SELECT SLEEP(" + 3 * NET_READ_TIMEOUT_MS / 1000.0 + ")");
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            batch.writeBytes(first);
            batch.write(second, 0, 100); // the second command starts in the same write...
            c.writeRaw(batch.toByteArray());
            Thread.sleep(100);
            c.writeRaw(java.util.Arrays.copyOfRange(second, 100, second.length)); // ...and ends right after
            RawClient.Outcome o = c.awaitOutcome(10_000);
            assertFalse(o.isErr(), "first command: " + o);
            assertFalse(o.closed(), "first command: " + o);
            assertEquals(1, o.frame().payload()[0], "first result has one column");
            c.readFrame();
            c.readFrame();
            c.readFrame(); // row: SLEEP() = 0
            c.readFrame();
            RawClient.Frame secondStart = c.readFrame();
            assertFalse(secondStart.isErr(), "second command: " + secondStart);
            assertEquals(2, secondStart.payload()[0], "second result has two columns");
        }
    }

    /**
     * As above, but the rest of the next command comes only after the long one has ended: the client stalled
     * for longer than net_read_timeout in total, yet only behind a running command. Its clock starts when that
     * command ends, as MariaDB's would, whether Lintas kept reading the client meanwhile or not.
     */
    @Test
    void aPartialCommandBehindALongQueryGetsItsTimeoutFromWhenTheQueryEnds() throws Exception {
        try (RawClient c = RawClient.login(lintas.port(), "app", "app", "app")) {
            byte[] second = comQuery("SELECT 'second', 2");
            byte[] first = comQuery("SELECT SLEEP(" + 2 * NET_READ_TIMEOUT_MS / 1000.0 + ")");
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            batch.writeBytes(first);
            batch.write(second, 0, 6);
            c.writeRaw(batch.toByteArray());
            RawClient.Outcome o = c.awaitOutcome(10_000); // the first result starts when SLEEP() is over
            assertFalse(o.isErr(), "first command: " + o);
            assertFalse(o.closed(), "first command: " + o);
            for (int i = 0; i < 4; i++) {
                c.readFrame();
            }
            Thread.sleep(NET_READ_TIMEOUT_MS / 2);
            c.writeRaw(java.util.Arrays.copyOfRange(second, 6, second.length));
            RawClient.Frame secondStart = c.readFrame();
            assertFalse(secondStart.isErr(), "second command: " + secondStart);
            assertEquals(2, secondStart.payload()[0], "second result has two columns");
        }
    }

    @Test
    void jdbcPipelinedBatchOfServerPreparedStatements() throws Exception {
        String table = Db.uniqueName("it_pipe");
        try (Connection c = Db.viaLintas(lintas, "useServerPrepStmts=true")) {
            Db.exec(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v VARCHAR(20))");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
                for (int i = 1; i <= 1000; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "v" + i);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                assertEquals(1000, counts.length);
            }
            try (Statement st = c.createStatement()) {
                // Text-protocol batch (pipelined COM_QUERY).
                for (int i = 1; i <= 300; i++) {
                    st.addBatch("UPDATE " + table + " SET v = 'u" + i + "' WHERE id = " + i);
                }
                int[] counts = st.executeBatch();
                assertEquals(300, counts.length);
                for (int n : counts) {
                    assertEquals(1, n);
                }
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(v LIKE 'u%') FROM " + table)) {
                assertTrue(rs.next());
                assertEquals(1000, rs.getInt(1));
                assertEquals(300, rs.getInt(2));
            }
        } finally {
            Db.dropTables(table);
        }
    }
}
