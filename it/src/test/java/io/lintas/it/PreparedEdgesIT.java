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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server-side prepared statements at their edges, each checked against a direct connection to node3: the
 * schema a statement was prepared in, and a cursor that stays open while the session prepares more statements
 * than a backend connection keeps ({@code backend.max_prepared_statements: 2}).
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(240)
class PreparedEdgesIT {
    private static LintasProcess lintas;

    @BeforeAll
    static void start() {
        lintas = LintasProcess.builder().name("PreparedEdgesIT").proxy("io_threads: 1")
            .backend("max_prepared_statements: 2").yaml("""
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

    private interface Steps {
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code steps} on a direct node3 connection, then through Lintas, both opened by {@code url(port)}. */
    private static void directAndThroughLintas(java.util.function.IntFunction<String> url, Steps steps) throws SQLException {
        try (Connection c = DriverManager.getConnection(url.apply(Sandbox.NODE3_PORT), Db.USER, Db.PASSWORD)) {
            steps.run(c);
        }
        try (Connection c = DriverManager.getConnection(url.apply(lintas.port()), Db.USER, Db.PASSWORD)) {
            steps.run(c);
        }
    }

    /**
     * A prepared statement names its tables in the schema it was prepared in: after {@code USE} of another
     * schema it still reads the same table (MariaDB re-prepares in the original schema too).
     */
    @Test
    void aStatementKeepsTheSchemaItWasPreparedIn() throws SQLException {
        String table = Db.uniqueName("psedge_schema");
        try {
            try (Connection c = Db.direct(Sandbox.NODE3_PORT)) {
                Db.exec(c, "CREATE TABLE " + table + " (v INT)");
                Db.exec(c, "INSERT INTO " + table + " VALUES (1), (2), (3)");
            }
            directAndThroughLintas(port -> Db.url(port, "useServerPrepStmts=true"), c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE v > ?")) {
                    ps.setInt(1, 0);
                    assertEquals(3, count(ps));
                    Db.exec(c, "USE information_schema");
                    for (int i = 0; i < 4; i++) { // on each reader's connection
                        ps.setInt(1, 1);
                        assertEquals(2, count(ps));
                    }
                    Db.exec(c, "USE app");
                }
            });
        } finally {
            Db.dropTables(table);
        }
    }

    /**
     * A cursor (Connector/J's useCursorFetch) stays readable while the session prepares and runs more statements
     * than {@code max_prepared_statements} on the connection that holds it.
     */
    @Test
    void anOpenCursorSurvivesMoreStatementsThanTheConnectionKeeps() throws SQLException {
        directAndThroughLintas(port -> "jdbc:mysql://127.0.0.1:" + port + "/app?useServerPrepStmts=true&useCursorFetch=true"
            + "&sslMode=DISABLED&cachePrepStmts=false&connectTimeout=10000&socketTimeout=60000", c -> {
            try (PreparedStatement cursor = c.prepareStatement("SELECT seq FROM seq_1_to_1000 WHERE seq > ? ORDER BY seq")) {
                cursor.setFetchSize(10);
                cursor.setInt(1, 0);
                try (ResultSet rs = cursor.executeQuery()) {
                    long expected = 1;
                    for (int i = 0; i < 15; i++) {
                        assertTrue(rs.next());
                        assertEquals(expected++, rs.getLong(1));
                    }
                    for (int k = 0; k < 5; k++) {
                        try (PreparedStatement other = c.prepareStatement("SELECT ? + " + k)) {
                            other.setInt(1, 1);
                            try (ResultSet o = other.executeQuery()) {
                                assertTrue(o.next());
                                assertEquals(1 + k, o.getLong(1));
                            }
                        }
                    }
                    while (rs.next()) {
                        assertEquals(expected++, rs.getLong(1));
                    }
                    assertEquals(1001, expected);
                }
            }
        });
    }

    private static long count(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }
}
