package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Responses made of several results (MORE_RESULTS_EXISTS): multi-statement queries
 * ({@code allowMultiQueries=true}) and stored procedures returning two result sets.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(120)
class MultiResultIT {
    private static LintasProcess lintas;

    @BeforeAll
    static void startLintas() {
        lintas = LintasProcess.start("MultiResultIT");
    }

    @AfterAll
    static void stopLintas() {
        if (lintas != null) {
            lintas.close();
        }
    }

    @Test
    void multiStatementWithResultSetsAndAnUpdateCount() throws SQLException {
        String table = Db.uniqueName("it_multi");
        try (Connection c = Db.viaLintas(lintas, "allowMultiQueries=true"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY)");
            boolean isResultSet = st.execute("select 1; select 2; insert into " + table + " values (1), (2), (3); "
                + "select 3; select @@port");
            List<String> seen = new ArrayList<>();
            while (true) {
                if (isResultSet) {
                    try (ResultSet rs = st.getResultSet()) {
                        assertTrue(rs.next());
                        seen.add("rs:" + rs.getLong(1));
                        assertFalse(rs.next());
                    }
                } else {
                    int count = st.getUpdateCount();
                    if (count == -1) {
                        break;
                    }
                    seen.add("count:" + count);
                }
                isResultSet = st.getMoreResults();
            }
            assertEquals(List.of("rs:1", "rs:2", "count:3", "rs:3", "rs:" + Sandbox.NODE3_PORT), seen);
            assertEquals(3, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
        } finally {
            Db.dropTables(table);
        }
    }

    @Test
    void multiStatementStoppedByAnErrorLeavesTheSessionUsable() throws SQLException {
        try (Connection c = Db.viaLintas(lintas, "allowMultiQueries=true"); Statement st = c.createStatement()) {
            List<Long> seen = new ArrayList<>();
            SQLException e = assertThrows(SQLException.class, () -> {
                boolean rsNext = st.execute("select 10; select * from no_such_table_multi; select 30");
                while (rsNext || st.getUpdateCount() != -1) {
                    if (rsNext) {
                        try (ResultSet rs = st.getResultSet()) {
                            rs.next();
                            seen.add(rs.getLong(1));
                        }
                    }
                    rsNext = st.getMoreResults();
                }
            });
            assertEquals(1146, e.getErrorCode(), e::toString);
            assertTrue(seen.isEmpty() || seen.equals(List.of(10L)), "results before the error: " + seen);
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
            assertEquals(42, Db.scalarLong(c, "select 42"));
        }
    }

    @Test
    void multiStatementWithManyResults() throws SQLException {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            sql.append("select ").append(i).append(", repeat('m', ").append(i * 50).append(");");
        }
        try (Connection c = Db.viaLintas(lintas, "allowMultiQueries=true"); Statement st = c.createStatement()) {
            boolean isRs = st.execute(sql.toString());
            int n = 0;
            while (isRs) {
                try (ResultSet rs = st.getResultSet()) {
                    assertTrue(rs.next());
                    assertEquals(n, rs.getInt(1));
                    assertEquals(n * 50, rs.getString(2).length());
                }
                n++;
                isRs = st.getMoreResults();
            }
            assertEquals(100, n);
            assertEquals(-1, st.getUpdateCount());
        }
    }

    /** CALL of a procedure returning two result sets, through a plain Statement (text protocol). */
    @ParameterizedTest(name = "useServerPrepStmts={0}")
    @ValueSource(booleans = {false, true})
    void procedureWithTwoResultSetsThroughAStatement(boolean serverPrep) throws SQLException {
        String proc = Db.uniqueName("it_proc");
        try (Connection c = Db.viaLintas(lintas, "useServerPrepStmts=" + serverPrep)) {
            createTwoResultProcedure(c, proc);
            try (Statement st = c.createStatement()) {
                assertTrue(st.execute("CALL " + proc + "(5)"));
                assertTwoResults(st, 5);
            }
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
        } finally {
            Db.dropProcedures(proc);
        }
    }

    /** CALL through a PreparedStatement (binary protocol when useServerPrepStmts=true). */
    @ParameterizedTest(name = "useServerPrepStmts={0}")
    @ValueSource(booleans = {false, true})
    void procedureWithTwoResultSetsThroughAPreparedStatement(boolean serverPrep) throws SQLException {
        String proc = Db.uniqueName("it_proc");
        try (Connection c = Db.viaLintas(lintas, "useServerPrepStmts=" + serverPrep)) {
            createTwoResultProcedure(c, proc);
            try (PreparedStatement ps = c.prepareStatement("CALL " + proc + "(?)")) {
                for (int n = 1; n <= 3; n++) {
                    ps.setInt(1, n);
                    assertTrue(ps.execute());
                    assertTwoResults(ps, n);
                }
            }
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
        } finally {
            Db.dropProcedures(proc);
        }
    }

    @Test
    void callableStatementWithOutParameter() throws SQLException {
        String proc = Db.uniqueName("it_procout");
        try (Connection c = Db.viaLintas(lintas, "useServerPrepStmts=true")) {
            Db.exec(c, "CREATE PROCEDURE " + proc + "(IN a INT, OUT doubled INT) BEGIN SET doubled = a * 2; "
                + "SELECT a AS echoed; END");
            try (CallableStatement cs = c.prepareCall("{call " + proc + "(?, ?)}")) {
                cs.setInt(1, 21);
                cs.registerOutParameter(2, Types.INTEGER);
                assertTrue(cs.execute());
                try (ResultSet rs = cs.getResultSet()) {
                    assertTrue(rs.next());
                    assertEquals(21, rs.getInt(1));
                }
                assertEquals(42, cs.getInt(2));
            }
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
        } finally {
            Db.dropProcedures(proc);
        }
    }

    private static void createTwoResultProcedure(Connection c, String proc) throws SQLException {
        Db.exec(c, "CREATE PROCEDURE " + proc + "(IN n INT) BEGIN "
            + "SELECT seq, CONCAT('first-', seq) FROM seq_1_to_100 WHERE seq <= n ORDER BY seq; "
            + "SELECT @@port AS p, n * 10 AS tenfold; "
            + "END");
    }

    private static void assertTwoResults(Statement st, int n) throws SQLException {
        try (ResultSet first = st.getResultSet()) {
            for (int i = 1; i <= n; i++) {
                assertTrue(first.next());
                assertEquals(i, first.getInt(1));
                assertEquals("first-" + i, first.getString(2));
            }
            assertFalse(first.next());
        }
        assertTrue(st.getMoreResults(), "second result set");
        try (ResultSet second = st.getResultSet()) {
            assertTrue(second.next());
            assertEquals(Sandbox.NODE3_PORT, second.getInt(1));
            assertEquals(n * 10, second.getInt(2));
            assertFalse(second.next());
        }
        // The CALL's own final status (an update count of 0), then no more results.
        assertFalse(st.getMoreResults());
        int count = st.getUpdateCount();
        assertTrue(count == 0 || count == -1, "update count after the result sets: " + count);
        if (count == 0) {
            assertFalse(st.getMoreResults());
            assertEquals(-1, st.getUpdateCount());
        }
    }
}
