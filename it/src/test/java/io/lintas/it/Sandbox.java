package io.lintas.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real 3-node Galera cluster run by {@code bin/lintas-sandbox}. {@link #ensureUp()} runs
 * {@code bin/lintas-sandbox start} (idempotent) once per JVM and waits until every node answers the
 * {@code app} user; every test class calls it before it starts Lintas.
 */
public final class Sandbox {
    public static final String HOST = "127.0.0.1";
    public static final int NODE1_PORT = 3311;
    public static final int NODE2_PORT = 3312;
    public static final int NODE3_PORT = 3313;
    public static final List<Integer> NODE_PORTS = List.of(NODE1_PORT, NODE2_PORT, NODE3_PORT);
    public static final String DATABASE = "app";

    private static final long START_TIMEOUT_MINUTES = 15;
    private static final long NODE_READY_TIMEOUT_MS = 90_000;

    private static boolean up;
    private static String failure;

    private Sandbox() {}

    /** The directory the sandbox keeps its state in ({@code LINTAS_SANDBOX_DIR}, default /tmp/lintas-sandbox). */
    public static Path dir() {
        String d = System.getenv("LINTAS_SANDBOX_DIR");
        return Path.of(d == null || d.isBlank() ? "/tmp/lintas-sandbox" : d).toAbsolutePath().normalize();
    }

    /** The CA that signed the nodes' TLS certificate (made by {@code bin/lintas-sandbox start}). */
    public static Path tlsCaFile() {
        return dir().resolve("tls/ca.pem");
    }

    /** Runs {@code sql} as root on node {@code node} over its unix socket; fails the test unless it succeeds. */
    public static void rootSql(int node, String sql) throws Exception {
        Exec.Result r = Exec.run(60, "mariadb", "--no-defaults", "-uroot",
            "-S", dir().resolve("node" + node + "/mariadbd.sock").toString(), "-e", sql);
        if (r.exitCode() != 0) {
            throw new AssertionError("root SQL on node" + node + " failed: " + r);
        }
    }

    /** The repository root, from the {@code lintas.repo} system property (set by it/pom.xml). */
    public static Path repo() {
        String repo = System.getProperty("lintas.repo");
        if (repo == null || repo.isBlank()) {
            throw new IllegalStateException("system property lintas.repo is not set: run the integration tests with "
                + "maven (mvn -B verify), or pass -Dlintas.repo=<repository root>");
        }
        return Path.of(repo).toAbsolutePath().normalize();
    }

    /**
     * Makes sure the sandbox cluster is running: runs {@code bin/lintas-sandbox start} the first time it is
     * called in this JVM, then waits until each node serves the {@code app} user. Throws with the script's
     * output when it fails; later calls fail the same way without running the script again.
     */
    public static synchronized void ensureUp() {
        if (up) {
            // Started once per JVM; still make sure every node serves queries now (cheap when healthy), since
            // the cluster is shared with other users who may restart a node.
            for (int port : NODE_PORTS) {
                waitForNode(port);
            }
            return;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        try {
            runStart();
            for (int port : NODE_PORTS) {
                waitForNode(port);
            }
            up = true;
        } catch (RuntimeException | Error e) {
            failure = e.getMessage();
            throw e;
        }
    }

    private static void runStart() {
        Path repo = repo();
        Path script = repo.resolve("bin/lintas-sandbox");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("cannot run the Galera sandbox: " + script + " is missing or not executable");
        }
        Path out;
        try {
            out = Files.createTempFile("lintas-sandbox-start-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temp file for the sandbox output: " + e, e);
        }
        try {
            Process p = new ProcessBuilder(script.toString(), "start")
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
            if (!p.waitFor(START_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("'bin/lintas-sandbox start' did not finish within " + START_TIMEOUT_MINUTES
                    + " minutes; its output:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("'bin/lintas-sandbox start' failed with exit code " + p.exitValue()
                    + " (the integration tests need the Galera sandbox); its output:\n"
                    + Files.readString(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + " start: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script + " start", e);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a left-over temp file is harmless
            }
        }
    }

    /** Waits until the node on {@code port} accepts the app user and is ready for queries (wsrep_ready). */
    private static void waitForNode(int port) {
        long deadline = System.currentTimeMillis() + NODE_READY_TIMEOUT_MS;
        String last = "never reached";
        while (true) {
            try (Connection c = Db.direct(port);
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'wsrep_ready'")) {
                if (rs.next() && "ON".equals(rs.getString(2))) {
                    return;
                }
                last = "wsrep_ready is not ON";
            } catch (SQLException e) {
                last = e.getMessage();
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("sandbox node on port " + port + " is not usable after 'bin/lintas-sandbox "
                    + "start' (waited " + NODE_READY_TIMEOUT_MS / 1000 + " s): " + last);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** The output of {@code bin/lintas-sandbox status} (for failure reports: was a node down?). */
    public static String status() {
        try {
            Exec.Result r = Exec.run(20, repo().resolve("bin/lintas-sandbox").toString(), "status");
            return r.stdout() + (r.exitCode() == 0 ? "" : "(status exit code " + r.exitCode() + ": not all 3 nodes Synced)\n"
                + r.stderr());
        } catch (Exception | AssertionError e) {
            return "(cannot run bin/lintas-sandbox status: " + e + ")";
        }
    }
}
