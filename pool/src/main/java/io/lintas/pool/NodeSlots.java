package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection slots of one node, shared by the pools of every key (user, capability profile) on that node
 * and by every event loop: {@code max_connections} is a node-wide limit. A slot is taken (lock-free CAS) before
 * a connection is opened and stays taken until the connection is closed; a slot that is no longer needed is
 * {@linkplain #passSlot() passed} to the longest-waiting request of any loop or key, or freed.
 *
 * <p>Handing slots across loops relies on a Dekker-style handshake between atomics: a request registers as
 * waiting, then retries taking a slot and looks for idle connections; whoever frees a slot or parks an idle
 * connection does so first, then looks for waiting requests. One of the two always sees the other, so a request
 * never waits while a slot is free or a connection idles elsewhere.
 */
final class NodeSlots {
    private static final Logger log = LoggerFactory.getLogger(NodeSlots.class);

    final BackendNode node;
    final PoolSettings settings;
    final NodeStats stats = new NodeStats();
    /** Slots taken: connections open, being opened, or being closed and reopened elsewhere. */
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger used = new AtomicInteger();
    final AtomicInteger idle = new AtomicInteger();
    final AtomicInteger waiting = new AtomicInteger();
    final AtomicInteger maxUsed = new AtomicInteger();
    /** The most slots ever taken at once (never above max_connections; checked by tests). */
    final AtomicInteger highWater = new AtomicInteger();
    final CopyOnWriteArrayList<NodePool> pools = new CopyOnWriteArrayList<>();
    volatile boolean down;

    NodeSlots(BackendNode node, PoolSettings settings) {
        this.node = node;
        this.settings = settings;
    }

    /** Takes a slot when fewer than max_connections are taken. */
    boolean tryAcquire() {
        int max = settings.maxConnections();
        while (true) {
            int n = open.get();
            if (n >= max) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                if (n + 1 > highWater.get()) {
                    highWater.accumulateAndGet(n + 1, Math::max);
                }
                return true;
            }
        }
    }

    /**
     * The caller holds a slot it does not need any more (its connection was closed or never opened): gives it
     * to the request that has waited longest, on whichever loop and key, or frees it.
     */
    void passSlot() {
        if (waiting.get() > 0 && dispatchToWaiter()) {
            return;
        }
        open.decrementAndGet();
        // A request may have registered between our look and the decrement, and failed to take the slot then.
        // Requests publish their loop's waiter count before the node's, so if we see it waiting we find its loop.
        if (waiting.get() > 0 && tryAcquire() && !dispatchToWaiter()) {
            open.decrementAndGet();
        }
    }

    void lent() {
        int u = used.incrementAndGet();
        if (u > maxUsed.get()) {
            maxUsed.accumulateAndGet(u, Math::max);
        }
    }

    /** Sends a held slot to the loop whose first waiting request is the oldest; false when none waits. */
    private boolean dispatchToWaiter() {
        NodePool.LoopState best = null;
        long bestSince = Long.MAX_VALUE;
        for (NodePool pool : pools) {
            for (NodePool.LoopState ls : pool.loopStates()) {
                if (ls.waiterCount > 0 && (best == null || ls.headWaiterSince < bestSince)) {
                    best = ls;
                    bestSince = ls.headWaiterSince;
                }
            }
        }
        if (best == null) {
            return false;
        }
        NodePool.LoopState target = best;
        try {
            target.loop.execute(() -> target.pool.slotArrived(target));
            return true;
        } catch (RejectedExecutionException e) {
            log.debug("node={} loop {} is shutting down, slot not handed over", node.name(), target.loop);
            return false;
        }
    }

    /**
     * Asks the loop with the most idle connections (of any key) to close one so that its slot goes to a waiting
     * request; used when a request finds the node at its limit while connections idle elsewhere.
     */
    void requestSteal() {
        NodePool.LoopState best = null;
        for (NodePool pool : pools) {
            for (NodePool.LoopState ls : pool.loopStates()) {
                if (ls.idleSize > 0 && (best == null || ls.idleSize > best.idleSize)) {
                    best = ls;
                }
            }
        }
        if (best != null) {
            NodePool.LoopState target = best;
            try {
                target.loop.execute(() -> target.pool.stealOne(target));
            } catch (RejectedExecutionException e) {
                log.debug("node={} loop {} is shutting down", node.name(), target.loop);
            }
        }
    }

    PoolStats snapshot() {
        int o = open.get();
        int u = used.get();
        int f = idle.get();
        return new PoolStats(node.name(), node.address(), settings.maxConnections(), u, f, Math.max(0, o - u - f),
            stats.ok.sum(), stats.err.sum(), maxUsed.get(), stats.queries.sum(), stats.bytesSent.sum(),
            stats.bytesReceived.sum(), stats.latencyUs(), waiting.get(), stats.queueTimeouts.sum());
    }
}
