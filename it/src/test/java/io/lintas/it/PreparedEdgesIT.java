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
            Db.execDirect("CREATE TABLE " + table + " (v INT)",
                "INSERT INTO " + table + " VALUES (1), (2), (3)");
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

    /**
     * Connector/J sends parameter types only when they change: an execute without them must run with the types
     * this statement last sent, whichever connection (and whatever types bound there before) runs it.
     */
    @Test
    void parameterTypesFollowTheStatementAcrossConnections() throws SQLException {
        directAndThroughLintas(port -> "jdbc:mysql://127.0.0.1:" + port + "/app?useServerPrepStmts=true"
            + "&sslMode=DISABLED&cachePrepStmts=false&connectTimeout=10000&socketTimeout=60000", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT CONCAT('<', ?, '>'), @@port")) {
                java.util.Set<Integer> ports = new java.util.HashSet<>();
                for (int i = 0; i < 24; i++) {
                    // Three executes with a number, three with a string, and so on: types are sent on a switch.
                    boolean number = (i / 3) % 2 == 0;
                    if (number) {
                        ps.setLong(1, 1000L + i);
                    } else {
                        ps.setString(1, "s" + i);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals("<" + (number ? Long.toString(1000L + i) : "s" + i) + ">", rs.getString(1), "execute " + i);
                        ports.add(rs.getInt(2));
                    }
                }
                assertTrue(ports.size() > 1 || ports.contains(Sandbox.NODE3_PORT), "ran on " + ports);
            }
        });
    }

    /**
     * The same at the protocol level (as mysqlnd and Connector/C do): types are sent on the first execute and
     * when they change, and left out otherwise. Executes without types must decode with the types this statement
     * last sent, on every connection Lintas runs them on.
     */
    @Test
    void executesWithoutTypesUseTheTypesLastSent() throws Exception {
        for (int port : new int[] {Sandbox.NODE3_PORT, lintas.port()}) {
            try (RawClient c = RawClient.login(port, Db.USER, Db.PASSWORD, "app")) {
                int id = rawPrepare(c, "SELECT CONCAT('<', ?, '>', @@port)");
                java.util.Set<String> ports = new java.util.HashSet<>();
                for (int i = 0; i < 8; i++) {
                    String r = rawExecute(c, id, i == 0, longValue(1000 + i), 8);
                    assertTrue(r.startsWith("<" + (1000 + i) + ">"), port + ": execute " + i + " gave " + r);
                    ports.add(r.substring(r.indexOf('>') + 1));
                }
                for (int i = 0; i < 8; i++) {
                    String v = "text" + i;
                    String r = rawExecute(c, id, i == 0, stringValue(v), 0xFD);
                    assertTrue(r.startsWith("<" + v + ">"), port + ": execute " + (8 + i) + " gave " + r);
                    ports.add(r.substring(r.indexOf('>') + 1));
                }
                if (port == lintas.port()) {
                    assertTrue(ports.size() > 1, "the executes ran on both readers: " + ports);
                }
            }
        }
    }

    private static byte[] longValue(long v) {
        return java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] stringValue(String v) {
        byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = new byte[1 + b.length];
        out[0] = (byte) b.length;
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    /** COM_STMT_PREPARE of a one-parameter, one-column statement; returns its id (the client has no DEPRECATE_EOF). */
    private static int rawPrepare(RawClient c, String sql) throws java.io.IOException {
        byte[] text = sql.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] payload = new byte[1 + text.length];
        payload[0] = 0x16;
        System.arraycopy(text, 0, payload, 1, text.length);
        c.writeFrame(0, payload);
        RawClient.Frame ok = c.readFrame();
        assertEquals(0, ok.payload()[0] & 0xFF, "prepare: " + ok);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(ok.payload()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int id = b.getInt(1);
        int columns = b.getShort(5);
        int params = b.getShort(7);
        assertEquals(1, params);
        for (int i = 0; i < params + 1 + columns + 1; i++) { // definitions, each list ended by an EOF
            c.readFrame();
        }
        return id;
    }

    /** COM_STMT_EXECUTE with one parameter (its type sent only when {@code sendType}); the one string column of the row. */
    private static String rawExecute(RawClient c, int id, boolean sendType, byte[] value, int type) throws java.io.IOException {
        java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
        p.write(0x17);
        p.write(id & 0xFF);
        p.write(id >> 8 & 0xFF);
        p.write(id >> 16 & 0xFF);
        p.write(id >> 24 & 0xFF);
        p.write(0); // no cursor
        p.write(1);
        p.write(0);
        p.write(0);
        p.write(0); // iteration count
        p.write(0); // null bitmap
        p.write(sendType ? 1 : 0);
        if (sendType) {
            p.write(type);
            p.write(0);
        }
        p.write(value, 0, value.length);
        c.writeFrame(0, p.toByteArray());
        RawClient.Frame first = c.readFrame();
        if (first.isErr()) {
            return "ERR " + first.errorCode() + " " + first.errorMessage();
        }
        c.readFrame(); // column definition
        c.readFrame(); // EOF
        RawClient.Frame row = c.readFrame();
        RawClient.Frame end = c.readFrame();
        assertEquals(0xFE, end.payload()[0] & 0xFF, "one row, then EOF");
        byte[] r = row.payload();
        int length = r[2] & 0xFF; // header 0x00, null bitmap, then a short length-encoded string
        return new String(r, 3, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static long count(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }
}
