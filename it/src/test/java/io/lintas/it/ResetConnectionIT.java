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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * COM_RESET_CONNECTION (Connector/J's {@code org.mariadb.jdbc.Connection#reset()} with
 * {@code useResetConnection=true}) through Lintas.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(120)
class ResetConnectionIT {
    /** Without it, Connector/J's reset() only resets client-side state and sends nothing. */
    private static final String COM_RESET = "useResetConnection=true";
    private static LintasProcess lintas;

    @BeforeAll
    static void startLintas() {
        // One event loop: sessions share pooled connections (with several loops they would share only the limit).
        lintas = LintasProcess.builder().name("ResetConnectionIT").proxy("io_threads: 1").start();
    }

    @AfterAll
    static void stopLintas() {
        if (lintas != null) {
            lintas.close();
        }
    }

    @Test
    void resetClearsUserAndSessionVariablesAndTheConnectionStillWorks() throws SQLException {
        try (Connection c = Db.viaLintas(lintas, COM_RESET)) {
            long globalWait = Db.scalarLong(c, "SELECT @@GLOBAL.wait_timeout");
            long sessionWait = globalWait == 12345 ? 12346 : 12345;
            try (Statement st = c.createStatement()) {
                st.execute("SET @lintas_marker = 42");
                st.execute("SET SESSION wait_timeout = " + sessionWait);
                st.execute("CREATE TEMPORARY TABLE reset_tmp (id INT)");
            }
            assertEquals(42, Db.scalarLong(c, "SELECT @lintas_marker"));
            assertEquals(sessionWait, Db.scalarLong(c, "SELECT @@SESSION.wait_timeout"));
            long threadBefore = Db.scalarLong(c, "SELECT CONNECTION_ID()");

            ((org.mariadb.jdbc.Connection) c).reset();

            assertNull(Db.scalarString(c, "SELECT @lintas_marker"), "user variable cleared by the reset");
            assertEquals(globalWait, Db.scalarLong(c, "SELECT @@SESSION.wait_timeout"), "session variable reset");
            SQLException gone = assertThrows(SQLException.class, () -> Db.scalarLong(c, "SELECT COUNT(*) FROM reset_tmp"));
            assertEquals(1146, gone.getErrorCode(), "temporary table dropped by the reset: " + gone);
            // The reset also ends the pin (user variable, temporary table): reads go to the readers again.
            assertTrue(threadBefore > 0);
            assertNotEquals(Sandbox.NODE3_PORT, Db.port(c), "no longer pinned to the writer");
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
            assertEquals("app", Db.scalarString(c, "SELECT DATABASE()"));
            assertTrue(c.isValid(5));
        }
    }

    @Test
    void resetRollsBackAnOpenTransaction() throws SQLException {
        String table = Db.uniqueName("it_reset");
        try (Connection c = Db.viaLintas(lintas, COM_RESET)) {
            Db.exec(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
            c.setAutoCommit(false);
            Db.exec(c, "INSERT INTO " + table + " VALUES (1)");
            ((org.mariadb.jdbc.Connection) c).reset();
            c.setAutoCommit(true);
            assertEquals(0, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
            Db.exec(c, "INSERT INTO " + table + " VALUES (2)");
            assertEquals(1, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table));
        } finally {
            Db.dropTables(table);
        }
    }

    @Test
    void resetWithServerPreparedStatementsAndRepeatedResets() throws SQLException {
        try (Connection c = Db.viaLintas(lintas, COM_RESET + "&useServerPrepStmts=true")) {
            for (int i = 0; i < 20; i++) {
                Db.exec(c, "SET @v = " + i);
                try (PreparedStatement ps = c.prepareStatement("SELECT ? + 1, @v")) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals(i + 1, rs.getInt(1));
                        assertEquals(i, rs.getInt(2));
                    }
                }
                ((org.mariadb.jdbc.Connection) c).reset();
                assertNull(Db.scalarString(c, "SELECT @v"));
            }
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(c));
        }
    }
}
