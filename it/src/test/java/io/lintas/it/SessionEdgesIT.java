package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Session state at its edges, with two sessions that share a backend connection statement by statement: state
 * that lasts for the next transaction only, values that belong to the previous statement (LAST_INSERT_ID,
 * {@code @@identity}, ROW_COUNT(), warnings). Each test checks against what a
 * direct connection to node3 does with the same steps.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(240)
class SessionEdgesIT {
    /** ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION. */
    private static final int READ_ONLY_TRANSACTION = 1792;
    private static LintasProcess lintas;

    @BeforeAll
    static void start() {
        // One event loop, as a pooled connection serves only sessions of its loop; two connections per node: an
        // idle one is lent to whichever session asks next (so the sessions of a test share it), and a session
        // that keeps one does not starve the other, which runs on the same test thread.
        lintas = LintasProcess.builder().name("SessionEdgesIT").proxy("io_threads: 1").yaml("""
            pool:
              max_connections: 2
              queue_timeout_ms: 5000
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

    /** Runs the steps of session {@code a} (direct or through Lintas) with {@code b} interleaved. */
    private interface TwoSessions {
        void run(Connection a, Connection b) throws SQLException;
    }

    private static void directAndThroughLintas(TwoSessions steps) throws SQLException {
        try (Connection a = Db.direct(Sandbox.NODE3_PORT); Connection b = Db.direct(Sandbox.NODE3_PORT)) {
            steps.run(a, b);
        }
        try (Connection a = Db.viaLintas(lintas); Connection b = Db.viaLintas(lintas)) {
            steps.run(a, b);
        }
    }

    /**
     * {@code SET TRANSACTION READ ONLY} (no SESSION) applies to the session's next transaction only: on the
     * shared connection it must neither reach another session's transaction nor be lost for this one's.
     */
    @Test
    void oneShotTransactionCharacteristicsStayWithTheirSession() throws SQLException {
        String table = Db.uniqueName("edge_oneshot");
        try {
            Db.execDirect("CREATE TABLE " + table + " (v INT)");
            directAndThroughLintas((a, b) -> {
                Db.exec(a, "SET TRANSACTION READ ONLY");
                // Another session's transaction is not read-only.
                Db.exec(b, "START TRANSACTION");
                Db.exec(b, "INSERT INTO " + table + " VALUES (1)");
                Db.exec(b, "COMMIT");
                // This session's next transaction is.
                Db.exec(a, "START TRANSACTION");
                SQLException e = assertThrows(SQLException.class, () -> Db.exec(a, "INSERT INTO " + table + " VALUES (2)"));
                assertEquals(READ_ONLY_TRANSACTION, e.getErrorCode(), e.toString());
                Db.exec(a, "COMMIT");
                // And only that one.
                Db.exec(a, "START TRANSACTION");
                Db.exec(a, "INSERT INTO " + table + " VALUES (3)");
                Db.exec(a, "COMMIT");
                assertEquals("REPEATABLE-READ", Db.scalarString(a, "SELECT @@tx_isolation"));
            });
            try (Connection c = Db.direct(Sandbox.NODE3_PORT)) {
                assertEquals(4, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table), "1 and 3, twice");
            }
        } finally {
            Db.dropTables(table);
        }
    }

    /** {@code SET TRANSACTION ISOLATION LEVEL} without SESSION does not change the session's level. */
    @Test
    void oneShotIsolationLevelIsNotASessionVariable() throws SQLException {
        directAndThroughLintas((a, b) -> {
            Db.exec(a, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
            Db.exec(a, "START TRANSACTION");
            Db.exec(a, "COMMIT");
            assertEquals("REPEATABLE-READ", Db.scalarString(a, "SELECT @@tx_isolation"));
            assertEquals("REPEATABLE-READ", Db.scalarString(a, "/* lintas:writer */ SELECT @@tx_isolation"));
            assertEquals("REPEATABLE-READ", Db.scalarString(b, "/* lintas:writer */ SELECT @@tx_isolation"));
        });
    }

    /** {@code @@identity} is LAST_INSERT_ID() under another name: the session's own, whoever used the connection. */
    @Test
    void identityIsTheSessionsOwn() throws SQLException {
        String table = Db.uniqueName("edge_identity");
        try {
            Db.execDirect("CREATE TABLE " + table + " (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
            directAndThroughLintas((a, b) -> {
                Db.exec(a, "INSERT INTO " + table + " (v) VALUES (1)");
                long mine = Db.scalarLong(a, "SELECT LAST_INSERT_ID()");
                Db.exec(b, "INSERT INTO " + table + " (v) VALUES (2), (3)");
                assertEquals(mine, Db.scalarLong(a, "SELECT @@identity"));
                assertEquals(mine, Db.scalarLong(a, "SELECT @@session.identity"));
            });
        } finally {
            Db.dropTables(table);
        }
    }

    /** LAST_INSERT_ID(expr) in a SELECT sets the session's value; another session on the connection must not see it. */
    @Test
    void lastInsertIdSetByASelectStaysInItsSession() throws SQLException {
        directAndThroughLintas((a, b) -> {
            assertEquals(42, Db.scalarLong(a, "SELECT LAST_INSERT_ID(42)"));
            assertEquals(0, Db.scalarLong(b, "SELECT LAST_INSERT_ID()"));
            assertEquals(42, Db.scalarLong(a, "SELECT LAST_INSERT_ID()"));
            assertEquals(7, Db.scalarLong(b, "SELECT LAST_INSERT_ID(7)"));
            assertEquals(42, Db.scalarLong(a, "SELECT LAST_INSERT_ID()"));
            assertEquals(7, Db.scalarLong(b, "SELECT LAST_INSERT_ID()"));
        });
    }

    /** Warnings of a read are what SHOW WARNINGS and @@warning_count report next, as on a direct connection. */
    @Test
    void warningsOfAReadAreShownNext() throws SQLException {
        directAndThroughLintas((a, b) -> {
            assertEquals(0, Db.scalarLong(a, "SELECT CAST('abc' AS SIGNED)"));
            assertEquals(List.of("Warning 1292"), warnings(a));
            assertEquals(1, Db.scalarLong(a, "SELECT @@warning_count"));
        });
    }

    /** A statement that pins the session right after a read that warned still pins it to the writer. */
    @Test
    void aPinAfterAReadThatWarnedIsOnTheWriter() throws SQLException {
        directAndThroughLintas((a, b) -> {
            assertEquals(0, Db.scalarLong(a, "SELECT CAST('abc' AS SIGNED)"));
            Db.exec(a, "GET DIAGNOSTICS @edge_n = NUMBER");
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(a));
            assertEquals(Sandbox.NODE3_PORT, Db.port(a), "pinned to the writer");
        });
    }

    /** State that pins, created inside a read-only transaction (which runs on a reader), still pins to the writer. */
    @Test
    @Disabled("bug: a pin inside START TRANSACTION READ ONLY keeps the reader's connection for good: after COMMIT "
        + "every write of the session runs on node1/node2")
    void aPinInsideAReadOnlyTransactionIsOnTheWriter() throws SQLException {
        directAndThroughLintas((a, b) -> {
            Db.exec(a, "START TRANSACTION READ ONLY");
            Db.exec(a, "SET @edge_ro = 1");
            Db.exec(a, "COMMIT");
            assertEquals(1, Db.scalarLong(a, "SELECT @edge_ro"));
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(a));
        });
    }

    /** {@code SET @@var = ?} as a server-side prepared statement changes the session's variable, and only its. */
    @Test
    void aPreparedSetOfAnUnscopedVariableFollowsTheSession() throws SQLException {
        try (Connection a = Db.viaLintas(lintas, "useServerPrepStmts=true"); Connection b = Db.viaLintas(lintas);
             java.sql.PreparedStatement ps = a.prepareStatement("SET @@sql_mode = ?")) {
            String before = Db.scalarString(b, "/* lintas:writer */ SELECT @@sql_mode");
            ps.setString(1, "ANSI_QUOTES");
            ps.execute();
            for (int i = 0; i < 3; i++) {
                assertEquals("ANSI_QUOTES", Db.scalarString(a, "SELECT @@sql_mode"));
                assertEquals("ANSI_QUOTES", Db.scalarString(a, "/* lintas:writer */ SELECT @@sql_mode"));
                assertEquals(before, Db.scalarString(b, "/* lintas:writer */ SELECT @@sql_mode"));
            }
        }
    }

    /** Warnings of a write survive another session's statement on the shared connection. */
    @Test
    void warningsOfAWriteSurviveAnotherSessionsStatement() throws SQLException {
        String table = Db.uniqueName("edge_warn");
        try {
            Db.execDirect("CREATE TABLE " + table + " (v TINYINT)");
            directAndThroughLintas((a, b) -> {
                Db.exec(a, "SET SESSION sql_mode = ''");
                Db.exec(a, "INSERT INTO " + table + " VALUES (1000)");
                Db.exec(b, "INSERT INTO " + table + " VALUES (1)");
                assertEquals(List.of("Warning 1264"), warnings(a));
            });
        } finally {
            Db.dropTables(table);
        }
    }

    /**
     * MariaDB Connector/J narrows the server's session tracking on connect (and sets STRICT_TRANS_TABLES in the
     * same statement): a's sql_mode and other variables must still never reach b, nor b lose the driver's mode.
     */
    @Test
    void variablesStayWithTheirSessionThoughTheDriverNarrowsTracking() throws SQLException {
        directAndThroughLintas((a, b) -> {
            String bMode = Db.scalarString(b, "/* lintas:writer */ SELECT @@sql_mode");
            assertTrue(bMode.contains("STRICT_TRANS_TABLES"), bMode);
            long bSort = Db.scalarLong(b, "/* lintas:writer */ SELECT @@max_sort_length");
            Db.exec(a, "SET SESSION sql_mode = 'ANSI_QUOTES'");
            Db.exec(a, "SET SESSION max_sort_length = " + (bSort + 7));
            for (int i = 0; i < 2; i++) {
                assertEquals(bMode, Db.scalarString(b, "/* lintas:writer */ SELECT @@sql_mode"));
                assertEquals(bSort, Db.scalarLong(b, "/* lintas:writer */ SELECT @@max_sort_length"));
                assertEquals("ANSI_QUOTES", Db.scalarString(a, "SELECT @@sql_mode"));
                assertEquals(bSort + 7, Db.scalarLong(a, "SELECT @@max_sort_length"));
                assertEquals(bMode, Db.scalarString(b, "SELECT @@sql_mode"));
            }
        });
    }

    /**
     * MySQL Connector/J and MariaDB Connector/J set up their sessions differently on connect (character_set_results
     * NULL, tracking, sql_mode...): sharing pooled connections, each must see exactly what it sees on a node.
     */
    @Test
    void twoDriversSharingConnectionsSeeWhatTheySeeOnANode() throws SQLException {
        assertEquals(driverSessions(Sandbox.NODE3_PORT), driverSessions(lintas.port()));
    }

    private static List<String> driverSessions(int port) throws SQLException {
        String state = "SELECT CONCAT_WS('|', IFNULL(@@character_set_results, 'NULL'), @@character_set_client, "
            + "@@character_set_connection, @@collation_connection, @@sql_mode, @@time_zone, @@autocommit, "
            + "@@tx_isolation, @@net_write_timeout, @@max_sort_length, IFNULL(DATABASE(), '-'))";
        List<String> seen = new ArrayList<>();
        try (Connection mysql = new com.mysql.cj.jdbc.Driver().connect("jdbc:mysql://127.0.0.1:" + port
                 + "/app?sslMode=DISABLED&connectTimeout=10000&user=" + Db.USER + "&password=" + Db.PASSWORD,
                 new java.util.Properties());
             Connection maria = java.sql.DriverManager.getConnection(Db.url(port, ""), Db.USER, Db.PASSWORD)) {
            for (int round = 0; round < 3; round++) {
                for (String hint : new String[] {"/* lintas:writer */ ", ""}) {
                    seen.add("mysql " + round + hint + Db.scalarString(mysql, hint + state));
                    seen.add("maria " + round + hint + Db.scalarString(maria, hint + state));
                }
                if (round == 0) {
                    Db.exec(mysql, "SET SESSION net_write_timeout = 77");
                    Db.exec(maria, "SET time_zone = '+02:00'");
                } else if (round == 1) {
                    Db.exec(maria, "SET NAMES latin1");
                    Db.exec(mysql, "SET SESSION sql_mode = 'ANSI_QUOTES'");
                }
            }
        }
        return seen;
    }

    /**
     * {@code SET insert_id} applies to the session's next insert only (the server then resets it, unreported):
     * replayed on another connection it would hand the same id to a later insert.
     */
    @Test
    void insertIdAppliesToTheNextInsertOnly() throws SQLException {
        String table = Db.uniqueName("edge_insert_id");
        long[] base = {1_000_000};
        try {
            Db.execDirect("CREATE TABLE " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT)");
            directAndThroughLintas((a, b) -> {
                long id = base[0] += 1_000_000;
                Db.exec(a, "SET insert_id = " + id);
                Db.exec(a, "INSERT INTO " + table + " (v) VALUES (1)");
                assertEquals(id, Db.scalarLong(a, "SELECT LAST_INSERT_ID()"));
                Db.exec(b, "INSERT INTO " + table + " (v) VALUES (2)");
                Db.exec(a, "INSERT INTO " + table + " (v) VALUES (3)");
                assertTrue(Db.scalarLong(a, "SELECT LAST_INSERT_ID()") > id, "the next insert got a fresh id");
            });
        } finally {
            Db.dropTables(table);
        }
    }

    /** LASTVAL / PREVIOUS VALUE FOR read the session's own last NEXTVAL, not another session's on its connection. */
    @Test
    void aSequencesLastValueIsTheSessionsOwn() throws SQLException {
        String seq = Db.uniqueName("edge_seq");
        try {
            Db.execDirect("CREATE SEQUENCE " + seq + " INCREMENT BY 0 NOCACHE"); // Galera: no cache
            directAndThroughLintas((a, b) -> {
                long mine = Db.scalarLong(a, "SELECT NEXTVAL(" + seq + ")");
                long theirs = Db.scalarLong(b, "SELECT NEXT VALUE FOR " + seq);
                assertTrue(theirs != mine);
                for (int i = 0; i < 2; i++) {
                    assertEquals(mine, Db.scalarLong(a, "SELECT LASTVAL(" + seq + ")"));
                    assertEquals(theirs, Db.scalarLong(b, "SELECT PREVIOUS VALUE FOR " + seq));
                }
            });
        } finally {
            Db.dropTables(seq); // DROP TABLE drops a sequence too
        }
    }

    /** The same through server-side prepared statements: executing a prepared NEXTVAL pins as the text form does. */
    @Test
    void aSequencesLastValueIsTheSessionsOwnWhenPrepared() throws SQLException {
        String seq = Db.uniqueName("edge_pseq");
        try {
            Db.execDirect("CREATE SEQUENCE " + seq + " INCREMENT BY 0 NOCACHE"); // Galera: no cache
            for (int port : new int[] {Sandbox.NODE3_PORT, lintas.port()}) {
                try (Connection a = java.sql.DriverManager.getConnection(Db.url(port, "useServerPrepStmts=true"),
                         Db.USER, Db.PASSWORD);
                     Connection b = java.sql.DriverManager.getConnection(Db.url(port, ""), Db.USER, Db.PASSWORD);
                     java.sql.PreparedStatement next = a.prepareStatement("SELECT NEXTVAL(" + seq + ")");
                     java.sql.PreparedStatement last = a.prepareStatement("SELECT LASTVAL(" + seq + ")")) {
                    long mine;
                    try (ResultSet rs = next.executeQuery()) {
                        assertTrue(rs.next());
                        mine = rs.getLong(1);
                    }
                    long theirs = Db.scalarLong(b, "SELECT NEXTVAL(" + seq + ")");
                    assertTrue(theirs != mine);
                    for (int i = 0; i < 2; i++) {
                        try (ResultSet rs = last.executeQuery()) {
                            assertTrue(rs.next());
                            assertEquals(mine, rs.getLong(1), port + "");
                        }
                    }
                }
            }
        } finally {
            Db.dropTables(seq);
        }
    }

    /** SET ROLE changes what the session may do: the role stays with its session and never reaches another. */
    @Test
    void aRoleStaysWithItsSession() throws Exception {
        Sandbox.rootSql(3, "CREATE ROLE IF NOT EXISTS lintas_edge_role");
        Sandbox.rootSql(3, "GRANT lintas_edge_role TO 'app'@'%', 'app'@'127.0.0.1', 'app'@'localhost'");
        try {
            directAndThroughLintas((a, b) -> {
                Db.exec(a, "SET ROLE lintas_edge_role");
                for (int i = 0; i < 3; i++) {
                    assertEquals("lintas_edge_role", Db.scalarString(a, "/* lintas:writer */ SELECT CURRENT_ROLE()"));
                    assertEquals(null, Db.scalarString(b, "/* lintas:writer */ SELECT CURRENT_ROLE()"));
                    assertEquals("lintas_edge_role", Db.scalarString(a, "SELECT CURRENT_ROLE()"));
                    assertEquals(null, Db.scalarString(b, "SELECT CURRENT_ROLE()"));
                }
                Db.exec(a, "SET ROLE NONE");
            });
        } finally {
            Sandbox.rootSql(3, "DROP ROLE IF EXISTS lintas_edge_role");
        }
    }

    /**
     * Warnings another session left on the shared connection never show: MariaDB keeps them until a statement
     * that uses a table, so without clearing, a table-less statement and SHOW WARNINGS would read b's.
     */
    @Test
    void anotherSessionsWarningsNeverShow() throws SQLException {
        directAndThroughLintas((a, b) -> {
            Db.scalarLong(b, "/* lintas:writer */ SELECT CAST('secret_b' AS INT)");
            assertEquals(List.of("Warning 1292"), warnings(b));
            // b moves on to a reader: node3's connection goes back to the pool.
            Db.scalarLong(b, "SELECT 1");
            Db.scalarLong(a, "/* lintas:writer */ SELECT 1");
            assertEquals(List.of(), warnings(a));
            assertEquals(0, Db.scalarLong(a, "/* lintas:writer */ SELECT @@warning_count"));
        });
    }

    /**
     * A stored procedure that sets a user variable and creates a temporary table leaves both on its connection:
     * the session must keep seeing them, and another session must never get them.
     */
    @Test
    void stateAProcedureLeavesOnItsConnectionStaysWithTheSession() throws SQLException {
        String proc = Db.uniqueName("edge_proc");
        try {
            Db.execDirect("CREATE PROCEDURE " + proc + "() BEGIN SET @edge_x = 5; "
                + "CREATE TEMPORARY TABLE edge_proc_tmp (a INT); INSERT INTO edge_proc_tmp VALUES (7); END");
            directAndThroughLintas((a, b) -> {
                Db.exec(a, "CALL " + proc + "()");
                for (int i = 0; i < 3; i++) {
                    assertEquals(5, Db.scalarLong(a, "SELECT @edge_x"));
                    assertEquals(7, Db.scalarLong(a, "SELECT a FROM edge_proc_tmp"));
                    assertEquals(null, Db.scalarString(b, "/* lintas:writer */ SELECT @edge_x"));
                    SQLException e = assertThrows(SQLException.class,
                        () -> Db.scalarLong(b, "/* lintas:writer */ SELECT a FROM edge_proc_tmp"));
                    assertEquals(1146, e.getErrorCode(), e.toString());
                }
                Db.exec(a, "DROP TEMPORARY TABLE edge_proc_tmp");
            });
        } finally {
            Db.dropProcedures(proc);
        }
    }

    /** The same procedure run as a server-side prepared statement (COM_STMT_EXECUTE). */
    @Test
    void stateAPreparedCallLeavesOnItsConnectionStaysWithTheSession() throws SQLException {
        String proc = Db.uniqueName("edge_pproc");
        try {
            Db.execDirect("CREATE PROCEDURE " + proc + "() BEGIN SET @edge_y = 6; "
                + "CREATE TEMPORARY TABLE edge_pproc_tmp (a INT); INSERT INTO edge_pproc_tmp VALUES (8); END");
            for (int port : new int[] {Sandbox.NODE3_PORT, lintas.port()}) {
                try (Connection a = java.sql.DriverManager.getConnection(Db.url(port, "useServerPrepStmts=true"), Db.USER,
                         Db.PASSWORD);
                     Connection b = java.sql.DriverManager.getConnection(Db.url(port, ""), Db.USER, Db.PASSWORD);
                     java.sql.PreparedStatement call = a.prepareStatement("CALL " + proc + "()")) {
                    call.execute();
                    for (int i = 0; i < 3; i++) {
                        assertEquals(6, Db.scalarLong(a, "SELECT @edge_y"), port + "");
                        assertEquals(8, Db.scalarLong(a, "SELECT a FROM edge_pproc_tmp"));
                        assertEquals(null, Db.scalarString(b, "/* lintas:writer */ SELECT @edge_y"));
                    }
                }
            }
        } finally {
            Db.dropProcedures(proc);
        }
    }

    /** ROW_COUNT() is about the session's previous statement, even when another session ran one in between. */
    @Test
    @Disabled("bug: ROW_COUNT() reads the shared connection's last statement, which may be another session's "
        + "(or the SET that brought the connection in line): -1 or 0 instead of 3")
    void rowCountIsAboutTheSessionsPreviousStatement() throws SQLException {
        String table = Db.uniqueName("edge_rowcount");
        try {
            Db.execDirect("CREATE TABLE " + table + " (v INT)",
                "INSERT INTO " + table + " VALUES (1), (2), (3)");
            directAndThroughLintas((a, b) -> {
                Db.exec(a, "UPDATE " + table + " SET v = v + 1");
                Db.exec(b, "/* lintas:writer */ SELECT 1");
                assertEquals(3, Db.scalarLong(a, "SELECT ROW_COUNT()"));
            });
        } finally {
            Db.dropTables(table);
        }
    }

    private static List<String> warnings(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW WARNINGS")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getInt(2));
            }
        }
        return out;
    }
}
