package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server-side prepared statements ({@code useServerPrepStmts=true}: COM_STMT_PREPARE / EXECUTE / CLOSE and
 * binary result rows) through Lintas.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(120)
class PreparedStatementIT {
    private static final String SERVER_PREP = "useServerPrepStmts=true";
    private static LintasProcess lintas;

    @BeforeAll
    static void startLintas() {
        // One event loop: sessions share pooled connections (with several loops they would share only the limit).
        lintas = LintasProcess.builder().name("PreparedStatementIT").proxy("io_threads: 1").start();
    }

    @AfterAll
    static void stopLintas() {
        if (lintas != null) {
            lintas.close();
        }
    }

    @Test
    void preparedSelectRunsOnNode3AndReturnsRows() throws SQLException {
        try (Connection c = Db.viaLintas(lintas, SERVER_PREP);
             PreparedStatement ps = c.prepareStatement("SELECT @@port, seq, CONCAT('row-', seq) FROM seq_1_to_100 "
                 + "WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
            for (int from = 1; from <= 91; from += 10) {
                ps.setInt(1, from);
                ps.setInt(2, from + 9);
                try (ResultSet rs = ps.executeQuery()) {
                    for (int expected = from; expected < from + 10; expected++) {
                        assertTrue(rs.next(), "row " + expected);
                        assertNotEquals(Sandbox.NODE3_PORT, rs.getInt(1), "a prepared read runs on a reader");
                        assertEquals(expected, rs.getLong(2));
                        assertEquals("row-" + expected, rs.getString(3));
                    }
                    assertFalse(rs.next());
                }
            }
        }
    }

    @Test
    void preparedInsertExecutedManyTimesThenReadBackWithAPreparedSelect() throws SQLException {
        String table = Db.uniqueName("it_ps");
        try (Connection c = Db.viaLintas(lintas, SERVER_PREP)) {
            Db.exec(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY, i BIGINT, s VARCHAR(100), d DECIMAL(12,3), "
                + "dt DATE, ts DATETIME(3), f DOUBLE, b VARBINARY(64), n INT NULL) DEFAULT CHARSET = utf8mb4");
            int rows = 300;
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + table
                + " (id, i, s, d, dt, ts, f, b, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int id = 1; id <= rows; id++) {
                    ins.setInt(1, id);
                    ins.setLong(2, id * 1_000_000_007L);
                    ins.setString(3, "naïve-" + id + "-✓");
                    ins.setBigDecimal(4, new BigDecimal(id + ".125"));
                    ins.setDate(5, Date.valueOf("2024-01-01"));
                    ins.setTimestamp(6, Timestamp.valueOf("2024-01-01 10:00:00.123"));
                    ins.setDouble(7, id / 4.0);
                    ins.setBytes(8, ("bin" + id).getBytes(StandardCharsets.US_ASCII));
                    if (id % 2 == 0) {
                        ins.setNull(9, Types.INTEGER);
                    } else {
                        ins.setInt(9, -id);
                    }
                    assertEquals(1, ins.executeUpdate());
                }
            }
            try (PreparedStatement sel = c.prepareStatement("SELECT id, i, s, d, dt, ts, f, b, n FROM " + table
                + " WHERE id = ?")) {
                for (int id = 1; id <= rows; id += 7) {
                    sel.setInt(1, id);
                    try (ResultSet rs = sel.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals(id, rs.getInt("id"));
                        assertEquals(id * 1_000_000_007L, rs.getLong("i"));
                        assertEquals("naïve-" + id + "-✓", rs.getString("s"));
                        assertEquals(new BigDecimal(id + ".125"), rs.getBigDecimal("d"));
                        assertEquals(Date.valueOf("2024-01-01"), rs.getDate("dt"));
                        assertEquals(Timestamp.valueOf("2024-01-01 10:00:00.123"), rs.getTimestamp("ts"));
                        assertEquals(id / 4.0, rs.getDouble("f"));
                        assertArrayEquals(("bin" + id).getBytes(StandardCharsets.US_ASCII), rs.getBytes("b"));
                        if (id % 2 == 0) {
                            assertNull(rs.getObject("n"));
                        } else {
                            assertEquals(-id, rs.getInt("n"));
                        }
                        assertFalse(rs.next());
                    }
                }
            }
            assertEquals(rows, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
        } finally {
            Db.dropTables(table);
        }
    }

