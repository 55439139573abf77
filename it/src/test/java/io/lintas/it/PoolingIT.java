package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection pooling with one backend connection per node, so that every session shares it: each session
 * still sees exactly its own schema, character set, time zone, sql_mode and variables; state that lives on a
 * connection keeps it; prepared statements survive moving between connections; a connection the server kills
 * is replaced unseen; a node at its limit queues and then refuses clearly.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(240)
class PoolingIT {
    private static LintasProcess lintas;

    @BeforeAll
    static void start() {
        // One event loop: a pooled connection is lent only on its own loop, so with two loops sessions would
        // get fresh connections instead of sharing the one (twentyClients… covers two loops).
        lintas = LintasProcess.builder().name("PoolingIT").proxy("io_threads: 1").yaml("""
            pool:
              max_connections: 1
              queue_timeout_ms: 3000
            routing:
              consistency: eventual
            """).start();
    }

    @AfterAll
    static void stop() {
        if (lintas != null) {
            lintas.close();
        }
    }

    private static String str(Connection c, String sql) throws SQLException {
        return Db.scalarString(c, sql);
    }

    @Test
    void interleavedSessionsEachSeeTheirOwnState() throws SQLException {
        try (Connection a = Db.viaLintas(lintas); Connection b = Db.viaLintas(lintas);
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            sa.execute("SET time_zone = '+03:00'");
            sb.execute("SET time_zone = '-05:00'");
            sa.execute("SET SESSION sql_mode = 'ANSI_QUOTES'");
            sb.execute("SET @@sql_mode = 'NO_ZERO_DATE'");
            sa.execute("SET NAMES latin1");
            sb.execute("SET SESSION max_sort_length = 2048");
            sa.execute("USE information_schema");
            // The test means something only if both sessions really run on the same backend connection.
            assertEquals(Db.scalarLong(a, "/* lintas:writer */ SELECT CONNECTION_ID()"),
                Db.scalarLong(b, "/* lintas:writer */ SELECT CONNECTION_ID()"), "a and b share node3's connection");
            for (int i = 0; i < 6; i++) {
                assertEquals("+03:00", str(a, "SELECT @@time_zone"));
                assertEquals("-05:00", str(b, "SELECT @@time_zone"));
                assertEquals("ANSI_QUOTES", str(a, "SELECT @@sql_mode"));
                assertEquals("NO_ZERO_DATE", str(b, "SELECT @@sql_mode"));
                assertEquals("latin1", str(a, "SELECT @@character_set_client"));
                assertNotEquals("latin1", str(b, "SELECT @@character_set_client"));
                assertEquals("2048", str(b, "SELECT @@max_sort_length"));
                assertNotEquals("2048", str(a, "SELECT @@max_sort_length"));
                assertEquals("information_schema", str(a, "SELECT DATABASE()"));
                assertEquals("app", str(b, "SELECT DATABASE()"));
                // Writes share node3's single connection too.
                assertEquals(Sandbox.NODE3_PORT, (int) Db.scalarLong(a, "/* lintas:writer */ SELECT @@port"));
                assertEquals("+03:00", str(a, "/* lintas:writer */ SELECT @@time_zone"));
                assertEquals("-05:00", str(b, "/* lintas:writer */ SELECT @@time_zone"));
            }
        }
    }

    @Test
    void aResetConnectionGivesBackTheLoginState() throws SQLException {
        try (Connection a = Db.viaLintas(lintas, "useResetConnection=true"); Statement st = a.createStatement()) {
            st.execute("SET time_zone = '+07:00'");
            assertEquals("+07:00", str(a, "SELECT @@time_zone"));
            ((org.mariadb.jdbc.Connection) a).reset();
            assertNotEquals("+07:00", str(a, "SELECT @@time_zone"));
        }
    }

