package io.lintas.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** JDBC helpers shared by the integration tests (MariaDB Connector/J, the real driver). */
public final class Db {
    public static final String USER = "app";
    public static final String PASSWORD = "app";

    /** Options every test connection gets: bounded waits, so a proxy bug fails a test instead of hanging it. */
    private static final String BASE_OPTIONS = "connectTimeout=10000&socketTimeout=60000";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN_ID = Long.toString(ProcessHandle.current().pid(), 36)
        + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);

    private Db() {}

    /** {@code jdbc:mariadb://127.0.0.1:port/app?...}; {@code options} is appended (may be empty). */
    public static String url(int port, String options) {
        return "jdbc:mariadb://" + Sandbox.HOST + ":" + port + "/" + Sandbox.DATABASE + "?" + BASE_OPTIONS
            + (options == null || options.isEmpty() ? "" : "&" + options);
    }

    /** A connection through Lintas as app/app; {@code options} are extra URL options ({@code a=b&c=d}). */
    public static Connection viaLintas(LintasProcess lintas, String options) throws SQLException {
        return DriverManager.getConnection(url(lintas.port(), options), USER, PASSWORD);
    }

    /** A connection through Lintas as app/app with default options. */
    public static Connection viaLintas(LintasProcess lintas) throws SQLException {
        return viaLintas(lintas, "");
    }

    /** A direct connection to a sandbox node as app/app (bypassing Lintas). */
    public static Connection direct(int nodePort) throws SQLException {
        return DriverManager.getConnection(url(nodePort, ""), USER, PASSWORD);
    }

    /** Where a statement that must run on the writer runs: {@code SELECT @@port} with the writer hint. */
    public static int writerPort(Connection c) throws SQLException {
        return (int) scalarLong(c, "/* lintas:writer */ SELECT @@port");
    }

    /** Where a connection's statements run: {@code SELECT @@port}. */
    public static int port(Connection c) throws SQLException {
        return (int) scalarLong(c, "SELECT @@port");
    }

    /** The first column of the first row, as a long. */
    public static long scalarLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from: " + sql);
            }
            return rs.getLong(1);
        }
    }

    /** The first column of the first row, as a string (null for SQL NULL). */
    public static String scalarString(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from: " + sql);
            }
            return rs.getString(1);
        }
    }

    /** Runs one statement. */
    public static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * A table (or routine) name no other test, test run or concurrent build uses:
     * {@code prefix_<pid+random>_<counter>}.
     */
    public static String uniqueName(String prefix) {
        return prefix + "_" + RUN_ID + "_" + COUNTER.incrementAndGet();
    }

    /** Drops tables through a direct node3 connection (works even when the proxy connection is broken). */
    /** Runs each statement on node3 directly (test set-up), in order. */
    public static void execDirect(String... statements) throws SQLException {
        try (Connection c = direct(Sandbox.NODE3_PORT)) {
            for (String sql : statements) {
                exec(c, sql);
            }
        }
    }

    public static void dropTables(String... tables) {
        try (Connection c = direct(Sandbox.NODE3_PORT); Statement st = c.createStatement()) {
            for (String t : tables) {
                st.execute("DROP TABLE IF EXISTS `" + t + "`");
            }
        } catch (SQLException e) {
            System.err.println("cleanup: cannot drop " + String.join(", ", tables) + ": " + e);
        }
    }

    /** Drops procedures through a direct node3 connection. */
    public static void dropProcedures(String... procedures) {
        try (Connection c = direct(Sandbox.NODE3_PORT); Statement st = c.createStatement()) {
            for (String p : procedures) {
                st.execute("DROP PROCEDURE IF EXISTS `" + p + "`");
            }
        } catch (SQLException e) {
            System.err.println("cleanup: cannot drop " + String.join(", ", procedures) + ": " + e);
        }
    }
}
