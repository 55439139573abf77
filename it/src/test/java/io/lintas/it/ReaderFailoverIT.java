package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Readers that stop serving: a frozen reader (SIGSTOP) loses its reads to the other reader without a single
 * failed read; a desynced reader (OFFLINE_SOFT) gets no new work; an isolated writer is dropped and writes move on.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(300)
class ReaderFailoverIT {
    private static LintasProcess lintas;

    @BeforeAll
    static void start() {
        lintas = LintasProcess.builder().name("ReaderFailoverIT")
            .monitor("interval_ms: 100", "timeout_ms: 300", "max_failures: 2", "failback_after_ms: 2000")
            .yaml("routing:\n  consistency: eventual\n  failover_wait_ms: 10000\n").start();
    }

    @AfterAll
    static void stop() {
        if (lintas != null) {
            lintas.close();
        }
        Sandbox.ensureUp();
    }

    @Test
    void aFrozenReaderLosesItsReadsAndNoReadFails() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger reads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> readers = new ArrayList<>();
        try {
            for (int t = 0; t < 4; t++) {
                readers.add(pool.submit(() -> {
                    try (Connection c = Db.viaLintas(lintas)) {
                        while (running.get()) {
                            try {
                                Db.port(c);
                                reads.incrementAndGet();
                            } catch (SQLException e) {
                                failures.add(e.getErrorCode() + " " + e.getMessage());
                            }
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(500);
            int from = lintas.log().length();
            sandbox("pause", "1");
            try {
                awaitLog(from, "node=node1 state ONLINE -> OFFLINE_HARD", Duration.ofSeconds(20));
                Thread.sleep(200); // the log line comes just before the new topology is published
                // Once node1 is out, every read lands on node2.
                try (Connection c = Db.viaLintas(lintas)) {
                    for (int i = 0; i < 10; i++) {
                        assertEquals(Sandbox.NODE2_PORT, Db.port(c));
                    }
                }
                Thread.sleep(1000);
            } finally {
                sandbox("resume", "1");
            }
            awaitLog(from, "node=node1 state OFFLINE_HARD -> ONLINE", Duration.ofSeconds(60));
            running.set(false);
            for (Future<?> f : readers) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertTrue(failures.isEmpty(), "failed reads: " + failures);
            assertTrue(reads.get() > 20, "reads ran: " + reads.get());
            awaitReader(Sandbox.NODE1_PORT, Duration.ofSeconds(20));
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
    }

    @Test
    void aDesyncedReaderGetsNoNewWork() throws Exception {
        int from = lintas.log().length();
        Sandbox.rootSql(1, "SET GLOBAL wsrep_desync = ON");
        try {
            awaitLog(from, "node=node1 state ONLINE -> OFFLINE_SOFT", Duration.ofSeconds(20));
            Thread.sleep(200);
            try (Connection c = Db.viaLintas(lintas)) {
                for (int i = 0; i < 10; i++) {
                    assertEquals(Sandbox.NODE2_PORT, Db.port(c));
                }
            }
        } finally {
            Sandbox.rootSql(1, "SET GLOBAL wsrep_desync = OFF");
        }
        awaitLog(from, "node=node1 state OFFLINE_SOFT -> ONLINE", Duration.ofSeconds(30));
        awaitReader(Sandbox.NODE1_PORT, Duration.ofSeconds(20));
    }

    @Test
    void anIsolatedWriterIsDroppedAndWritesMoveOn() throws Exception {
        int from = lintas.log().length();
        Sandbox.rootSql(3, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'");
        try {
            awaitLog(from, "node=node3 state ONLINE -> OFFLINE_HARD", Duration.ofSeconds(30));
            long t0 = System.nanoTime();
            while (true) {
                try (Connection c = Db.viaLintas(lintas)) {
                    if (Db.writerPort(c) == Sandbox.NODE2_PORT) {
                        break;
                    }
                } catch (SQLException e) {
                    // the cluster is re-forming without node3
                }
                if (System.nanoTime() - t0 > Duration.ofSeconds(30).toNanos()) {
                    fail("writes did not move to node2");
                }
                Thread.sleep(100);
            }
        } finally {
            Sandbox.rootSql(3, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'");
        }
        awaitLog(from, "reason=\"failback: node3", Duration.ofSeconds(120));
    }

    private static void awaitReader(int port, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        try (Connection c = Db.viaLintas(lintas)) {
            while (System.nanoTime() < deadline) {
                if (Db.port(c) == port) {
                    return;
                }
                Thread.sleep(20);
            }
        }
        fail("no read reached port " + port + " within " + limit.toSeconds() + " s");
    }

    private static void awaitLog(String text, Duration limit) throws InterruptedException {
        awaitLog(0, text, limit);
    }

    /** Waits for {@code text} in the Lintas log after offset {@code from} (what the test itself caused). */
    private static void awaitLog(int from, String text, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            String log = lintas.log();
            if (log.length() > from && log.substring(from).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the Lintas log has no '" + text + "' after " + limit.toSeconds() + " s");
    }

    private static void sandbox(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Sandbox.repo().resolve("bin/lintas-sandbox").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Exec.Result r = Exec.run(120, cmd);
        assertEquals(0, r.exitCode(), () -> "bin/lintas-sandbox " + String.join(" ", args) + ": " + r);
    }
}
