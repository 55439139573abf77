package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A result of about 210 MB read by a client slower than the server, through a proxy with a 128 MB heap
 * (and so, by Netty's default, at most 128 MB of direct memory): it only works if the proxy applies
 * backpressure to the backend instead of buffering the result.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(300)
class SlowClientStreamingIT {
    private static final int ROWS = 1_000_000;
    private static final int WIDTH = 200;
    private static LintasProcess lintas;

    @BeforeAll
    static void startLintas() {
        lintas = LintasProcess.builder().name("SlowClientStreamingIT").jvmOptions("-Xmx128m").start();
    }

    @AfterAll
    static void stopLintas() {
        if (lintas != null) {
            lintas.close();
        }
    }

    @Test
    void millionRowsToASlowClientWithoutBufferingInTheProxy() throws Exception {
        String expectedText = "x".repeat(WIDTH);
        long pauses = 0;
        try (Connection c = Db.viaLintas(lintas, "socketTimeout=120000");
             Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            st.setFetchSize(1000); // streaming: the driver reads 1000 rows at a time from the socket
            try (ResultSet rs = st.executeQuery("SELECT seq, REPEAT('x', " + WIDTH + ") FROM seq_1_to_" + ROWS)) {
                // Let the server run ahead first: without backpressure the whole result would pile up in the proxy.
                Thread.sleep(2000);
                pauses++;
                long expected = 1;
                while (rs.next()) {
                    assertEquals(expected, rs.getLong(1), "rows must arrive in order, none lost");
                    String text = rs.getString(2);
                    if (text.length() != WIDTH || (expected % 4099 == 0 && !expectedText.equals(text))) {
                        throw new AssertionError("row " + expected + " has a corrupted second column: " + text.length()
                            + " chars");
                    }
                    if (expected % 25_000 == 0) {
                        Thread.sleep(40); // a client slower than the server, all the way through
                        pauses++;
                    }
                    expected++;
                }
                assertEquals(ROWS + 1L, expected, "row count");
            }
            assertTrue(pauses > 10);
            assertTrue(lintas.isAlive(), "the proxy process survived");
            // The same session is in step after the big result.
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
        }
        assertTrue(lintas.isAlive(), "the proxy process survived");
        try (Connection fresh = Db.viaLintas(lintas)) {
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(fresh));
        }
        String log = lintas.log();
        assertFalse(log.contains("OutOfMemoryError") || log.contains("OutOfDirectMemoryError"),
            "the proxy ran out of memory:\n" + lintas.logTail(40));
    }

    @Test
    void abandoningAHugeResultClosesCleanly() throws Exception {
        // The client goes away in the middle of the result: the proxy must drop the backend connection (and
        // its pending result) and stay healthy.
        String marker = Db.uniqueName("abandon");
        for (int i = 0; i < 3; i++) {
            Connection c = Db.viaLintas(lintas);
            try {
                Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                st.setFetchSize(100);
                ResultSet rs = st.executeQuery("SELECT /* " + marker + " */ seq, REPEAT('x', " + WIDTH
                    + ") FROM seq_1_to_" + ROWS);
                for (int r = 0; r < 1000; r++) {
                    assertTrue(rs.next());
                }
            } finally {
                // Close the socket without draining the result.
                c.abort(Runnable::run);
            }
        }
        assertTrue(lintas.isAlive());
        try (Connection fresh = Db.viaLintas(lintas)) {
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(fresh));
        }
        // No backend connection is left streaming the abandoned results on node3.
        try (Connection node3 = Db.direct(Sandbox.NODE3_PORT)) {
            long deadline = System.currentTimeMillis() + 15_000;
            long left;
            do {
                left = Db.scalarLong(node3, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%"
                    + marker + " */ seq%' AND ID <> CONNECTION_ID()");
                if (left > 0) {
                    Thread.sleep(100);
                }
            } while (left > 0 && System.currentTimeMillis() < deadline);
            assertEquals(0, left, "backend connections still running the abandoned query on node3");
        }
    }
}
