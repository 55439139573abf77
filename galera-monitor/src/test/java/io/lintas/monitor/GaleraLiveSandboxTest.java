package io.lintas.monitor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.lintas.monitor.Fixtures.N1;
import static io.lintas.monitor.Fixtures.N2;
import static io.lintas.monitor.Fixtures.N3;
import static io.lintas.monitor.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Against the running sandbox cluster (bin/lintas-sandbox), read-only: it never stops, pauses, desyncs or
 * isolates a node, since other tests share the cluster. Skipped when 127.0.0.1:3311 is not reachable.
 */
class GaleraLiveSandboxTest {
    private static final List<BackendNode> NODES = List.of(N1, N2, N3);
    /**
     * Default settings but a 2 s check timeout: these tests are about what the checks find, not how fast they
     * are (speed belongs in benchmarks), and a 200 ms timeout fails spuriously on a CPU-starved shared machine.
     */
    private static final MonitorSettings SETTINGS = MonitorSettings.builder().user("monitor").password("monitor")
        .timeoutMs(2000).build();
    private GaleraMonitor monitor;

    @BeforeAll
    static void sandboxRunning() {
        assumeTrue(reachable(3311), "sandbox not running on 127.0.0.1:3311");
    }

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
    }

    static boolean reachable(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What each node says right now, checked directly (the test's independent view of the cluster). */
    private static Map<BackendNode, Boolean> healthyNow() {
        NodeHealthEvaluator eval = NodeHealthEvaluator.from(SETTINGS);
        Map<BackendNode, Boolean> out = new LinkedHashMap<>();
        for (BackendNode n : NODES) {
            try (HealthChecker c = new HealthChecker(n, SETTINGS.toBuilder().timeoutMs(1000).build())) {
                CheckResult r = c.check();
                out.put(n, r instanceof CheckResult.Success ok && eval.judge(ok.status()).state() == NodeState.ONLINE);
            }
        }
        return out;
    }

    private GaleraMonitor startMonitor() throws InterruptedException {
        monitor = new GaleraMonitor(SETTINGS, NODES, List.of(N3, N2, N1), List.of(N1, N2));
        monitor.start();
        assertTrue(monitor.awaitFirstTopology(Duration.ofSeconds(5)), "first topology");
        return monitor;
    }

    @Test
    void healthyClusterHasAllNodesOnlineNode3WritingNode1And2Reading() throws Exception {
        // Other tests stop and restart nodes of the shared sandbox, so compare with the cluster as it is:
        // wait (bounded) until the cluster is whole and the monitor agrees; skip if it never is whole.
        startMonitor();
        Map<BackendNode, NodeState> allOnline = Map.of(N1, NodeState.ONLINE, N2, NodeState.ONLINE, N3, NodeState.ONLINE);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Map<BackendNode, Boolean> direct = healthyNow();
        while (System.nanoTime() < deadline) {
            Topology t = monitor.current();
            if (!direct.containsValue(false) && t.states().equals(allOnline) && t.writer().equals(Optional.of(N3))) {
                break;
            }
            Thread.sleep(250);
            direct = healthyNow();
        }
        assumeTrue(!direct.containsValue(false), "sandbox not fully healthy (another test may have stopped a node): " + direct);
        Topology t = monitor.current();
        assertEquals(allOnline, t.states(), t.toString());
        assertEquals(Optional.of(N3), t.writer());
        assertEquals(List.of(N1, N2), t.readers());
        assertTrue(monitor.history().stream().anyMatch(e -> e.logLine().startsWith("writer none -> ")));
    }

    @Test
    void healthyNodesPassTheirChecks() throws Exception {
        Map<BackendNode, Boolean> before = healthyNow();
        startMonitor();
        Thread.sleep(3000); // about 12 checks per node at the default 250 ms
        Map<BackendNode, Boolean> after = healthyNow();
        List<Long> micros = new ArrayList<>();
        for (BackendNode n : NODES) {
            List<CheckLogEntry> log = monitor.checkLog(n);
            for (CheckLogEntry e : log) {
                // A node that is restarting answers too (non-Primary, state 0): that is a success of the check.
                if (e.result() instanceof CheckResult.Success ok) {
                    micros.add(ok.latency().toNanos() / 1000);
                }
            }
            // Another test may stop a node meanwhile; a node healthy before and after should not fail checks.
            // A timeout is left out: on a CPU-starved shared machine even 2 s can pass, and what this test is
            // about is what the checks find when the node does answer.
            if (before.get(n) && after.get(n)) {
                long failed = log.stream()
                    .filter(e -> e.result() instanceof CheckResult.Failure f && !f.timedOut()).count();
                assertEquals(0, failed, n + " failed " + failed + " checks: " + log);
            }
        }
        assumeFalse(micros.isEmpty(), "no healthy node to measure");
        micros.sort(Long::compare);
        long p50 = micros.get(micros.size() / 2);
        long p99 = micros.get(Math.min(micros.size() - 1, (int) Math.ceil(micros.size() * 0.99) - 1));
        long max = micros.get(micros.size() - 1);
        System.out.printf("live check latency over %d checks: p50=%.2f ms p99=%.2f ms max=%.2f ms%n",
            micros.size(), p50 / 1000.0, p99 / 1000.0, max / 1000.0);
    }

    @Test
    void aClosedPortGoesOfflineHardQuicklyAndLeavesTheRestAlone() throws Exception {
        assumeFalse(reachable(3399), "127.0.0.1:3399 is unexpectedly open");
        startMonitor();
        BackendNode dead = new BackendNode("node9", "127.0.0.1", 3399);
        long t0 = System.nanoTime();
        monitor.setNodes(List.of(N1, N2, N3, dead), List.of(N3, N2, N1), List.of(N1, N2, dead));
        long budget = SETTINGS.intervalMs() * SETTINGS.maxFailures() + SETTINGS.timeoutMs();
        await(Duration.ofSeconds(5), () -> monitor.current().stateOf(dead) == NodeState.OFFLINE_HARD, "node9 OFFLINE_HARD");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("closed port 127.0.0.1:3399 OFFLINE_HARD after %d ms (budget interval*max_failures+timeout=%d ms)%n",
            ms, budget);
        assertTrue(!monitor.current().writer().equals(Optional.of(dead)));
        assertTrue(!monitor.current().readers().contains(dead));
        String reason = monitor.nodeStatuses().stream().filter(s -> s.node().equals(dead)).findFirst().orElseThrow().reason();
        System.out.println("node9 reason: " + reason);
        assertTrue(reason.toLowerCase().contains("refused") || reason.toLowerCase().contains("connect"), reason);
    }

    @Test
    void aDataPathReportAgainstAHealthyNodeDoesNotTakeItOut() throws Exception {
        assumeTrue(healthyNow().get(N1), "node1 not healthy right now");
        // A generous timeout: this is about the report not flipping the state by itself, and a check that
        // misses 200 ms on an overloaded shared machine would (rightly) confirm the report.
        monitor = new GaleraMonitor(SETTINGS.toBuilder().timeoutMs(1000).build(), NODES, List.of(N3, N2, N1), List.of(N1, N2));
        monitor.start();
        assertTrue(monitor.awaitFirstTopology(Duration.ofSeconds(5)), "first topology");
        java.time.Instant reported = java.time.Instant.now();
        monitor.reportFailure(N1, "connection reset (test)");
        await(Duration.ofSeconds(15), () -> monitor.checkLog(N1).stream().anyMatch(e -> e.at().isAfter(reported)),
            "a check of node1 after the report");
        assumeTrue(healthyNow().get(N1), "node1 went down meanwhile");
        assertEquals(NodeState.ONLINE, monitor.current().stateOf(N1));
    }

    @Test
    void directCheckLatency() {
        Map<BackendNode, Boolean> direct = healthyNow();
        assumeTrue(direct.get(N1), "node1 not healthy right now");
        try (HealthChecker c = new HealthChecker(N1, SETTINGS)) {
            c.check(); // warm the pool's connection
            List<Long> micros = new ArrayList<>();
            int failed = 0;
            for (int i = 0; i < 200; i++) {
                CheckResult r = c.check();
                if (r instanceof CheckResult.Success) {
                    micros.add(r.latency().toNanos() / 1000);
                } else {
                    failed++;
                }
            }
            if (failed > 0) {
                assumeTrue(healthyNow().get(N1), "node1 went down during the measurement");
            }
            assertEquals(0, failed, "failed checks against a healthy node1");
            micros.sort(Long::compare);
            System.out.printf("direct node1 check latency over 200 back-to-back checks: p50=%.2f ms p99=%.2f ms max=%.2f ms%n",
                micros.get(100) / 1000.0, micros.get(197) / 1000.0, micros.get(199) / 1000.0);
        }
    }
}
