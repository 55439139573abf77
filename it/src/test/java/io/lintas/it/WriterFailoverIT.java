package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills the writer (node3) of the real sandbox and watches new sessions move to node2, a session on node3
 * fail at once, and writes return to node3 after the failback delay — or stay on node2 with failback off.
 */
@ExtendWith(LintasLogOnFailure.class)
class WriterFailoverIT {

    @AfterAll
    static void healCluster() throws Exception {
        sandbox(120, "restart", "3");
        Sandbox.ensureUp();
    }

    @Test
    void writesMoveToTheNextLowestNodeAndBack() throws Exception {
        Sandbox.ensureUp();
        try (LintasProcess back = LintasProcess.builder().name("WriterFailoverIT-failback")
                 .monitor("interval_ms: 100", "timeout_ms: 300", "max_failures: 2", "failback_after_ms: 3000").start();
             LintasProcess stay = LintasProcess.builder().name("WriterFailoverIT-nofailback")
                 .monitor("interval_ms: 100", "timeout_ms: 300", "max_failures: 2", "failback: false").start()) {
            assertEquals(Sandbox.NODE3_PORT, writerPort(back));
            assertEquals(Sandbox.NODE3_PORT, writerPort(stay));

            String table = Db.uniqueName("failover");
            try (Connection c = Db.direct(Sandbox.NODE3_PORT); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + table + " (v INT, port INT)");
            }
            try (Connection onNode3 = Db.viaLintas(back); Connection stateless = Db.viaLintas(back)) {
                // A transaction ties onNode3 to node3; stateless holds nothing between statements.
                onNode3.setAutoCommit(false);
                Db.exec(onNode3, "INSERT INTO " + table + " VALUES (0, @@port)");
                assertEquals(Sandbox.NODE3_PORT, Db.writerPort(onNode3));
                assertEquals(Sandbox.NODE3_PORT, Db.writerPort(stateless));
                // Inserts run through Lintas all along: every one that was acknowledged must survive the failover.
                java.util.concurrent.ConcurrentLinkedQueue<Integer> acknowledged = new java.util.concurrent.ConcurrentLinkedQueue<>();
                java.util.concurrent.atomic.AtomicBoolean inserting = new java.util.concurrent.atomic.AtomicBoolean(true);
                Thread inserter = new Thread(() -> {
                    try (Connection w = Db.viaLintas(back)) {
                        for (int v = 1000; inserting.get(); v++) {
                            try (Statement st = w.createStatement()) {
                                st.executeUpdate("INSERT INTO " + table + " VALUES (" + v + ", @@port)");
                                acknowledged.add(v);
                            } catch (SQLException e) {
                                // not acknowledged: it may or may not have committed
                            }
                        }
                    } catch (SQLException e) {
                        throw new RuntimeException(e);
                    }
                }, "inserter");
                inserter.start();
                Thread.sleep(300);
                long killedAt = System.nanoTime();
                sandbox(60, "kill", "3");

                // The session whose transaction died with node3 gets an error at once, not after a TCP timeout.
                long t0 = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> {
                    try (Statement st = onNode3.createStatement()) {
                        st.executeQuery("SELECT 1").close();
                    }
                });
                long errorMs = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(errorMs < 2000, "error after " + errorMs + " ms: " + e);

                // A session without state just goes on: its next write waits for the new writer and runs there.
                try (Statement st = stateless.createStatement()) {
                    st.executeUpdate("INSERT INTO " + table + " VALUES (1, @@port)");
                }
                assertEquals(Sandbox.NODE2_PORT, Db.scalarLong(stateless, "SELECT port FROM " + table + " WHERE v = 1"));

                // New sessions go to node2, the next node of the writer order.
                awaitWriter(back, p -> p == Sandbox.NODE2_PORT, Duration.ofSeconds(20));
                awaitWriter(stay, p -> p == Sandbox.NODE2_PORT, Duration.ofSeconds(20));
                System.out.printf("writer moved to node2 %d ms after kill -9 of node3%n",
                    (System.nanoTime() - killedAt) / 1_000_000);
                Thread.sleep(500);
                inserting.set(false);
                inserter.join(30_000);
                try (Connection n2 = Db.direct(Sandbox.NODE2_PORT); Statement st = n2.createStatement();
                     java.sql.ResultSet rs = st.executeQuery("SELECT v FROM " + table + " WHERE v >= 1000")) {
                    java.util.Set<Integer> stored = new java.util.HashSet<>();
                    while (rs.next()) {
                        stored.add(rs.getInt(1));
                    }
                    java.util.List<Integer> lost = acknowledged.stream().filter(v -> !stored.contains(v)).toList();
                    System.out.printf("inserts acknowledged during the failover: %d, lost: %d%n", acknowledged.size(), lost.size());
                    assertTrue(acknowledged.size() > 10, "inserts ran: " + acknowledged.size());
                    assertTrue(lost.isEmpty(), "acknowledged but lost: " + lost);
                }
            }