    @Test
    void aTransactionKeepsItsConnectionAndOthersQueueForIt() throws Exception {
        String table = Db.uniqueName("pool_tx");
        try (Connection a = Db.viaLintas(lintas); Connection b = Db.viaLintas(lintas);
             Statement sa = a.createStatement()) {
            sa.execute("CREATE TABLE " + table + " (v INT)");
            a.setAutoCommit(false);
            sa.executeUpdate("INSERT INTO " + table + " VALUES (1)");
            long thread = Db.scalarLong(a, "SELECT CONNECTION_ID()");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                // b's write needs node3's only connection, which a's transaction holds: it waits for the commit.
                Future<Long> bWrite = pool.submit(() -> {
                    try (Statement sb = b.createStatement()) {
                        sb.executeUpdate("INSERT INTO " + table + " VALUES (2)");
                        return Db.scalarLong(b, "/* lintas:writer */ SELECT COUNT(*) FROM " + table);
                    }
                });
                Thread.sleep(300);
                assertEquals(thread, Db.scalarLong(a, "SELECT CONNECTION_ID()"), "the transaction keeps its connection");
                a.commit();
                assertEquals(2L, bWrite.get(30, TimeUnit.SECONDS));
            } finally {
                pool.shutdownNow();
                a.setAutoCommit(true);
            }
        } finally {
            Db.dropTables(table);
        }
    }

    @Test
    void aTemporaryTableKeepsItsConnection() throws SQLException {
        try (Connection a = Db.viaLintas(lintas); Connection b = Db.viaLintas(lintas, "connectTimeout=20000");
             Statement sa = a.createStatement()) {
            sa.execute("CREATE TEMPORARY TABLE tmp_keep (x INT)");
            sa.execute("INSERT INTO tmp_keep VALUES (3)");
            assertEquals(3, Db.scalarLong(a, "SELECT x FROM tmp_keep"));
            a.close();
            // Closing the session gives the connection back (it is closed, not reused with a's temporary table).
            assertEquals(Sandbox.NODE3_PORT, (int) Db.scalarLong(b, "/* lintas:writer */ SELECT @@port"));
            SQLException gone = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> Db.scalarLong(b, "/* lintas:writer */ SELECT COUNT(*) FROM tmp_keep"));
            assertEquals(1146, gone.getErrorCode(), gone.toString());
        }
    }

    @Test
    void preparedStatementsMoveBetweenConnections() throws SQLException {
        try (Connection c = Db.viaLintas(lintas, "useServerPrepStmts=true");
             PreparedStatement ps = c.prepareStatement("SELECT @@port, ?, CONCAT(?, 'x')")) {
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                ps.setInt(1, i);
                ps.setString(2, "v" + i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    ports.add(rs.getInt(1));
                    assertEquals(i, rs.getInt(2));
                    assertEquals("v" + i + "x", rs.getString(3));
                }
            }
            assertEquals(Set.of(Sandbox.NODE1_PORT, Sandbox.NODE2_PORT), ports,
                "the statement ran on both readers' connections: " + ports);
        }
    }

    @Test
    void aConnectionKilledByTheServerIsReplacedUnseen() throws SQLException {
        try (Connection c = Db.viaLintas(lintas)) {
            long thread = Db.scalarLong(c, "/* lintas:writer */ SELECT CONNECTION_ID()");
            try (Connection root = Db.direct(Sandbox.NODE3_PORT); Statement st = root.createStatement()) {
                st.execute("KILL " + thread);
            }
            long again = -1;
            for (int i = 0; i < 3 && again < 0; i++) {
                again = Db.scalarLong(c, "/* lintas:writer */ SELECT CONNECTION_ID()");
            }
            assertNotEquals(thread, again);
        }
    }

    /**
     * A statement that warned keeps its connection for SHOW WARNINGS, but a session that then idles gives it back
     * after routing.warnings_hold_ms: the only connection of node3 serves another session instead of making it
     * wait for the queue timeout.
     */
    @Test
    void aSessionIdleAfterAWarningGivesItsConnectionBack() throws Exception {
        try (LintasProcess hold = LintasProcess.builder().name("PoolingIT-warnings").proxy("io_threads: 1").yaml("""
            pool:
              max_connections: 1
              queue_timeout_ms: 2000
            routing:
              warnings_hold_ms: 200
            """).start();
             Connection a = Db.viaLintas(hold); Connection b = Db.viaLintas(hold)) {
            Db.scalarLong(a, "/* lintas:writer */ SELECT CAST('x' AS INT)");
            assertEquals(Sandbox.NODE3_PORT, (int) Db.scalarLong(b, "/* lintas:writer */ SELECT @@port"),
                "served once a's hold expired, not refused after the queue timeout");
            try (Statement st = a.createStatement(); ResultSet rs = st.executeQuery("SHOW WARNINGS")) {
                assertTrue(!rs.next(), "the warnings went with the connection");
            }
        }
    }

    @Test
    void twentyClientsOnTwoConnectionsAreAllServedOrToldWhy() throws Exception {
        try (LintasProcess small = LintasProcess.builder().name("PoolingIT-limits").yaml("""
            pool:
              max_connections: 2
              queue_timeout_ms: 2000
            """).start()) {
            ExecutorService pool = Executors.newFixedThreadPool(20);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    results.add(pool.submit(() -> {
                        try (Connection c = Db.viaLintas(small); Statement st = c.createStatement()) {
                            for (int k = 0; k < 5; k++) {
                                st.executeQuery("/* lintas:writer */ SELECT SLEEP(0.05)").close();
                            }
                            return "ok";
                        } catch (SQLException e) {
                            return e.getErrorCode() + " " + e.getMessage();
                        }
                    }));
                }
                int ok = 0;
                for (Future<String> f : results) {
                    String r = f.get(60, TimeUnit.SECONDS); // nobody hangs
                    if ("ok".equals(r)) {
                        ok++;
                    } else {
                        assertTrue(r.startsWith("9002") && r.contains("max_connections=2"), r);
                    }
                }
                assertTrue(ok > 0, "some clients were served");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
