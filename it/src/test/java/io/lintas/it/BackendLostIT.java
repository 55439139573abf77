package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend connection of a session is killed on node3 (KILL from a direct connection) in the middle of a
 * command: the client must get an error promptly instead of hanging, and other sessions must not notice.
 * Nodes are never killed here: other tests share the cluster.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(120)
class BackendLostIT {
    /** "Promptly": the brief asks for about 2 s; a hang would be the full query time (30 s or more). */
    private static final long PROMPT_MS = 5000;
    private static LintasProcess lintas;

    @BeforeAll
    static void startLintas() {
        lintas = LintasProcess.start("BackendLostIT");
    }

    @AfterAll
    static void stopLintas() {
        if (lintas != null) {
            lintas.close();
        }
    }

    @Test
    void killDuringASleepingQuery() throws Exception {
        String marker = Db.uniqueName("sleep");
        try (Connection bystander = Db.viaLintas(lintas);
             Connection victim = Db.viaLintas(lintas)) {
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(bystander));
            CompletableFuture<Object> result = CompletableFuture.supplyAsync(() -> {
                try (Statement st = victim.createStatement();
                     ResultSet rs = st.executeQuery("SELECT /* " + marker + " */ SLEEP(30)")) {
                    rs.next();
                    return "query completed normally with " + rs.getString(1);
                } catch (SQLException e) {
                    return e;
                }
            });
            long killedAt = killBackendRunning(marker);
            Object outcome = awaitPromptly(result, killedAt);
            SQLException e = assertInstanceOf(SQLException.class, outcome, "the client must get an SQLException");
            System.out.println("killDuringASleepingQuery: client got " + e);
            assertServerRangeError(e);

            // The victim's session held no state on that connection: it goes on, on another one.
            assertEquals(1, Db.scalarLong(victim, "SELECT 1"));

            assertOthersUnaffected(bystander);
        }
    }

    @Test
    void killInTheMiddleOfAStreamedResult() throws Exception {
        String marker = Db.uniqueName("stream");
        try (Connection bystander = Db.viaLintas(lintas);
             Connection victim = Db.viaLintas(lintas)) {
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(bystander));
            java.util.concurrent.atomic.AtomicLong rowsRead = new java.util.concurrent.atomic.AtomicLong();
            CompletableFuture<Object> result = CompletableFuture.supplyAsync(() -> {
                try (Statement st = victim.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                    st.setFetchSize(100);
                    try (ResultSet rs = st.executeQuery("SELECT /* " + marker + " */ seq, SLEEP(0) "
                        + "FROM seq_1_to_100000000")) {
                        while (rs.next()) {
                            long n = rowsRead.incrementAndGet();
                            if (n % 1000 == 0) {
                                Thread.sleep(1); // a reader slower than the server: the result stays in flight
                            }
                        }
                        return "result ended normally after " + rowsRead.get() + " rows";
                    }
                } catch (SQLException e) {
                    return e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return e;
                }
            });
            long killedAt = killBackendRunning(marker);
            long rowsAtKill = rowsRead.get();
            Object outcome = awaitPromptly(result, killedAt);
            SQLException e = assertInstanceOf(SQLException.class, outcome, "the client must get an SQLException");
            System.out.println("killInTheMiddleOfAStreamedResult: client got " + e + " after " + rowsRead.get()
                + " rows (" + rowsAtKill + " when killed)");
            assertTrue(rowsAtKill > 0, "the result was streaming when the backend was killed");
            assertServerRangeError(e);
            assertOthersUnaffected(bystander);
        }
    }

    @Test
    void killAnIdleSessionsBackend() throws Exception {
        try (Connection bystander = Db.viaLintas(lintas);
             Connection victim = Db.viaLintas(lintas)) {
            long threadId = Db.scalarLong(victim, "/* lintas:writer */ SELECT CONNECTION_ID()");
            try (Connection node3 = Db.direct(Sandbox.NODE3_PORT)) {
                Db.exec(node3, "KILL " + threadId);
            }
            // The pooled connection the server killed is replaced: the idle session does not notice.
            long t0 = System.currentTimeMillis();
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(victim));
            assertTrue(System.currentTimeMillis() - t0 < PROMPT_MS, "answered promptly");
            assertNotEquals(threadId, Db.scalarLong(victim, "/* lintas:writer */ SELECT CONNECTION_ID()"));
            assertOthersUnaffected(bystander);

            // A session that holds state on its connection (a user variable) cannot go on without it: it is told.
            Db.exec(victim, "SET @held = 1");
            long held = Db.scalarLong(victim, "SELECT CONNECTION_ID()");
            try (Connection node3 = Db.direct(Sandbox.NODE3_PORT)) {
                Db.exec(node3, "KILL " + held);
            }
            long t1 = System.currentTimeMillis();
            assertThrows(SQLException.class, () -> Db.scalarLong(victim, "SELECT 1"));
            assertTrue(System.currentTimeMillis() - t1 < PROMPT_MS, "failed promptly");
        }
    }

    /** Finds the node3 thread running the statement tagged {@code marker} and KILLs it; returns when. */
    private static long killBackendRunning(String marker) throws Exception {
        try (Connection node3 = Db.direct(Sandbox.NODE3_PORT)) {
            long deadline = System.currentTimeMillis() + 15_000;
            while (true) {
                try (Statement st = node3.createStatement();
                     ResultSet rs = st.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE "
                         + "'SELECT /* " + marker + " */%' AND ID <> CONNECTION_ID()")) {
                    if (rs.next()) {
                        long id = rs.getLong(1);
                        assertFalse(rs.next(), "one backend thread runs the tagged query");
                        // Let the query get going (rows in flight for the streaming case).
                        Thread.sleep(500);
                        Db.exec(node3, "KILL " + id);
                        return System.currentTimeMillis();
                    }
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("no thread on node3 runs the query tagged " + marker);
                }
                Thread.sleep(50);
            }
        }
    }

    private static Object awaitPromptly(CompletableFuture<Object> result, long killedAt) throws Exception {
        try {
            Object outcome = result.get(PROMPT_MS, TimeUnit.MILLISECONDS);
            long took = System.currentTimeMillis() - killedAt;
            System.out.println("client saw the outcome " + took + " ms after the KILL");
            return outcome;
        } catch (TimeoutException e) {
            throw new AssertionError("the client still waits " + PROMPT_MS + " ms after its backend connection was "
                + "killed (hangs instead of getting an error)");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /**
     * Lintas's "node lost" error (1158, 08S01) or the server's own "connection killed" (1927): never a
     * client-range code such as 2013, which libmariadb-based clients would report as a malformed packet.
     */
    private static void assertServerRangeError(SQLException e) {
        assertTrue(e.getErrorCode() == 1158 || e.getErrorCode() == 1927, "error code " + e.getErrorCode() + ": " + e);
        assertTrue("08S01".equals(e.getSQLState()) || "70100".equals(e.getSQLState()), "SQLState of " + e);
    }

    private static void assertOthersUnaffected(Connection bystander) throws SQLException {
        assertEquals(Sandbox.NODE3_PORT, Db.writerPort(bystander), "an existing session still works");
        assertEquals(7, Db.scalarLong(bystander, "SELECT 3 + 4"));
        try (Connection fresh = Db.viaLintas(lintas)) {
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(fresh), "a new session works");
        }
        assertTrue(lintas.isAlive());
    }
}
