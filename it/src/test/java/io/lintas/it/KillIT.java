package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients cancel with the connection id Lintas announced; Lintas must kill the thread behind that session,
 * never whatever node thread happens to carry the same number.
 */
@ExtendWith(LintasLogOnFailure.class)
class KillIT {
    private static LintasProcess lintas;

    @BeforeAll
    static void start() {
        lintas = LintasProcess.start("KillIT");
    }

    @AfterAll
    static void stop() {
        if (lintas != null) {
            lintas.close();
        }
    }

    @Test
    void statementCancelStopsOnlyThatSessionsQuery() throws Exception {
        try (Connection victim = Db.viaLintas(lintas); Connection bystander = Db.viaLintas(lintas)) {
            Statement sv = victim.createStatement();
            CompletableFuture<Long> bystanderRun = CompletableFuture.supplyAsync(() -> sleepMillis(bystander, 3));
            CompletableFuture<Throwable> victimRun = CompletableFuture.supplyAsync(() -> {
                try (ResultSet rs = sv.executeQuery("SELECT SLEEP(30)")) {
                    rs.next();
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            Thread.sleep(500);
            long t0 = System.nanoTime();
            sv.cancel(); // mariadb-java-client: KILL QUERY <id from Lintas's greeting> on a new connection
            Throwable e = victimRun.get(10, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e instanceof SQLException, "the cancelled query fails: " + e);
            assertTrue(ms < 5000, "cancelled after " + ms + " ms");
            // The other session's SLEEP(3) ran to its end: nothing killed it.
            long bystanderMs = bystanderRun.get(20, TimeUnit.SECONDS);
            assertTrue(bystanderMs >= 2900, "bystander slept " + bystanderMs + " ms");
            try (Statement st = victim.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "the victim's connection survives KILL QUERY");
            }
        }
    }

    @Test
    void killConnectionByLintasIdButNotByANodeThreadId() throws Exception {
        try (Connection killer = Db.viaLintas(lintas)) {
            Connection a = Db.viaLintas(lintas);
            long lintasId = ((org.mariadb.jdbc.Connection) a).getThreadId();
            assertTrue(lintasId >= 1_000_000_001L, "Lintas ids are above node thread ids: " + lintasId);
            try (Statement st = killer.createStatement()) {
                st.execute("KILL CONNECTION " + lintasId);
            }
            assertThrows(SQLException.class, () -> {
                try (Statement st = a.createStatement()) {
                    st.executeQuery("SELECT 1").close();
                }
            });
            a.close();

            // A node's thread id, as CONNECTION_ID() shows it, names a pooled connection that serves many
            // sessions in turn, not a session: it is refused, and the session behind it is untouched.
            try (Connection b = Db.viaLintas(lintas)) {
                long threadId;
                try (Statement st = b.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                    rs.next();
                    threadId = rs.getLong(1);
                }
                SQLException refused = assertThrows(SQLException.class, () -> {
                    try (Statement st = killer.createStatement()) {
                        st.execute("KILL " + threadId);
                    }
                });
                assertEquals(1094, refused.getErrorCode(), refused.toString());
                assertEquals(1, Db.scalarLong(b, "SELECT 1"));
            }
        }
    }

    @Test
    void anIdThatIsNoSessionOfThisProxyIsRefused() throws Exception {
        // A node thread that exists but belongs to no Lintas session (a direct connection) must not be killable
        // through Lintas by number: that is how a proxy kills an unrelated session.
        try (Connection direct = Db.direct(Sandbox.NODE3_PORT); Connection via = Db.viaLintas(lintas)) {
            long directThread;
            try (Statement st = direct.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                directThread = rs.getLong(1);
            }
            for (String sql : new String[] {"KILL QUERY " + directThread, "KILL 1999999999"}) {
                SQLException e = assertThrows(SQLException.class, () -> {
                    try (Statement st = via.createStatement()) {
                        st.execute(sql);
                    }
                }, sql);
                assertEquals(1094, e.getErrorCode(), sql + ": " + e);
            }
            try (Statement st = direct.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "the direct connection is untouched");
            }
            try (Statement st = via.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "the session that asked keeps working");
            }
        }
    }

    private static long sleepMillis(Connection c, int seconds) {
        long t0 = System.nanoTime();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SLEEP(" + seconds + ")")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "SLEEP was not interrupted");
        } catch (SQLException e) {
            throw new AssertionError("bystander failed: " + e, e);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
