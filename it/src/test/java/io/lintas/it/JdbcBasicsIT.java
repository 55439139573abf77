package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MariaDB Connector/J through Lintas: login (good and bad), routing to the writer, SELECT, DDL, DML. */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(120)
class JdbcBasicsIT {
    private static LintasProcess lintas;

    @BeforeAll
    static void startLintas() {
        lintas = LintasProcess.start("JdbcBasicsIT");
    }

    @AfterAll
    static void stopLintas() {
        if (lintas != null) {
            lintas.close();
        }
    }

    @Test
    void connectsAndRunsOnTheWriterNode3() throws SQLException {
        try (Connection c = Db.viaLintas(lintas)) {
            assertTrue(c.isValid(5));
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
            assertEquals("app", Db.scalarString(c, "SELECT DATABASE()"));
            assertTrue(Db.scalarString(c, "SELECT CURRENT_USER()").startsWith("app@"));
            assertEquals("node3", Db.scalarString(c, "/* lintas:writer */ SELECT @@wsrep_node_name"));
        }
    }

    @Test
    void manySequentialConnections() throws SQLException {
        for (int i = 0; i < 30; i++) {
            try (Connection c = Db.viaLintas(lintas)) {
                assertEquals(i, Db.scalarLong(c, "SELECT " + i));
            }
        }
    }

    @Test
    void wrongPasswordIsRefusedWith1045() {
        SQLException e = assertThrows(SQLException.class,
            () -> DriverManager.getConnection(Db.url(lintas.port(), ""), "app", "not-the-password").close());
        assertEquals(1045, e.getErrorCode(), e::toString);
        assertEquals("28000", e.getSQLState(), e::toString);
    }

    @Test
    void emptyPasswordForAUserWithAPasswordIsRefusedWith1045() {
        SQLException e = assertThrows(SQLException.class,
            () -> DriverManager.getConnection(Db.url(lintas.port(), ""), "app", "").close());
        assertEquals(1045, e.getErrorCode(), e::toString);
        assertEquals("28000", e.getSQLState(), e::toString);
    }

    @Test
    void unknownUserIsRefusedWith1045() {
        SQLException e = assertThrows(SQLException.class,
            () -> DriverManager.getConnection(Db.url(lintas.port(), ""), "nobody_here", "app").close());
        assertEquals(1045, e.getErrorCode(), e::toString);
        assertEquals("28000", e.getSQLState(), e::toString);
    }

