package io.lintas.monitor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import static io.lintas.monitor.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckLoopTest {
    private final ScheduledThreadPoolExecutor monitor = new ScheduledThreadPoolExecutor(1);
    private final ExecutorService workers = Executors.newCachedThreadPool();

    record Seen(long no, CheckResult result, long atNanos) {
    }

    @AfterEach
    void stop() {
        monitor.shutdownNow();
        workers.shutdownNow();
    }

    private CheckLoop loop(FakeProbe probe, long intervalMs, long timeoutMs, List<Seen> out) {
        CheckLoop l = new CheckLoop(probe, monitor, workers, intervalMs, timeoutMs,
            (no, r) -> out.add(new Seen(no, r, System.nanoTime())));
        monitor.execute(l::start);
        return l;
    }

    @Test
    void watchdogFailsACheckThatExceedsTheTimeout() throws Exception {
        FakeProbe slow = new FakeProbe();
        slow.delayMs = 1500;
        List<Seen> seen = new CopyOnWriteArrayList<>();
        loop(slow, 10_000, 50, seen);
        await(Duration.ofSeconds(3), () -> !seen.isEmpty(), "first result");
        // The probe itself would answer OK after 1.5 s: a timeout failure can only come from the watchdog.
        CheckResult.Failure f = assertInstanceOf(CheckResult.Failure.class, seen.get(0).result());
        assertTrue(f.reason().contains("timeout_ms=50"), f.reason());
        assertTrue(f.timedOut(), "a watchdog failure is a timeout");
        await(Duration.ofSeconds(5), () -> slow.calls.get() == 1 && slow.running.get() == 0, "the probe returned");
        Thread.sleep(100); // the late real answer must not be reported a second time
        assertEquals(1, seen.size());
    }

    @Test
    void theFirstCheckGetsAGracePeriodForAColdStart() throws Exception {
        FakeProbe cold = new FakeProbe();
        cold.delayMs = 150;
        List<Seen> seen = new CopyOnWriteArrayList<>();
        CheckLoop l = new CheckLoop(cold, monitor, workers, 10_000, 50, 1000,
            (no, r) -> seen.add(new Seen(no, r, System.nanoTime())));
        monitor.execute(l::start);
        await(Duration.ofSeconds(2), () -> !seen.isEmpty(), "first result");
        assertInstanceOf(CheckResult.Success.class, seen.get(0).result(), "a slow first check is not a failure");
    }

    @Test
    void checksOfOneNodeNeverOverlap() throws Exception {
        FakeProbe slow = new FakeProbe();
        slow.delayMs = 60;
        List<Seen> seen = new CopyOnWriteArrayList<>();
        loop(slow, 10, 1000, seen);
        Thread.sleep(500);
        assertEquals(1, slow.maxRunning.get());
        assertTrue(slow.calls.get() >= 4, "calls " + slow.calls.get());
        assertTrue(seen.stream().allMatch(s -> s.result() instanceof CheckResult.Success));
    }

    @Test
    void aHungCheckCountsEveryMissedInterval() throws Exception {
        FakeProbe hung = new FakeProbe();
        hung.delayMs = 1000;
        List<Seen> seen = new CopyOnWriteArrayList<>();
        loop(hung, 50, 30, seen);
        await(Duration.ofSeconds(1), () -> seen.size() >= 3, "three failures");
        assertEquals(1, hung.calls.get(), "no second check while the first is stuck");
        assertTrue(seen.stream().allMatch(s -> s.result() instanceof CheckResult.Failure));
        assertTrue(seen.get(0).no() < seen.get(1).no() && seen.get(1).no() < seen.get(2).no());
        assertTrue(((CheckResult.Failure) seen.get(1).result()).reason().startsWith("still no answer"));
    }

    @Test
    void aSlowNodeDoesNotDelayAnotherNode() throws Exception {
        FakeProbe slow = new FakeProbe();
        slow.delayMs = 2000;
        FakeProbe fast = new FakeProbe();
        List<Seen> slowSeen = new CopyOnWriteArrayList<>();
        List<Seen> fastSeen = new CopyOnWriteArrayList<>();
        loop(slow, 50, 200, slowSeen);
        loop(fast, 50, 200, fastSeen);
        Thread.sleep(500);
        List<Seen> fastSnapshot = List.copyOf(fastSeen);
        long ok = fastSnapshot.stream().filter(s -> s.result() instanceof CheckResult.Success).count();
        // The slow node's one check occupies its worker for 2 s; the fast node keeps its rhythm meanwhile.
        assertTrue(ok >= 6, "fast node got only " + ok + " checks in 500 ms");
        assertEquals(1, slow.calls.get());
        assertEquals(fastSnapshot.size(), ok, "every fast check succeeded");
    }

    @Test
    void checkNowRunsAtOnceAndAfterABusyCheck() throws Exception {
        FakeProbe p = new FakeProbe();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        CheckLoop l = loop(p, 60_000, 500, seen);
        await(Duration.ofSeconds(1), () -> seen.size() == 1, "first tick");
        monitor.execute(l::checkNow);
        await(Duration.ofSeconds(1), () -> seen.size() == 2, "immediate check");

        p.delayMs = 100;
        monitor.execute(l::checkNow);
        Thread.sleep(20);
        monitor.execute(l::checkNow); // busy: queued, runs right after
        await(Duration.ofSeconds(1), () -> seen.size() == 4, "queued check");
        assertEquals(1, p.maxRunning.get());
    }

    @Test
    void closeStopsChecksAndClosesProbe() throws Exception {
        FakeProbe p = new FakeProbe();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        CheckLoop l = loop(p, 10, 100, seen);
        await(Duration.ofSeconds(1), () -> seen.size() >= 2, "some checks");
        monitor.execute(l::close);
        await(Duration.ofSeconds(1), () -> p.closed, "probe closed");
        int n = p.calls.get();
        Thread.sleep(100);
        assertTrue(p.calls.get() <= n + 1);
    }
}