            sandbox(180, "restart", "3");
            Sandbox.ensureUp();
            long returnedAfter = awaitWriter(back, p -> p == Sandbox.NODE3_PORT, Duration.ofSeconds(30));
            System.out.printf("writer back on node3 %d ms after node3 was Synced again%n", returnedAfter);
            assertTrue(back.log().matches("(?s).*writer node[12] -> node3 reason=\"failback.*"), "failback is logged");
            // failback: false keeps writes off node3 although it has been healthy longer than the other's delay.
            // (Usually on node2; node1 when node2 was node3's IST donor, since a donor takes no new work.)
            int kept = writerPort(stay);
            assertTrue(kept == Sandbox.NODE2_PORT || kept == Sandbox.NODE1_PORT, "without failback writes stay off node3: " + kept);
            assertTrue(back.log().contains("node=node3 state ONLINE -> OFFLINE_HARD"), "the state change is logged");
            Db.dropTables(table);
        }
    }

    @Test
    void aStatementOnAFrozenWriterFailsAsSoonAsTheMonitorTakesItOut() throws Exception {
        Sandbox.ensureUp();
        try (LintasProcess lintas = LintasProcess.builder().name("WriterFailoverIT-frozen")
                 .monitor("interval_ms: 100", "timeout_ms: 300", "max_failures: 2").start();
             Connection onNode3 = Db.viaLintas(lintas)) {
            Db.exec(onNode3, "SET @held = 1"); // state on its node3 connection: the session stays there
            assertEquals(Sandbox.NODE3_PORT, Db.port(onNode3));
            sandbox(60, "pause", "3");
            try {
                // SIGSTOP sends no RST: without the monitor this statement would wait for the client's socket timeout.
                long t0 = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> {
                    try (Statement st = onNode3.createStatement()) {
                        st.executeQuery("SELECT 1").close();
                    }
                });
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("statement on the frozen writer failed after %d ms: %s%n", ms, e.getMessage());
                assertTrue(ms < 5000, "failed after " + ms + " ms: " + e);
                assertTrue(lintas.log().contains("node=node3 state ONLINE -> OFFLINE_HARD"), "node3 was taken out");
                awaitWriter(lintas, p -> p == Sandbox.NODE2_PORT, Duration.ofSeconds(20));
            } finally {
                sandbox(60, "resume", "3");
            }
        }
    }

    /**
     * Writes go down the writer order as nodes fail: node3, then node2, then node1. A node that shuts down
     * cleanly leaves the cluster, which keeps its quorum, so node1 takes writes on its own; after a crash of
     * the second of two nodes, node1 alone is not a Primary component: writes then fail with a clear error (at
     * once, once the outage outlasts routing.failover_wait_ms) until the operator bootstraps node1.
     */
    @Test
    void writesFollowTheWriterOrderDownToNode1() throws Exception {
        Sandbox.ensureUp();
        try (LintasProcess lintas = LintasProcess.builder().name("WriterFailoverIT-chain")
                 .monitor("interval_ms: 100", "timeout_ms: 300", "max_failures: 2", "failback_after_ms: 1000")
                 .yaml("routing:\n  failover_wait_ms: 1000\n").start()) {
            assertEquals(Sandbox.NODE3_PORT, writerPort(lintas));
            String table = Db.uniqueName("chain");
            try (Connection c = Db.direct(Sandbox.NODE3_PORT); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + table + " (v INT, port INT)");
            }
            try {
                sandbox(60, "kill", "3");
                awaitWriter(lintas, p -> p == Sandbox.NODE2_PORT, Duration.ofSeconds(20));
                // Galera evicts the dead node3 after its suspect timeout; a node that leaves before that leaves
                // node1 with one of two live votes among three members, which is no quorum.
                awaitClusterSize(Sandbox.NODE1_PORT, 2, Duration.ofSeconds(30));

                // node2 stops cleanly: node1 stays Primary and takes the writes.
                sandbox(120, "shutdown", "2");
                awaitWriter(lintas, p -> p == Sandbox.NODE1_PORT, Duration.ofSeconds(20));
                try (Connection c = Db.viaLintas(lintas)) {
                    Db.exec(c, "INSERT INTO " + table + " VALUES (1, @@port)");
                    assertEquals(Sandbox.NODE1_PORT, Db.scalarLong(c, "SELECT port FROM " + table + " WHERE v = 1"));
                }
                assertTrue(lintas.log().matches("(?s).*writer (node2|none) -> node1 .*"), "the writer move is logged");

                // node2 comes back and, being preferred, takes the writes again after the failback delay.
                sandbox(180, "restart", "2");
                awaitWriter(lintas, p -> p == Sandbox.NODE2_PORT, Duration.ofSeconds(30));

                // Now node2 crashes: node1 is left alone, without quorum (non-Primary). Nothing is sent to it.
                Connection open = Db.viaLintas(lintas); // a session that outlives the outage
                sandbox(60, "kill", "2");
                String error = awaitWriteError(lintas, table, Duration.ofSeconds(30));
                assertTrue(error.contains("Primary component") || error.contains("can take writes"), error);
                Thread.sleep(1200); // the outage is now older than failover_wait_ms (1000)
                long t0 = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> Db.exec(open, "INSERT INTO " + table + " VALUES (2, @@port)"));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(e.getMessage().contains("No database node can take writes"), e.getMessage());
                open.close();
                System.out.printf("write without a Primary component refused after %d ms: %s%n", ms, e.getMessage());
                assertTrue(ms < 500, "an outage older than failover_wait_ms fails at once, took " + ms + " ms");

                // The operator makes node1 a Primary component of its own: writes go there.
                Sandbox.rootSql(1, "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'");
                awaitWriter(lintas, p -> p == Sandbox.NODE1_PORT, Duration.ofSeconds(20));
                try (Connection c = Db.viaLintas(lintas)) {
                    Db.exec(c, "INSERT INTO " + table + " VALUES (3, @@port)");
                    assertEquals(Sandbox.NODE1_PORT, Db.scalarLong(c, "SELECT port FROM " + table + " WHERE v = 3"));
                }
            } finally {
                sandbox(180, "restart", "2");
                sandbox(180, "restart", "3");
                Sandbox.ensureUp();
            }
            awaitWriter(lintas, p -> p == Sandbox.NODE3_PORT, Duration.ofSeconds(30));
            try (Connection c = Db.direct(Sandbox.NODE3_PORT)) {
                assertEquals(2, Db.scalarLong(c, "SELECT COUNT(*) FROM " + table), "both acknowledged writes are on node3");
            }
            Db.dropTables(table);
        }
    }

    private static void awaitClusterSize(int port, int size, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try (Connection c = Db.direct(port); Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'wsrep_cluster_size'")) {
                if (rs.next() && rs.getInt(2) == size) {
                    return;
                }
                last = "size " + rs.getString(2);
            } catch (SQLException e) {
                last = e.getMessage();
            }
            Thread.sleep(100);
        }
        fail("the cluster seen from port " + port + " did not shrink to " + size + " within " + limit.toSeconds() + " s: " + last);
    }

    /** Tries writes until one fails fast with an error (the monitor has seen node1 lose its quorum); returns it. */
    private static String awaitWriteError(LintasProcess lintas, String table, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no attempt";
        while (System.nanoTime() < deadline) {
            try (Connection c = Db.viaLintas(lintas)) {
                Db.exec(c, "SELECT 1 FROM " + table + " LIMIT 1 FOR UPDATE");
                last = "a write-routed statement still ran";
            } catch (SQLException e) {
                if (e.getErrorCode() == 9001 && e.getMessage().contains("No database node")) {
                    return e.getMessage();
                }
                last = e.getErrorCode() + " " + e.getMessage();
            }
            Thread.sleep(100);
        }
        fail("writes did not fail with a clear error within " + limit.toSeconds() + " s; last: " + last);
        return null;
    }

    private static int writerPort(LintasProcess lintas) throws SQLException {
        try (Connection c = Db.viaLintas(lintas)) {
            return Db.writerPort(c);
        }
    }

    /** Opens new sessions until one lands on a port matching {@code want}; returns the ms it took. */
    private static long awaitWriter(LintasProcess lintas, IntPredicate want, Duration limit) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        String last = "no attempt";
        while (System.nanoTime() < deadline) {
            try {
                int port = writerPort(lintas);
                if (want.test(port)) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
                last = "landed on " + port;
            } catch (SQLException e) {
                last = e.getErrorCode() + " " + e.getMessage();
            }
            Thread.sleep(50);
        }
        fail("no session landed on the expected node within " + limit.toSeconds() + " s; last: " + last);
        return -1;
    }

    private static void sandbox(long timeoutSeconds, String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Sandbox.repo().resolve("bin/lintas-sandbox").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Exec.Result r = Exec.run(timeoutSeconds, cmd);
        assertEquals(0, r.exitCode(), () -> "bin/lintas-sandbox " + String.join(" ", args) + ": " + r);
    }
}
