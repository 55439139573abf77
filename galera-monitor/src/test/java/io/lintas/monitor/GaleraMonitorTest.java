package io.lintas.monitor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.lintas.monitor.Fixtures.N1;
import static io.lintas.monitor.Fixtures.N2;
import static io.lintas.monitor.Fixtures.N3;
import static io.lintas.monitor.Fixtures.await;
import static io.lintas.monitor.NodeState.OFFLINE_HARD;
import static io.lintas.monitor.NodeState.OFFLINE_SOFT;
import static io.lintas.monitor.NodeState.ONLINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The monitor wired to fake probes: bookkeeping, publication, fast detection, runtime membership. */
class GaleraMonitorTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private final Map<BackendNode, FakeProbe> probes = new ConcurrentHashMap<>();
    private final List<Topology> published = new CopyOnWriteArrayList<>();
    private GaleraMonitor monitor;

    /** Fast polling; a generous timeout so a CPU-starved test machine does not fail checks of healthy fakes. */
    private MonitorSettings.Builder fast() {
        return MonitorSettings.builder().intervalMs(20).timeoutMs(250).failbackAfterMs(300);
    }

    private FakeProbe probe(BackendNode n) {
        return probes.computeIfAbsent(n, k -> new FakeProbe());
    }

    private GaleraMonitor start(MonitorSettings s, Clock clock, BackendNode... nodes) throws InterruptedException {
        monitor = new GaleraMonitor(s, new ClusterLayout(List.of(nodes), List.of(N3, N2, N1), List.of(N1, N2)),
            this::probe, clock);
        monitor.addListener(published::add);
        monitor.start();
        assertTrue(monitor.awaitFirstTopology(WAIT), "first topology");
        return monitor;
    }

    private GaleraMonitor start(MonitorSettings s) throws InterruptedException {
        return start(s, Clock.systemUTC(), N1, N2, N3);
    }

    @AfterEach
    void close() {
        if (monitor != null) {
            monitor.close();
        }
    }

    private void awaitState(BackendNode n, NodeState s) throws InterruptedException {
        await(WAIT, () -> monitor.current().stateOf(n) == s, n.name() + " " + s);
    }

    private void awaitWriter(BackendNode n) throws InterruptedException {
        await(WAIT, () -> monitor.current().writer().equals(Optional.ofNullable(n)), "writer " + n);
    }

    @Test
    void firstTopologyWaitsForEveryNodeSoTheFastestDoesNotWinTheWriterRole() throws Exception {
        probe(N3).delayMs = 40; // answers later than node1/node2, but within the timeout
        start(fast().build());
        Topology first = published.get(0);
        assertEquals(2, first.version(), "Topology.initial is version 1");
        assertEquals(Optional.of(N3), first.writer());
        assertEquals(List.of(N1, N2), first.readers());
        assertEquals(Map.of(N1, ONLINE, N2, ONLINE, N3, ONLINE), first.states());
        assertTrue(monitor.history().stream().anyMatch(e -> e instanceof MonitorEvent.WriterChange w
            && w.from().isEmpty() && w.to().equals(Optional.of(N3))));
    }

    @Test
    void timedOutChecksOfANodeThatAnswersTheDataPathDoNotCount() throws Exception {
        java.util.concurrent.atomic.AtomicLong node1Answered = new java.util.concurrent.atomic.AtomicLong();
        start(fast().maxFailures(2).build());
        monitor.useDataPathLiveness(n -> n.equals(N1) ? node1Answered.get() : 0);
        // A busy machine: node1's checks time out while its statements keep being answered.
        probe(N1).answer = () -> {
            node1Answered.set(System.nanoTime());
            return new CheckResult.Failure("no answer within 250 ms (timeout_ms=250)", Duration.ofMillis(250), true);
        };
        Thread.sleep(300); // ~15 timed-out checks
        assertEquals(ONLINE, monitor.current().stateOf(N1), "a slow check is not a missed one");
        assertTrue(monitor.nodeStatuses().stream().anyMatch(st -> st.node().equals(N1) && st.reason().contains("slow check")),
            monitor.nodeStatuses().toString());

        // Same timeouts, but the node answers nothing on the data path either (frozen): it goes out as before.
        probe(N1).answer = () -> new CheckResult.Failure("no answer within 250 ms (timeout_ms=250)", Duration.ofMillis(250), true);
        awaitState(N1, OFFLINE_HARD);

        // A refused connection counts whatever the data path saw.
        probe(N1).healthy();
        awaitState(N1, ONLINE);
        node1Answered.set(System.nanoTime() + Duration.ofSeconds(60).toNanos());
        probe(N1).failing("Connection refused");
        awaitState(N1, OFFLINE_HARD);
    }

    @Test
    void checksOfMostNodesTimingOutAtOnceHoldTheirStates() throws Exception {
        // Four misses to go out: a margin for the two nodes' loops, which start timing out a few ms apart.
        start(fast().maxFailures(4).build());
        java.util.concurrent.atomic.AtomicBoolean hostStalled = new java.util.concurrent.atomic.AtomicBoolean();
        CheckResult.Failure timeout = new CheckResult.Failure("no answer within 250 ms (timeout_ms=250)",
            Duration.ofMillis(250), true);
        java.util.function.Supplier<CheckResult> stalledOrOk = () -> hostStalled.get() ? timeout : Fixtures.ok();
        probe(N2).answer = stalledOrOk;
        probe(N3).answer = stalledOrOk;
        hostStalled.set(true); // node2's and node3's checks time out together; node1's still answer
        Thread.sleep(300); // ~15 rounds
        assertEquals(ONLINE, monitor.current().stateOf(N2));
        assertEquals(ONLINE, monitor.current().stateOf(N3));
        assertEquals(Optional.of(N3), monitor.current().writer(), "no writer move for a stalled host");
        assertTrue(monitor.nodeStatuses().stream().anyMatch(st -> st.node().equals(N3) && st.reason().contains("stalled")),
            monitor.nodeStatuses().toString());

        // One node timing out among answering ones is a frozen node: it goes out as before.
        probe(N2).healthy();
        awaitState(N3, OFFLINE_HARD);
        awaitWriter(N2);
        assertEquals(ONLINE, monitor.current().stateOf(N2));
    }

    @Test
    void aStallOfMostNodesLongerThanTheHoldIsAnOutage() throws Exception {
        start(fast().maxFailures(4).build()); // timeout_ms 250: the hold lasts max(5 s, 10 timeouts) = 5 s
        CheckResult.Failure timeout = new CheckResult.Failure("no answer within 250 ms (timeout_ms=250)",
            Duration.ofMillis(250), true);
        probe(N1).answer = () -> timeout;
        probe(N2).answer = () -> timeout;
        probe(N3).answer = () -> timeout; // the whole cluster hangs
        Thread.sleep(1_000);
        assertEquals(Optional.of(N3), monitor.current().writer(), "held while it may be this host");
        await(Duration.ofSeconds(10), () -> monitor.current().stateOf(N3) == OFFLINE_HARD, "node3 out after the hold");
        assertEquals(Optional.empty(), monitor.current().writer());
    }

    @Test
    void publishesOnlyOnChangeWithIncreasingVersions() throws Exception {
        start(fast().build());
        Thread.sleep(200); // ~10 check rounds, nothing changes
        assertEquals(1, published.size(), "no new snapshot without a change");

        probe(N1).failing("Connection refused");
        awaitState(N1, OFFLINE_HARD);
        Topology t = monitor.current();
        assertEquals(List.of(N2), t.readers());
        assertEquals(Optional.of(N3), t.writer());

        probe(N1).healthy();
        awaitState(N1, ONLINE);
        for (int i = 1; i < published.size(); i++) {
            assertTrue(published.get(i).version() > published.get(i - 1).version(), "versions increase");
        }
        assertEquals(monitor.current(), published.get(published.size() - 1));
    }

    @Test
    void writerFailsOverDownTheOrderAndFailsBackAfterTheDelay() throws Exception {
        Fixtures.MutableClock clock = new Fixtures.MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        start(fast().build(), clock, N1, N2, N3);

        probe(N3).failing("Connection refused");
        awaitWriter(N2);
        assertEquals(List.of(N1), monitor.current().readers());
        probe(N2).failing("Connection refused");
        awaitWriter(N1);
        assertEquals(List.of(N1), monitor.current().readers(), "only node left serves reads");

        probe(N3).healthy();
        probe(N2).healthy();
        awaitState(N3, ONLINE);
        awaitState(N2, ONLINE);
        Thread.sleep(100); // many checks later, but the clock has not moved: no failback yet
        assertEquals(Optional.of(N1), monitor.current().writer());

        clock.advance(Duration.ofMillis(300));
        awaitWriter(N3);
        assertEquals(List.of(N1, N2), monitor.current().readers());

        List<String> writerLines = monitor.history().stream()
            .filter(e -> e instanceof MonitorEvent.WriterChange).map(MonitorEvent::logLine).toList();
        assertEquals(4, writerLines.size(), writerLines.toString());
        assertTrue(writerLines.get(1).startsWith("writer node3 -> node2 reason=\"node3 is OFFLINE_HARD"), writerLines.get(1));
        assertTrue(writerLines.get(3).startsWith("writer node1 -> node3 reason=\"failback: node3"), writerLines.get(3));
    }

    @Test
    void withoutFailbackWritesStayOnTheNewWriter() throws Exception {
        Fixtures.MutableClock clock = new Fixtures.MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        start(fast().failback(false).build(), clock, N1, N2, N3);
        probe(N3).failing("reset");
        awaitWriter(N2);
        probe(N3).healthy();
        awaitState(N3, ONLINE);
        clock.advance(Duration.ofHours(1));
        Thread.sleep(100);
        assertEquals(Optional.of(N2), monitor.current().writer());
    }

    @Test
    void desyncedReaderGoesSoftAndComesBack() throws Exception {
        start(fast().build());
        probe(N1).answering(Fixtures.synced().state(2, "Donor/Desynced").desync(true).build());
        awaitState(N1, OFFLINE_SOFT);
        assertEquals(List.of(N2), monitor.current().readers());
        probe(N1).healthy();
        awaitState(N1, ONLINE);
        assertEquals(List.of(N1, N2), monitor.current().readers());
    }

    @Test
    void failedRecheckAfterDataPathReportIsOfflineHardWithoutWaitingForMaxFailures() throws Exception {
        // Polling once a minute and max_failures=5: only the report can explain a quick OFFLINE_HARD.
        start(fast().intervalMs(60_000).maxFailures(5).build());
        int before = probe(N3).calls.get();
        probe(N3).failing("Connection refused");
        long t0 = System.nanoTime();
        monitor.reportFailure(N3, "connection reset by peer");
        awaitWriter(N2);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // Far below the 60 s poll (how fast is the benchmark's business, not a unit test's).
        assertTrue(ms < 30_000, "took " + ms + " ms");
        assertEquals(before + 1, probe(N3).calls.get(), "exactly one re-check");
        MonitorEvent.StateChange sc = (MonitorEvent.StateChange) monitor.history().stream()
            .filter(e -> e instanceof MonitorEvent.StateChange s && s.to() == OFFLINE_HARD).findFirst().orElseThrow();
        assertTrue(sc.reason().contains("data path reported \"connection reset by peer\""), sc.reason());
    }

    @Test
    void reportIsNotABlindFlipWhenTheRecheckSucceeds() throws Exception {
        start(fast().intervalMs(60_000).build());
        int before = probe(N3).calls.get();
        int snapshots = published.size();
        monitor.reportFailure(N3, "connection reset by peer");
        await(WAIT, () -> probe(N3).calls.get() == before + 1, "re-check");
        Thread.sleep(50);
        assertEquals(ONLINE, monitor.current().stateOf(N3));
        assertEquals(snapshots, published.size());

        // A later report whose re-check fails does take the node out.
        probe(N3).failing("Connection refused");
        monitor.reportFailure(N3, "again");
        awaitWriter(N2);
    }

    @Test
    void repeatedReportsAreFoldedIntoOneRecheck() throws Exception {
        start(fast().intervalMs(60_000).build());
        probe(N2).delayMs = 40;
        int before = probe(N2).calls.get();
        for (int i = 0; i < 50; i++) {
            monitor.reportFailure(N2, "reset " + i);
        }
        Thread.sleep(200);
        assertEquals(before + 1, probe(N2).calls.get());
    }

    @Test
    void reportForUnknownNodeIsIgnored() throws Exception {
        start(fast().build());
        monitor.reportFailure(new BackendNode("ghost", "127.0.0.1", 1), "x");
        Thread.sleep(50);
        assertEquals(1, published.size());
    }

    @Test
    void nodesCanBeAddedAndRemovedAtRuntime() throws Exception {
        start(fast().build());
        BackendNode n4 = new BackendNode("node4", "127.0.0.1", 3314);
        monitor.setNodes(List.of(N1, N2, N3, n4), List.of(N3, N2, N1, n4), List.of(N1, N2, n4));
        awaitState(n4, ONLINE);
        assertEquals(List.of(N1, N2, n4), monitor.current().readers());
        assertEquals(4, monitor.nodeStatuses().size());

        monitor.setNodes(List.of(N1, N2, n4), List.of(N2, N1, n4), List.of(N1, n4));
        awaitWriter(N2);
        await(WAIT, () -> probe(N3).closed, "removed node's checker closed");
        assertFalse(monitor.current().states().containsKey(N3));
        assertEquals(List.of(), monitor.checkLog(N3));
        List<String> lines = monitor.history().stream().map(MonitorEvent::logLine).toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("node=node4 added address=127.0.0.1:3314")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("node=node3 removed")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("writer node3 -> node2 reason=\"node3 is no longer monitored")),
            lines.toString());
    }

    @Test
    void invalidLayoutIsRejectedInTheCallersThread() throws Exception {
        start(fast().build());
        try {
            monitor.setNodes(List.of(N1), List.of(N2), List.of());
            throw new AssertionError("expected IllegalArgumentException");
        } catch (IllegalArgumentException expected) {
            // ok
        }
    }

    @Test
    void statusesAndCheckLogAreBounded() throws Exception {
        start(fast().checkLogSize(5).build());
        await(WAIT, () -> monitor.checkLog(N1).size() == 5, "five entries");
        Thread.sleep(100);
        assertEquals(5, monitor.checkLog(N1).size());
        NodeStatus s = monitor.nodeStatuses().get(0);
        assertEquals(N1, s.node());
        assertEquals(ONLINE, s.state());
        assertTrue(s.lastCheck().isPresent());
    }

    @Test
    void historyIsBounded() throws Exception {
        start(fast().historySize(3).build());
        for (int i = 0; i < 3; i++) {
            probe(N1).failing("x");
            awaitState(N1, OFFLINE_HARD);
            probe(N1).healthy();
            awaitState(N1, ONLINE);
        }
        assertEquals(3, monitor.history().size());
    }

    @Test
    void aThrowingListenerDoesNotStopTheMonitor() throws Exception {
        start(fast().build());
        monitor.addListener(t -> {
            throw new IllegalStateException("boom");
        });
        probe(N3).failing("x");
        awaitWriter(N2);
    }

    @Test
    void lateListenerGetsTheCurrentSnapshotAtOnce() throws Exception {
        start(fast().build());
        List<Topology> late = new CopyOnWriteArrayList<>();
        monitor.addListener(late::add);
        await(WAIT, () -> late.size() == 1, "current snapshot delivered");
        assertEquals(monitor.current(), late.get(0));
    }

    @Test
    void aProbeThatCannotBeCreatedMakesTheNodeOfflineHard() throws Exception {
        monitor = new GaleraMonitor(fast().build(), new ClusterLayout(List.of(N1, N2, N3), List.of(N3, N2, N1), List.of(N1, N2)),
            n -> {
                if (n.equals(N3)) {
                    throw new IllegalStateException("no driver");
                }
                return probe(n);
            }, Clock.systemUTC());
        monitor.start();
        assertTrue(monitor.awaitFirstTopology(WAIT));
        assertEquals(OFFLINE_HARD, monitor.current().stateOf(N3));
        assertEquals(Optional.of(N2), monitor.current().writer());
    }

    @Test
    void closeStopsChecking() throws Exception {
        start(fast().build());
        monitor.close();
        await(WAIT, () -> probes.values().stream().allMatch(p -> p.closed), "probes closed");
        int calls = probe(N1).calls.get();
        Thread.sleep(100);
        assertEquals(calls, probe(N1).calls.get());
        monitor.reportFailure(N1, "after close"); // ignored, no exception
    }
}
