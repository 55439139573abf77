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
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Read/write splitting through Lintas, telling where each statement ran by {@code @@port}: reads on node1 and
 * node2, writes on node3, transactions and pinned sessions on node3, read-your-writes, prepared statements,
 * query rules and hints.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(180)
class RoutingIT {
    private static final Set<Integer> READERS = Set.of(Sandbox.NODE1_PORT, Sandbox.NODE2_PORT);
    private static LintasProcess lintas;
    private static String table;

    @BeforeAll
    static void start() throws SQLException {
        lintas = LintasProcess.builder().name("RoutingIT").yaml("""
            query_rules:
              - rule_id: 1
                match_pattern: "^SELECT .*forbidden_table"
                error_msg: "forbidden_table is off limits"
                apply: true
              - rule_id: 2
                match_digest: "^SELECT @@port AS routed_by_rule"
                destination_hostgroup: 10
                apply: true
              - rule_id: 3
                match_pattern: "^SELECT 'old_value'"
                replace_pattern: "SELECT 'new_value'"
                apply: true
            """).start();
        table = Db.uniqueName("routing");
        try (Connection c = Db.direct(Sandbox.NODE3_PORT); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id INT AUTO_INCREMENT PRIMARY KEY, v INT, port INT)");
        }
    }

    @AfterAll
    static void stop() {
        Db.dropTables(table);
        if (lintas != null) {
            lintas.close();
        }
    }

    @Test
    void autocommitReadsGoToBothReaders() throws SQLException {
        Set<Integer> seen = new HashSet<>();
        try (Connection c = Db.viaLintas(lintas)) {
            for (int i = 0; i < 20; i++) {
                seen.add(Db.port(c));
            }
        }
        assertEquals(READERS, seen, "reads ran on " + seen);
    }

    @Test
    void writesAndDdlGoToNode3() throws SQLException {
        try (Connection c = Db.viaLintas(lintas); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO " + table + " (v, port) VALUES (1, @@port)");
            st.executeUpdate("UPDATE " + table + " SET port = @@port WHERE v = 1");
            String ddl = Db.uniqueName("ddl");
            st.execute("CREATE TABLE " + ddl + " (p INT)");
            st.executeUpdate("INSERT INTO " + ddl + " VALUES (@@port)");
            assertEquals(Sandbox.NODE3_PORT, Db.scalarLong(c, "SELECT MAX(port) FROM " + table + " WHERE v = 1"));
            assertEquals(Sandbox.NODE3_PORT, Db.scalarLong(c, "SELECT p FROM " + ddl));
            st.execute("DROP TABLE " + ddl);
        }
    }

    @Test
    void everythingInATransactionRunsOnTheWriter() throws SQLException {
        try (Connection c = Db.viaLintas(lintas)) {
            c.setAutoCommit(false);
            for (int i = 0; i < 5; i++) {
                assertEquals(Sandbox.NODE3_PORT, Db.port(c));
            }
            c.commit();
            c.setAutoCommit(true);
            assertTrue(READERS.contains(Db.port(c)), "after the transaction reads go to readers again");
            try (Statement st = c.createStatement()) {
                st.execute("BEGIN");
                assertEquals(Sandbox.NODE3_PORT, Db.port(c));
                st.execute("ROLLBACK");
                st.execute("START TRANSACTION READ ONLY");
                int reader = Db.port(c);
                assertTrue(READERS.contains(reader), "a read-only transaction runs on a reader: " + reader);
                assertEquals(reader, Db.port(c), "and stays on it");
                st.execute("COMMIT");
            }
        }
    }

    @Test
    void sessionStateThatLivesOnOneConnectionPinsTheSessionToTheWriter() throws SQLException {
        try (Connection c = Db.viaLintas(lintas); Statement st = c.createStatement()) {
            st.execute("SET @marker = 42");
            for (int i = 0; i < 4; i++) {
                assertEquals(42, Db.scalarLong(c, "SELECT @marker"));
                assertEquals(Sandbox.NODE3_PORT, Db.port(c));
            }
            st.execute("CREATE TEMPORARY TABLE tmp_pinned (a INT)");
            st.execute("INSERT INTO tmp_pinned VALUES (7)");
            assertEquals(7, Db.scalarLong(c, "SELECT a FROM tmp_pinned"));
        }
    }

    @Test
    void aSessionReadsItsOwnWritesOnTheReaders() throws SQLException {
        Set<Integer> readPorts = new HashSet<>();
        try (Connection c = Db.viaLintas(lintas); Statement st = c.createStatement()) {
            for (int i = 0; i < 50; i++) {
                int v = 1000 + i;
                st.executeUpdate("INSERT INTO " + table + " (v, port) VALUES (" + v + ", @@port)");
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*), @@port FROM " + table + " WHERE v = " + v)) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), "insert " + v + " not seen by the next read on port " + rs.getInt(2));
                    readPorts.add(rs.getInt(2));
                }
            }
        }
        assertTrue(READERS.containsAll(readPorts), "reads ran on " + readPorts);
    }

    @Test
    void lastInsertIdFollowsTheSession() throws SQLException {
        try (Connection c = Db.viaLintas(lintas); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO " + table + " (v, port) VALUES (5000, @@port)");
            long id = Db.scalarLong(c, "SELECT id FROM " + table + " WHERE v = 5000");
            assertEquals(id, Db.scalarLong(c, "SELECT LAST_INSERT_ID()"));
            // A second session's insert must not change what this one sees.
            try (Connection other = Db.viaLintas(lintas); Statement ost = other.createStatement()) {
                ost.executeUpdate("INSERT INTO " + table + " (v, port) VALUES (5001, @@port)");
            }
            assertEquals(id, Db.scalarLong(c, "SELECT LAST_INSERT_ID()"));
        }
    }

    @Test
    void preparedSelectsRunOnReadersAndPreparedWritesOnTheWriter() throws SQLException {
        try (Connection c = Db.viaLintas(lintas, "useServerPrepStmts=true")) {
            Set<Integer> seen = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT @@port, ? + 1")) {
                for (int i = 0; i < 10; i++) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        seen.add(rs.getInt(1));
                        assertEquals(i + 1, rs.getInt(2));
                    }
                }
            }
            assertEquals(READERS, seen, "prepared reads ran on " + seen);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (v, port) VALUES (?, @@port)")) {
                ps.setInt(1, 6000);
                ps.executeUpdate();
            }
            assertEquals(Sandbox.NODE3_PORT, Db.scalarLong(c, "SELECT port FROM " + table + " WHERE v = 6000"));
        }
    }

    @Test
    void aRuleWithErrorMsgBlocksTheQuery() throws SQLException {
        try (Connection c = Db.viaLintas(lintas); Statement st = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT * FROM forbidden_table"));
            assertEquals(1148, e.getErrorCode(), e.toString());
            assertTrue(e.getMessage().contains("forbidden_table is off limits"), e.getMessage());
            assertTrue(READERS.contains(Db.port(c)), "the session goes on");
        }
    }

    @Test
    void aRuleRewritesTheQuery() throws SQLException {
        try (Connection c = Db.viaLintas(lintas)) {
            assertEquals("new_value", Db.scalarString(c, "SELECT 'old_value'"));
        }
    }

    @Test
    void aRuleAndHintsChooseTheNode() throws SQLException {
        try (Connection c = Db.viaLintas(lintas)) {
            assertEquals(Sandbox.NODE3_PORT, Db.scalarLong(c, "SELECT @@port AS routed_by_rule"));
            assertEquals(Sandbox.NODE3_PORT, Db.scalarLong(c, "/* lintas:writer */ SELECT @@port"));
            assertTrue(READERS.contains((int) Db.scalarLong(c, "/* lintas:reader */ SELECT @@port")));
        }
    }
}
