package io.lintas.router.balance;

import io.lintas.monitor.BackendNode;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Picks the reader for a statement: weighted least-outstanding. Among the candidates (the caller passes only nodes
 * that may take work, i.e. ONLINE readers) it picks the one with the smallest {@code (outstanding + 1) / weight};
 * ties go to the first in an order that rotates with every call, so two idle readers take turns.
 *
 * <p>Weights: a node missing from the map weighs 1. Weight 0 means "only when nothing else is possible": such a
 * node is chosen only when every candidate weighs 0, and then they are balanced as if they all weighed 1. That keeps
 * reads on the readers when an operator has drained all of them by weight (taking a node out is the monitor's and
 * the reader list's job, not the weight's). Because the score counts statements in flight, at low concurrency the
 * heaviest idle node takes the work; the weights shape the split as load builds.
 *
 * <p>Thread-safe and lock-free: the weights are an immutable map swapped atomically by {@link #setWeights}, the
 * outstanding counts are atomic counters by node name. The caller brackets each statement it sends with
 * {@link #started} and {@link #finished}. Choosing allocates nothing.
 */
public final class ReaderBalancer {
    private final AtomicReference<Map<String, Integer>> weights = new AtomicReference<>(Map.of());
    private final ConcurrentHashMap<String, AtomicInteger> outstanding = new ConcurrentHashMap<>();
    private final AtomicInteger rotation = new AtomicInteger();

    /** A balancer with the given weights by node name (see {@link #setWeights}). */
    public ReaderBalancer(Map<String, Integer> weightsByNodeName) {
        setWeights(weightsByNodeName);
    }

    /** Replaces the weights at once (null means all 1); a weight must be 0 or more. */
    public void setWeights(Map<String, Integer> weightsByNodeName) {
        Map<String, Integer> copy = weightsByNodeName == null ? Map.of() : Map.copyOf(weightsByNodeName);
        for (Map.Entry<String, Integer> e : copy.entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException("weight of node '" + e.getKey() + "' must be 0 or more: "
                        + e.getValue());
            }
        }
        weights.set(copy);
    }

    /** The current weights, as last set. */
    public Map<String, Integer> weights() {
        return weights.get();
    }

    /** The weight of {@code node}: 1 when it has none configured. */
    public int weight(BackendNode node) {
        Integer w = weights.get().get(node.name());
        return w == null ? 1 : w;
    }

    /** The candidate to send the next statement to, or null if there is none. */
    public BackendNode choose(List<BackendNode> candidates) {
        int n = candidates == null ? 0 : candidates.size();
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return candidates.get(0);
        }
        Map<String, Integer> w = weights.get();
        int start = Math.floorMod(rotation.getAndIncrement(), n);
        BackendNode best = pick(candidates, n, start, w, false);
        return best != null ? best : pick(candidates, n, start, w, true);
    }

    /**
     * The best candidate by (outstanding + 1) / weight, scanning from {@code start}; with {@code zeroAsOne} the
     * weight-0 nodes count as weight 1, otherwise they are skipped.
     */
    private BackendNode pick(List<BackendNode> candidates, int n, int start, Map<String, Integer> w,
                             boolean zeroAsOne) {
        BackendNode best = null;
        long bestLoad = 0;
        long bestWeight = 0;
        for (int k = 0; k < n; k++) {
            BackendNode c = candidates.get((start + k) % n);
            Integer configured = w.get(c.name());
            long weight = configured == null ? 1 : configured;
            if (weight == 0) {
                if (!zeroAsOne) {
                    continue;
                }
                weight = 1;
            }
            long load = outstanding(c) + 1L;
            // load / weight < bestLoad / bestWeight, without division
            if (best == null || load * bestWeight < bestLoad * weight) {
                best = c;
                bestLoad = load;
                bestWeight = weight;
            }
        }
        return best;
    }

    /** Notes that a statement was sent to {@code node}. */
    public void started(BackendNode node) {
        AtomicInteger c = outstanding.get(node.name());
        if (c == null) {
            c = outstanding.computeIfAbsent(node.name(), k -> new AtomicInteger());
        }
        c.incrementAndGet();
    }

    /** Notes that a statement on {@code node} ended (answered, failed or abandoned); never goes below 0. */
    public void finished(BackendNode node) {
        AtomicInteger c = outstanding.get(node.name());
        if (c != null) {
            c.getAndUpdate(v -> v > 0 ? v - 1 : 0);
        }
    }

    /** Statements currently in flight on {@code node}. */
    public int outstanding(BackendNode node) {
        AtomicInteger c = outstanding.get(node.name());
        return c == null ? 0 : c.get();
    }
}