    @Test
    void batchedPreparedInsertAndPreparedUpdateDelete() throws SQLException {
        String table = Db.uniqueName("it_psb");
        try (Connection c = Db.viaLintas(lintas, SERVER_PREP)) {
            Db.exec(c, "CREATE TABLE " + table + " (id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)");
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + table + " (v) VALUES (?)",
                Statement.RETURN_GENERATED_KEYS)) {
                for (int v = 1; v <= 500; v++) {
                    ins.setInt(1, v);
                    ins.addBatch();
                }
                int[] counts = ins.executeBatch();
                assertEquals(500, counts.length);
                for (int n : counts) {
                    assertTrue(n == 1 || n == Statement.SUCCESS_NO_INFO, "batch count " + n);
                }
            }
            try (PreparedStatement upd = c.prepareStatement("UPDATE " + table + " SET v = v * ? WHERE v <= ?")) {
                upd.setInt(1, 2);
                upd.setInt(2, 100);
                assertEquals(100, upd.executeUpdate());
                upd.setInt(1, 1);
                upd.setInt(2, 0);
                assertEquals(0, upd.executeUpdate());
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE v > ?")) {
                del.setInt(1, 400);
                assertEquals(100, del.executeUpdate());
            }
            assertEquals(400, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
            assertEquals(500L * 501 / 2 - 5050 + 2 * 5050 - (401L + 500) * 100 / 2,
                Db.scalarLong(c, "SELECT SUM(v) FROM " + table));
        } finally {
            Db.dropTables(table);
        }
    }

    @Test
    void manyStatementsPreparedAndClosed() throws SQLException {
        try (Connection c = Db.viaLintas(lintas, SERVER_PREP + "&cachePrepStmts=false")) {
            for (int i = 0; i < 200; i++) {
                // A different statement text each time: a new COM_STMT_PREPARE, then COM_STMT_CLOSE.
                try (PreparedStatement ps = c.prepareStatement("SELECT ? + " + i)) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals(2L * i, rs.getLong(1));
                    }
                }
            }
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
        }
    }

    @Test
    void prepareErrorsAreRelayedAndTheSessionContinues() throws SQLException {
        try (Connection c = Db.viaLintas(lintas, SERVER_PREP)) {
            SQLException e = assertThrows(SQLException.class, () -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM no_such_table_ps WHERE id = ?")) {
                    ps.setInt(1, 1);
                    ps.executeQuery().close();
                }
            });
            assertEquals(1146, e.getErrorCode(), e::toString);
            try (PreparedStatement ps = c.prepareStatement("SELECT ?")) {
                ps.setString(1, "still fine");
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("still fine", rs.getString(1));
                }
            }
            // An execution error (not a prepare error): division by zero in strict mode is a warning, so use a
            // duplicate key instead.
            String table = Db.uniqueName("it_pse");
            try {
                Db.exec(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + table + " VALUES (?)")) {
                    ins.setInt(1, 7);
                    ins.executeUpdate();
                    SQLException dup = assertThrows(SQLException.class, ins::executeUpdate);
                    assertEquals(1062, dup.getErrorCode(), dup::toString);
                    ins.setInt(1, 8);
                    assertEquals(1, ins.executeUpdate());
                }
            } finally {
                Db.dropTables(table);
            }
        }
    }

    @Test
    void streamingFetchSizeReadsALargePreparedResult() throws SQLException {
        try (Connection c = Db.viaLintas(lintas, SERVER_PREP);
             PreparedStatement ps = c.prepareStatement("SELECT seq, REPEAT('y', ?) FROM seq_1_to_200000",
                 ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(500);
            ps.setInt(1, 50);
            String expectedText = "y".repeat(50);
            try (ResultSet rs = ps.executeQuery()) {
                long expected = 1;
                while (rs.next()) {
                    assertEquals(expected, rs.getLong(1));
                    if (expected % 997 == 0) {
                        assertEquals(expectedText, rs.getString(2));
                    }
                    expected++;
                }
                assertEquals(200_001, expected);
            }
            // Abandon a streamed result half way: the driver must drain it, and the session goes on.
            ps.setInt(1, 10);
            try (ResultSet rs = ps.executeQuery()) {
                for (int i = 0; i < 1000; i++) {
                    assertTrue(rs.next());
                }
            }
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
        }
    }
}
