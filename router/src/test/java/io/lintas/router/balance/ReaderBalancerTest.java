package io.lintas.router.balance;

import io.lintas.monitor.BackendNode;
import io.lintas.router.testutil.Allocations;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReaderBalancerTest {
    private static final BackendNode N1 = new BackendNode("node1", "127.0.0.1", 3311);
    private static final BackendNode N2 = new BackendNode("node2", "127.0.0.1", 3312);
    private static final BackendNode N3 = new BackendNode("node3", "127.0.0.1", 3313);
    private static final List<BackendNode> READERS = List.of(N1, N2);
    private static volatile Object sink;

    /** How many of {@code picks} choices (each started and never finished) land on each node. */
    private static Map<String, Integer> fill(ReaderBalancer b, List<BackendNode> nodes, int picks) {
        Map<String, Integer> got = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            BackendNode n = b.choose(nodes);
            b.started(n);
            got.merge(n.name(), 1, Integer::sum);
        }
        return got;
    }

    @Test
    void emptyAndSingleCandidate() {
        ReaderBalancer b = new ReaderBalancer(Map.of("node1", 0));
        assertNull(b.choose(List.of()));
        assertNull(b.choose(null));
        assertSame(N1, b.choose(List.of(N1))); // weight 0, but the only candidate
    }

    @Test
    void idleReadersTakeTurns() {
        ReaderBalancer b = new ReaderBalancer(Map.of());
        List<BackendNode> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(b.choose(READERS)); // nothing started: all ties
        }
        assertEquals(3, picks.stream().filter(N1::equals).count());
        assertEquals(3, picks.stream().filter(N2::equals).count());
        for (int i = 0; i + 1 < picks.size(); i++) {
            assertTrue(picks.get(i) != picks.get(i + 1), "consecutive idle picks alternate: " + picks);
        }
    }

    @Test
    void leastOutstandingWins() {
        ReaderBalancer b = new ReaderBalancer(null);
        b.started(N1);
        b.started(N1);
        b.started(N2);
        for (int i = 0; i < 4; i++) {
            assertSame(N2, b.choose(READERS));
        }
        b.finished(N1);
        b.finished(N1);
        assertSame(N1, b.choose(READERS));
        assertEquals(0, b.outstanding(N1));
        assertEquals(1, b.outstanding(N2));
    }

    @Test
    void weightsShapeTheSplitUnderLoad() {
        ReaderBalancer b = new ReaderBalancer(Map.of("node1", 2, "node2", 1));
        Map<String, Integer> got = fill(b, READERS, 30);
        assertEquals(20, got.get("node1"), 1.0, got.toString());
        assertEquals(10, got.get("node2"), 1.0, got.toString());
        ReaderBalancer three = new ReaderBalancer(Map.of("node1", 1, "node2", 1, "node3", 2));
        Map<String, Integer> g3 = fill(three, List.of(N1, N2, N3), 400);
        assertEquals(100, g3.get("node1"), 1.0, g3.toString());
        assertEquals(100, g3.get("node2"), 1.0, g3.toString());
        assertEquals(200, g3.get("node3"), 1.0, g3.toString());
    }

    @Test
    void heaviestIdleNodeTakesWorkAtLowConcurrency() {
        ReaderBalancer b = new ReaderBalancer(Map.of("node1", 1, "node2", 3));
        for (int i = 0; i < 5; i++) {
            BackendNode n = b.choose(READERS);
            assertSame(N2, n);
            b.started(n);
            b.finished(n);
        }
    }

    @Test
    void missingNameWeighsOne() {
        ReaderBalancer b = new ReaderBalancer(Map.of("node1", 3));
        assertEquals(3, b.weight(N1));
        assertEquals(1, b.weight(N2));
        Map<String, Integer> got = fill(b, READERS, 40);
        assertEquals(30, got.get("node1"), 1.0, got.toString());
    }

    @Test
    void weightZeroOnlyWhenEveryCandidateIsZero() {
        ReaderBalancer b = new ReaderBalancer(Map.of("node1", 0, "node2", 1));
        assertEquals(Map.of("node2", 10), fill(b, READERS, 10));
        ReaderBalancer allZero = new ReaderBalancer(Map.of("node1", 0, "node2", 0));
        Map<String, Integer> got = fill(allZero, READERS, 10);
        assertEquals(Map.of("node1", 5, "node2", 5), got);
    }

    @Test
    void setWeightsTakesEffectAtOnce() {
        ReaderBalancer b = new ReaderBalancer(Map.of("node1", 1, "node2", 0));
        assertSame(N1, b.choose(READERS));
        b.setWeights(Map.of("node1", 0, "node2", 1));
        assertSame(N2, b.choose(READERS));
        assertSame(N2, b.choose(READERS));
        assertEquals(Map.of("node1", 0, "node2", 1), b.weights());
        Map<String, Integer> mutable = new HashMap<>(Map.of("node1", 5));
        b.setWeights(mutable);
        mutable.put("node1", 0); // the balancer keeps its own copy
        assertEquals(5, b.weight(N1));
    }

    @Test
    void negativeWeightIsRejectedAndKeepsTheOldWeights() {
        ReaderBalancer b = new ReaderBalancer(Map.of("node1", 2));
        assertThrows(IllegalArgumentException.class, () -> b.setWeights(Map.of("node1", -1)));
        assertEquals(2, b.weight(N1));
        assertThrows(IllegalArgumentException.class, () -> new ReaderBalancer(Map.of("node2", -5)));
    }

    @Test
    void finishedNeverGoesBelowZero() {
        ReaderBalancer b = new ReaderBalancer(Map.of());
        b.finished(N1);
        assertEquals(0, b.outstanding(N1));
        b.started(N1);
        b.finished(N1);
        b.finished(N1);
        assertEquals(0, b.outstanding(N1));
    }

    @Test
    void choosingAllocatesNothing() {
        ReaderBalancer b = new ReaderBalancer(Map.of("node1", 2, "node2", 1));
        b.started(N1);
        b.started(N2);
        long bytes = Allocations.measure(20_000, 10_000, () -> sink = b.choose(READERS));
        assertTrue(bytes < 1024, "10,000 choices allocated " + bytes + " bytes");
    }

    @Test
    void concurrentStartedFinishedBalanceOut() throws Exception {
        ReaderBalancer b = new ReaderBalancer(Map.of("node1", 1, "node2", 2));
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        BackendNode n = b.choose(READERS);
                        b.started(n);
                        b.finished(n);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, b.outstanding(N1));
        assertEquals(0, b.outstanding(N2));
    }
}