    @Test
    void unknownDatabaseIsRefusedWith1049() throws SQLException {
        // MariaDB checks privileges before existence: app (ALL on app.* only) gets 1044 for any other name.
        // The sandbox's root (all privileges, no password from 127.0.0.1) gets the server's 1049, relayed.
        try (LintasProcess withRoot = LintasProcess.builder().name("JdbcBasicsIT-root")
            .users(LintasProcess.User.APP, new LintasProcess.User("root", "", null, null)).start()) {
            String url = Db.url(withRoot.port(), "").replace("/" + Sandbox.DATABASE + "?", "/no_such_db_lintas?");
            SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "root", "").close());
            assertEquals(1049, e.getErrorCode(), e::toString);
            assertEquals("42000", e.getSQLState(), e::toString);
            assertTrue(e.getMessage().contains("no_such_db_lintas"), e::toString);
        }
    }

    @Test
    void databaseWithoutPrivilegesIsRefusedWith1044() {
        String url = Db.url(lintas.port(), "").replace("/" + Sandbox.DATABASE + "?", "/no_such_db_lintas?");
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "app", "app").close());
        assertEquals(1044, e.getErrorCode(), e::toString);
        assertEquals("42000", e.getSQLState(), e::toString);
        String mysqlDb = Db.url(lintas.port(), "").replace("/" + Sandbox.DATABASE + "?", "/mysql?");
        SQLException m = assertThrows(SQLException.class, () -> DriverManager.getConnection(mysqlDb, "app", "app").close());
        assertEquals(1044, m.getErrorCode(), m::toString);
    }

    @Test
    void failedLoginsDoNotDisturbOtherSessions() throws SQLException {
        try (Connection c = Db.viaLintas(lintas)) {
            for (int i = 0; i < 5; i++) {
                assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(Db.url(lintas.port(), ""), "app", "wrong").close());
                assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
            }
        }
    }

    @Test
    void selectsReturnTypedValues() throws SQLException {
        try (Connection c = Db.viaLintas(lintas); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 AS i, 'abc' AS s, NULL AS n, 2.5 AS d, "
                + "CAST('2024-02-29 12:34:56' AS DATETIME) AS ts, _utf8mb4'héllo ✓' AS u, x'00FF10' AS b")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt("i"));
                assertEquals("abc", rs.getString("s"));
                assertEquals(null, rs.getString("n"));
                assertTrue(rs.wasNull());
                assertEquals(new java.math.BigDecimal("2.5"), rs.getBigDecimal("d"));
                assertEquals(java.sql.Timestamp.valueOf("2024-02-29 12:34:56"), rs.getTimestamp("ts"));
                assertEquals("héllo ✓", rs.getString("u"));
                assertEquals(List.of((byte) 0, (byte) 0xFF, (byte) 0x10), toList(rs.getBytes("b")));
                assertFalse(rs.next());
            }
            try (ResultSet rs = st.executeQuery("SELECT seq FROM seq_1_to_1000")) {
                long expected = 1;
                while (rs.next()) {
                    assertEquals(expected++, rs.getLong(1));
                }
                assertEquals(1001, expected);
            }
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM DUAL WHERE 1 = 0")) {
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void sqlErrorsAreRelayedAndTheSessionContinues() throws SQLException {
        try (Connection c = Db.viaLintas(lintas); Statement st = c.createStatement()) {
            SQLException syntax = assertThrows(SQLException.class, () -> st.executeQuery("SELEC 1"));
            assertEquals(1064, syntax.getErrorCode(), syntax::toString);
            assertEquals("42000", syntax.getSQLState());
            SQLException noTable = assertThrows(SQLException.class,
                () -> st.executeQuery("SELECT * FROM no_such_table_lintas"));
            assertEquals(1146, noTable.getErrorCode(), noTable::toString);
            assertEquals("42S02", noTable.getSQLState());
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
        }
    }

    @Test
    void ddlAndDmlWithAffectedRowsAndGeneratedKeys() throws SQLException {
        String table = Db.uniqueName("it_dml");
        try (Connection c = Db.viaLintas(lintas); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, "
                + "qty INT NOT NULL DEFAULT 0)");
            try (ResultSet rs = c.getMetaData().getTables(Sandbox.DATABASE, null, table, null)) {
                assertTrue(rs.next(), "table visible in metadata");
            }

            assertEquals(1, st.executeUpdate("INSERT INTO " + table + " (name, qty) VALUES ('a', 1)",
                Statement.RETURN_GENERATED_KEYS));
            long firstId;
            try (ResultSet keys = st.getGeneratedKeys()) {
                assertTrue(keys.next());
                firstId = keys.getLong(1);
                assertTrue(firstId > 0);
            }

            assertEquals(3, st.executeUpdate("INSERT INTO " + table + " (name, qty) VALUES ('b', 2), ('c', 3), ('d', 4)",
                Statement.RETURN_GENERATED_KEYS));
            List<Long> keys = new ArrayList<>();
            try (ResultSet rs = st.getGeneratedKeys()) {
                while (rs.next()) {
                    keys.add(rs.getLong(1));
                }
            }
            // Connector/J reports only LAST_INSERT_ID() for a multi-row INSERT (the same directly on node3).
            assertFalse(keys.isEmpty(), "generated keys of a multi-row insert");
            assertTrue(keys.get(0) > firstId, "keys " + keys + " after " + firstId);
            long lastKey = Db.scalarLong(c, "SELECT MAX(id) FROM " + table);

            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (name, qty) VALUES (?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "e");
                ps.setInt(2, 5);
                assertEquals(1, ps.executeUpdate());
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    assertTrue(rs.next());
                    assertTrue(rs.getLong(1) > lastKey);
                }
            }

            assertEquals(3, st.executeUpdate("UPDATE " + table + " SET qty = qty + 10 WHERE qty >= 3"));
            // Connector/J asks for CLIENT_FOUND_ROWS by default: an unchanged row still counts (matched rows)...
            assertEquals(1, st.executeUpdate("UPDATE " + table + " SET qty = 1 WHERE name = 'a'"));
            // ...and with useAffectedRows=true it does not ask, so the server reports changed rows only.
            try (Connection affected = Db.viaLintas(lintas, "useAffectedRows=true");
                 Statement st2 = affected.createStatement()) {
                assertEquals(0, st2.executeUpdate("UPDATE " + table + " SET qty = 1 WHERE name = 'a'"));
                assertEquals(1, st2.executeUpdate("UPDATE " + table + " SET qty = 2 WHERE name = 'a'"));
                assertEquals(1, st2.executeUpdate("UPDATE " + table + " SET qty = 1 WHERE name = 'a'"));
            }
            assertEquals(5, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
            assertEquals(1 + 2 + 13 + 14 + 15, Db.scalarLong(c, "SELECT SUM(qty) FROM " + table));
            assertEquals(2, st.executeUpdate("DELETE FROM " + table + " WHERE qty < 10"));
            assertEquals(3, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));

            st.execute("ALTER TABLE " + table + " ADD COLUMN note VARCHAR(10) NULL");
            assertEquals(3, st.executeUpdate("UPDATE " + table + " SET note = 'x'"));
            st.execute("TRUNCATE TABLE " + table);
            assertEquals(0, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
            st.execute("DROP TABLE " + table);
            assertThrows(SQLException.class, () -> Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
        } finally {
            Db.dropTables(table);
        }
    }

    @Test
    void transactionsCommitAndRollBack() throws SQLException {
        String table = Db.uniqueName("it_tx");
        try (Connection c = Db.viaLintas(lintas); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY)");
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO " + table + " VALUES (1), (2)");
            c.rollback();
            assertEquals(0, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
            st.executeUpdate("INSERT INTO " + table + " VALUES (3)");
            c.commit();
            c.setAutoCommit(true);
            assertEquals(1, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
            // Committed on node3 through Lintas: Galera replicated it (wsrep_sync_wait makes the read causal).
            try (Connection node1 = Db.direct(Sandbox.NODE1_PORT)) {
                Db.exec(node1, "SET SESSION wsrep_sync_wait = 1");
                assertEquals(3, Db.scalarLong(node1, "SELECT SUM(id) FROM " + table));
            }
        } finally {
            Db.dropTables(table);
        }
    }

    @Test
    void clientsAreGreetedWithTheNodesOwnVersion() throws SQLException {
        // Drivers enable features by the greeting's version string: it must be the node's, from the first client on.
        try (Connection via = Db.viaLintas(lintas); Connection direct = Db.direct(Sandbox.NODE3_PORT)) {
            assertEquals(direct.getMetaData().getDatabaseProductVersion(), via.getMetaData().getDatabaseProductVersion());
        }
    }

    @Test
    void writerOrderChoosesTheBackendNode() throws SQLException {
        try (LintasProcess node1First = LintasProcess.builder().name("JdbcBasicsIT-node1")
            .writerOrder("node1", "node2", "node3").start();
             Connection c = Db.viaLintas(node1First)) {
            assertEquals(Sandbox.NODE1_PORT, Db.writerPort(c));
            assertTrue(Db.port(c) != Sandbox.NODE1_PORT, "reads go to the other nodes");
        }
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> out = new ArrayList<>();
        for (byte b : bytes) {
            out.add(b);
        }
        return out;
    }
}
