package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.message.OkPacket;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pooled connections of one {@link PoolKey} (node, backend user, capability profile).
 *
 * <p>A Netty channel belongs to one event loop for its whole life, and relaying must not cross threads, so
 * each event loop has its own idle stack (LIFO: the most recently used connection is lent first, so a few
 * connections stay hot and the rest can age out) and its own FIFO queue of waiting requests; both are touched
 * only on their loop, without locks. What loops share is the node's {@code max_connections} limit, counted
 * with atomics ({@link NodeSlots}) over every loop and every key of the node.
 *
 * <p>{@link #borrow(EventLoop)} completes on the given loop with, in this order: an idle connection of that
 * loop (checked: open, not expired, and pinged first when it has not heard from the server for
 * {@code idle_ping_ms}); a new connection opened on that loop when the node is below its limit; otherwise the
 * request waits in its loop's queue for up to {@code queue_timeout_ms}, and if connections idle on other loops
 * (or under other keys of the node) meanwhile, one of them is closed there so that its slot opens a connection
 * here. When the wait ends without a connection it fails with {@link PoolExhaustedException}.
 *
 * <p>{@link #release(BackendConnection)} gives a connection back: one that is not idle-clean (in a command,
 * broken, flagged dirty, inside a transaction) or past {@code max_lifetime_ms} is closed; one whose last statement
 * left warnings has them cleared first (MariaDB would show them to the next session). A clean one goes to
 * the oldest request waiting on its own loop; if requests wait only on other loops, the connection is closed
 * and its slot passed to the loop with the oldest request, which opens a new connection there (a reconnect
 * costs about a millisecond, only when the node is at its limit, and keeps every relay on one thread); else it
 * is pushed onto its loop's idle stack.
 */
public final class NodePool {
    private static final Logger log = LoggerFactory.getLogger(NodePool.class);
    static final String CLEAR_WARNINGS = "DO (SELECT 1 FROM (SELECT 1) AS lintas_clear_warnings)";

    private final PoolKey key;
    private final NodeSlots slots;
    private final PoolSettings settings;
    private final BackendConnector connector;
    private final LoginRequest login;
    private final EventLoopGroup group;
    private final ConcurrentHashMap<EventLoop, LoopState> loops = new ConcurrentHashMap<>();
    /** Idle connections of this key, all loops together (min_idle, idle timeout). */
    private final AtomicInteger idleOfKey = new AtomicInteger();
    /** Connections being opened by the maintenance task to reach min_idle. */
    private final AtomicInteger warming = new AtomicInteger();
    private volatile boolean closed;

    /** What one event loop holds; fields without volatile are touched only on that loop. */
    static final class LoopState {
        final NodePool pool;
        final EventLoop loop;
        /** Head: the most recently released. */
        final ArrayDeque<BackendConnection> idle = new ArrayDeque<>();
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        final Set<BackendConnection> lent = Collections.newSetFromMap(new IdentityHashMap<>());
        /** Copies of the sizes above and the first waiter's arrival, for other loops to read. */
        volatile int idleSize;
        volatile int waiterCount;
        volatile long headWaiterSince = Long.MAX_VALUE;

        LoopState(NodePool pool, EventLoop loop) {
            this.pool = pool;
            this.loop = loop;
        }
    }

    /** A queued request. */
    private static final class Waiter {
        final Promise<BackendConnection> promise;
        final long since = System.nanoTime();
        ScheduledFuture<?> timer;

        Waiter(Promise<BackendConnection> promise) {
            this.promise = promise;
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    NodePool(PoolKey key, NodeSlots slots, BackendConnector connector, EventLoopGroup group) {
        this.key = key;
        this.slots = slots;
        this.settings = slots.settings;
        this.connector = connector;
        this.group = group;
        this.login = LoginRequest.forPool(key, settings.trackSessionState());
        slots.pools.add(this);
    }

    /** The key whose connections this pool lends. */
    public PoolKey key() {
        return key;
    }

    /** The node. */
    public BackendNode node() {
        return key.node();
    }

    /** The settings of the node. */
    public PoolSettings settings() {
        return settings;
    }

    /** Statistics of the node (every key of the node together). */
    public PoolStats stats() {
        return slots.snapshot();
    }

    /** True after {@link #shutdownNode()} and until {@link #resume()}. */
    public boolean isNodeDown() {
        return slots.down;
    }

    NodeSlots slots() {
        return slots;
    }

    Collection<LoopState> loopStates() {
        return loops.values();
    }

    private LoopState loopState(EventLoop loop) {
        LoopState ls = loops.get(loop);
        return ls != null ? ls : loops.computeIfAbsent(loop, l -> new LoopState(this, l));
    }

    // ---- borrow ------------------------------------------------------------------------------------------

    /**
     * Lends a logged-in connection whose channel runs on {@code loop}; the future completes on {@code loop}.
     * Fails with {@link PoolExhaustedException} after {@code queue_timeout_ms} at the node's limit, with
     * {@link NodeUnavailableException} when the node is shut down, or with a {@link BackendLoginException}
     * when a new connection cannot be opened. Cancelling the future withdraws the request. Every connection
     * obtained must be given back with {@link #release}.
     */
    public Future<BackendConnection> borrow(EventLoop loop) {
        Promise<BackendConnection> promise = loop.newPromise();
        LoopState ls = loopState(loop);
        if (loop.inEventLoop()) {
            doBorrow(ls, promise);
        } else {
            try {
                loop.execute(() -> doBorrow(ls, promise));
            } catch (RejectedExecutionException e) {
                promise.tryFailure(e);
            }
        }
        return promise;
    }

    private void doBorrow(LoopState ls, Promise<BackendConnection> promise) {
        if (promise.isDone()) {
            return;
        }
        if (closed || slots.down) {
            promise.tryFailure(unavailable());
            return;
        }
        if (!ls.waiters.isEmpty()) {
            // First come, first served on this loop.
            enqueue(ls, promise);
            return;
        }
        long now = System.nanoTime();
        int spare = 0; // slots of idle connections found broken or expired, kept for this request
        BackendConnection c;
        while ((c = popIdle(ls)) != null) {
            if (!reusable(c, now)) {
                if (retireKeepingSlot(c)) {
                    spare++;
                }
                continue;
            }
            for (; spare > 0; spare--) {
                slots.passSlot();
            }
            if (needsPing(c, now)) {
                pingThenLend(ls, c, promise);
            } else {
                lend(ls, c, promise);
            }
            return;
        }
        if (spare > 0 || slots.tryAcquire()) {
            for (; spare > 1; spare--) {
                slots.passSlot();
            }
            open(ls, promise);
            return;
        }
        enqueue(ls, promise);
    }

    private void pingThenLend(LoopState ls, BackendConnection c, Promise<BackendConnection> promise) {
        long start = System.nanoTime();
        c.ping(settings.connectTimeoutMs()).addListener((Future<OkPacket> f) -> {
            if (f.isSuccess() && c.isUsable() && !closed && !slots.down) {
                slots.stats.latencySince(start);
                lend(ls, c, promise);
                return;
            }
            log.debug("node={} thread={} failed its check before reuse ({}), replacing it", node().name(),
                c.serverThreadId(), f.isSuccess() ? "closed" : f.cause().getMessage());
            boolean slot = retireKeepingSlot(c);
            if (promise.isDone()) {
                if (slot) {
                    slots.passSlot();
                }
            } else if (slot && !closed && !slots.down) {
                open(ls, promise);
            } else {
                if (slot) {
                    slots.passSlot();
                }
                doBorrow(ls, promise);
            }
        });
    }

    /** Hands {@code c} (idle-clean, holding its slot) to {@code promise}, or keeps it when the request is gone. */
    private void lend(LoopState ls, BackendConnection c, Promise<BackendConnection> promise) {
        if (promise == null || promise.isDone()) {
            offerIdle(ls, c, true);
            return;
        }
        PoolEntry e = c.poolEntry;
        e.state = PoolEntry.State.LENT;
        ls.lent.add(c);
        slots.lent();
        if (!promise.trySuccess(c)) {
            // Cancelled in between.
            ls.lent.remove(c);
            slots.used.decrementAndGet();
            e.state = PoolEntry.State.CHECKING;
            offerIdle(ls, c, true);
        }
    }

    /** Opens a connection on {@code ls}'s loop with a slot the caller holds; lends it, or parks it when {@code promise} is null. */
    private void open(LoopState ls, Promise<BackendConnection> promise) {
        openCounted(ls, "a pooled connection").addListener((Future<BackendConnection> f) -> {
            if (f.isSuccess()) {
                lend(ls, f.getNow(), promise);
            } else if (promise != null) {
                promise.tryFailure(f.cause());
            }
        });
    }

    /**
     * Connects on {@code ls}'s loop with a slot the caller holds and does the bookkeeping every open shares:
     * stats, adoption, and on failure (or when the node went down meanwhile) the slot passed on.
     */
    private Future<BackendConnection> openCounted(LoopState ls, String what) {
        Promise<BackendConnection> out = ls.loop.newPromise();
        long start = System.nanoTime();
        Future<BackendConnection> f;
        try {
            f = connector.connect(ls.loop, node(), login, settings.connectTimeoutMs(), slots.stats);
        } catch (RuntimeException e) {
            slots.stats.err.increment();
            slots.passSlot();
            return out.setFailure(e);
        }
        f.addListener((Future<BackendConnection> done) -> {
            if (!done.isSuccess()) {
                slots.stats.err.increment();
                log.debug("node={} user={} cannot open {}: {}", node().name(), key.user(), what,
                    done.cause().getMessage());
                slots.passSlot();
                out.tryFailure(done.cause());
                return;
            }
            slots.stats.ok.increment();
            slots.stats.latencySince(start);
            BackendConnection c = done.getNow();
            adopt(ls, c);
            if (closed || slots.down) {
                retire(c);
                out.tryFailure(unavailable());
                return;
            }
            out.trySuccess(c);
        });
        return out;
    }

    private void adopt(LoopState ls, BackendConnection c) {
        PoolEntry e = new PoolEntry(this, ls);
        c.poolEntry = e;
        c.channel().closeFuture().addListener(f -> onChannelClosed(c));
    }

    /** The channel closed, whoever closed it (server KILL, wait_timeout, network, the pool itself). */
    private void onChannelClosed(BackendConnection c) {
        PoolEntry e = c.poolEntry;
        if (e.state == PoolEntry.State.IDLE) {
            LoopState ls = e.loop;
            if (ls.idle.remove(c)) {
                idleRemoved(ls);
            }
            e.state = PoolEntry.State.RETIRED;
            log.debug("node={} thread={} idle connection closed by the server", node().name(), c.serverThreadId());
        }
        if (e.slotHeld) {
            e.slotHeld = false;
            slots.passSlot();
        }
    }

    // ---- waiting -----------------------------------------------------------------------------------------

    private void enqueue(LoopState ls, Promise<BackendConnection> promise) {
        Waiter w = new Waiter(promise);
        ls.waiters.addLast(w);
        publishWaiters(ls);
        slots.waiting.incrementAndGet();
        w.timer = ls.loop.schedule(() -> timedOut(ls, w), settings.queueTimeoutMs(), TimeUnit.MILLISECONDS);
        promise.addListener(f -> {
            if (f.isCancelled()) {
                removeWaiter(ls, w);
            }
        });
        // Registered first, then look again: a slot freed or a connection parked meanwhile is not missed.
        if (slots.tryAcquire()) {
            slotArrived(ls);
        } else if (slots.idle.get() > 0) {
            slots.requestSteal();
        }
    }

    private void timedOut(LoopState ls, Waiter w) {
        if (removeWaiter(ls, w)) {
            slots.stats.queueTimeouts.increment();
            log.debug("node={} request waited {} ms for a connection, giving up", node().name(), settings.queueTimeoutMs());
            w.promise.tryFailure(new PoolExhaustedException(node(), settings.maxConnections(), settings.queueTimeoutMs()));
        }
    }

    private boolean removeWaiter(LoopState ls, Waiter w) {
        if (!ls.waiters.remove(w)) {
            return false;
        }
        w.cancelTimer();
        slots.waiting.decrementAndGet();
        publishWaiters(ls);
        return true;
    }

    /** The oldest live waiter of the loop, removed from the queue; null when none. */
    private Waiter pollWaiter(LoopState ls) {
        Waiter w;
        while ((w = ls.waiters.pollFirst()) != null) {
            w.cancelTimer();
            slots.waiting.decrementAndGet();
            publishWaiters(ls);
            if (!w.promise.isDone()) {
                return w;
            }
        }
        return null;
    }

    private static void publishWaiters(LoopState ls) {
        ls.waiterCount = ls.waiters.size();
        Waiter head = ls.waiters.peekFirst();
        ls.headWaiterSince = head == null ? Long.MAX_VALUE : head.since;
    }

    /** A slot was passed to this loop (or taken by a waiter's recheck): open a connection for its first waiter. */
    void slotArrived(LoopState ls) {
        if (closed || slots.down) {
            failWaiters(ls);
            slots.passSlot();
            return;
        }
        Waiter w = pollWaiter(ls);
        if (w == null) {
            slots.passSlot();
            return;
        }
        open(ls, w.promise);
    }

    /** Closes this loop's oldest idle connection so that its slot goes to a request waiting elsewhere. */
    void stealOne(LoopState ls) {
        if (slots.waiting.get() == 0) {
            return;
        }
        BackendConnection c = ls.idle.pollLast();
        if (c != null) {
            idleRemoved(ls);
            log.debug("node={} closing idle thread={} on {} for a request waiting on another loop", node().name(),
                c.serverThreadId(), ls.loop);
            retire(c);
        } else if (slots.idle.get() > 0) {
            // Taken here meanwhile; maybe another loop still has one.
            slots.requestSteal();
        }
    }

    // ---- release -----------------------------------------------------------------------------------------

    /**
     * Gives back a borrowed connection. Call it on the connection's event loop (from elsewhere the release
     * is scheduled there). A connection that is not idle-clean (in a command or an internal command, broken,
     * flagged {@linkplain BackendConnection#markDirty() dirty}, or inside a transaction) or older than
     * {@code max_lifetime_ms} is closed and its slot freed; a clean one is detached from its sink and lent again.
     *
     * @throws IllegalArgumentException when the connection does not come from this pool
     * @throws IllegalStateException    when it is not currently lent
     */
    public void release(BackendConnection c) {
        PoolEntry e = c.poolEntry;
        if (e == null || e.pool != this) {
            throw new IllegalArgumentException("connection to " + c.node() + " was not borrowed from the pool " + key);
        }
        EventLoop loop = e.loop.loop;
        if (!loop.inEventLoop()) {
            loop.execute(() -> release(c));
            return;
        }
        if (e.state != PoolEntry.State.LENT) {
            throw new IllegalStateException("connection to " + c.node() + " (thread " + c.serverThreadId()
                + ") released twice");
        }
        LoopState ls = e.loop;
        ls.lent.remove(c);
        slots.used.decrementAndGet();
        e.state = PoolEntry.State.CHECKING;
        c.detach();
        long now = System.nanoTime();
        if (closed || slots.down || !idleClean(c) || expired(c, now)) {
            retire(c);
            return;
        }
        if (!c.channel().config().isAutoRead()) {
            // A session may have paused reading for backpressure; an idle connection must notice a close.
            c.setAutoRead(true);
        }
        e.releasedNanos = now;
        if (c.mayHoldWarnings()) {
            clearWarningsThenIdle(ls, c);
            return;
        }
        offerIdle(ls, c, true);
    }

    /**
     * MariaDB keeps a statement's warnings until a statement that uses a table runs ({@code SELECT 1} and
     * {@code SET} do not clear them), so the next session lent {@code c} could read them with SHOW WARNINGS:
     * a statement over a derived table clears them before the connection idles.
     */
    private void clearWarningsThenIdle(LoopState ls, BackendConnection c) {
        c.executeInternal(CLEAR_WARNINGS, settings.connectTimeoutMs()).addListener((Future<OkPacket> f) -> {
            if (f.isSuccess() && c.warnings() == 0 && c.isUsable() && !closed && !slots.down) {
                c.warningsCleared();
                offerIdle(ls, c, true);
            } else {
                log.debug("node={} thread={} could not clear its warnings ({}), closing", node().name(),
                    c.serverThreadId(), f.isSuccess() ? c.warnings() + " left" : f.cause().getMessage());
                retire(c);
            }
        });
    }

    /**
     * A clean connection holding its slot goes to this loop's oldest waiter; if requests wait only elsewhere, its
     * slot goes to them; otherwise it idles, on top of the stack ({@code hot}) or at the bottom (after a ping).
     */
    private void offerIdle(LoopState ls, BackendConnection c, boolean hot) {
        PoolEntry e = c.poolEntry;
        if (!e.slotHeld || !c.isUsable()) {
            retire(c);
            return;
        }
        Waiter w = pollWaiter(ls);
        if (w != null) {
            lend(ls, c, w.promise);
            return;
        }
        if (slots.waiting.get() > 0) {
            retire(c);
            return;
        }
        e.state = PoolEntry.State.IDLE;
        if (hot) {
            ls.idle.addFirst(c);
        } else {
            ls.idle.addLast(c);
        }
        idleAdded(ls);
        if (slots.waiting.get() > 0) {
            // A request registered elsewhere while we parked this one.
            stealOne(ls);
        }
    }

    private static boolean idleClean(BackendConnection c) {
        return c.isUsable() && !c.inCommand() && !c.inInternalCommand() && !c.isDirty()
            && !ServerStatus.has(c.statusFlags(), ServerStatus.IN_TRANS);
    }

    private boolean reusable(BackendConnection c, long now) {
        return idleClean(c) && !expired(c, now);
    }

    private boolean expired(BackendConnection c, long now) {
        long max = settings.maxLifetimeMs();
        return max > 0 && now - c.createdNanos() >= TimeUnit.MILLISECONDS.toNanos(max);
    }

    private boolean needsPing(BackendConnection c, long now) {
        long ping = settings.idlePingMs();
        return ping > 0 && now - c.lastActivityNanos() >= TimeUnit.MILLISECONDS.toNanos(ping);
    }

    private BackendConnection popIdle(LoopState ls) {
        BackendConnection c = ls.idle.pollFirst();
        if (c != null) {
            idleRemoved(ls);
            c.poolEntry.state = PoolEntry.State.CHECKING;
        }
        return c;
    }

    private void idleAdded(LoopState ls) {
        ls.idleSize = ls.idle.size();
        idleOfKey.incrementAndGet();
        slots.idle.incrementAndGet();
    }

    private void idleRemoved(LoopState ls) {
        idleRemoved(ls, true);
    }

    /**
     * @param ofKey false when the caller already took the connection out of {@link #idleOfKey} (aging out above
     *              min_idle), or keeps it counted there while it is pinged, so that min_idle is neither undercut
     *              by two loops aging out at once nor topped up with extra connections during a ping
     */
    private void idleRemoved(LoopState ls, boolean ofKey) {
        ls.idleSize = ls.idle.size();
        if (ofKey) {
            idleOfKey.decrementAndGet();
        }
        slots.idle.decrementAndGet();
    }

    /** Takes one connection out of this key's idle count if that leaves at least min_idle. */
    private boolean takeIdleAboveMinimum() {
        int min = settings.minIdle();
        while (true) {
            int n = idleOfKey.get();
            if (n <= min) {
                return false;
            }
            if (idleOfKey.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }

    /** Closes {@code c} and frees or passes on its slot. */
    private void retire(BackendConnection c) {
        if (retireKeepingSlot(c)) {
            slots.passSlot();
        }
    }

    /** Closes {@code c}; true when it held a slot, which the caller now holds. */
    private boolean retireKeepingSlot(BackendConnection c) {
        PoolEntry e = c.poolEntry;
        e.state = PoolEntry.State.RETIRED;
        boolean held = e.slotHeld;
        e.slotHeld = false;
        if (c.isUsable() && !c.inCommand() && !c.inInternalCommand()) {
            c.close();
        } else {
            c.abort();
        }
        return held;
    }

    // ---- maintenance -------------------------------------------------------------------------------------

    /**
     * One round of upkeep, run periodically by {@link BackendPool}: on every loop, idle connections that are
     * broken, past {@code max_lifetime_ms}, or unused for {@code idle_timeout_ms} (above {@code min_idle}) are
     * closed, and those that have not heard from the server for {@code idle_ping_ms} are pinged; then
     * connections are opened until this key has {@code min_idle} idle ones.
     */
    void maintain() {
        if (closed) {
            return;
        }
        for (LoopState ls : loops.values()) {
            try {
                ls.loop.execute(() -> maintainLoop(ls));
            } catch (RejectedExecutionException e) {
                // The loop is shutting down.
            }
        }
        if (!slots.down) {
            warmUp();
        }
    }

    private void maintainLoop(LoopState ls) {
        long now = System.nanoTime();
        long idleTimeout = TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMs());
        List<BackendConnection> toPing = null;
        // Oldest first: the bottom of the stack is what ages out.
        Iterator<BackendConnection> it = ls.idle.descendingIterator();
        while (it.hasNext()) {
            BackendConnection c = it.next();
            if (!reusable(c, now)) {
                it.remove();
                idleRemoved(ls);
                retire(c);
            } else if (idleTimeout > 0 && now - c.poolEntry.releasedNanos >= idleTimeout && takeIdleAboveMinimum()) {
                it.remove();
                idleRemoved(ls, false);
                log.debug("node={} thread={} idle for {} ms, closing", node().name(), c.serverThreadId(),
                    settings.idleTimeoutMs());
                retire(c);
            } else if (needsPing(c, now)) {
                it.remove();
                idleRemoved(ls, false); // still counts towards min_idle while pinged
                c.poolEntry.state = PoolEntry.State.CHECKING;
                if (toPing == null) {
                    toPing = new ArrayList<>();
                }
                toPing.add(c);
            }
        }
        if (toPing != null) {
            for (BackendConnection c : toPing) {
                keepAlive(ls, c);
            }
        }
    }

    private void keepAlive(LoopState ls, BackendConnection c) {
        long start = System.nanoTime();
        c.ping(settings.connectTimeoutMs()).addListener((Future<OkPacket> f) -> {
            idleOfKey.decrementAndGet();
            if (f.isSuccess() && c.isUsable() && !closed && !slots.down) {
                slots.stats.latencySince(start);
                offerIdle(ls, c, false);
            } else {
                log.debug("node={} thread={} idle connection failed its ping, closing", node().name(), c.serverThreadId());
                retire(c);
            }
        });
    }

    private void warmUp() {
        int deficit = settings.minIdle() - idleOfKey.get() - warming.get();
        for (; deficit > 0 && slots.tryAcquire(); deficit--) {
            warming.incrementAndGet();
            EventLoop loop = group.next();
            LoopState ls = loopState(loop);
            try {
                loop.execute(() -> openIdle(ls));
            } catch (RejectedExecutionException e) {
                warming.decrementAndGet();
                slots.passSlot();
                return;
            }
        }
    }

    private void openIdle(LoopState ls) {
        openCounted(ls, "a connection for min_idle").addListener((Future<BackendConnection> f) -> {
            if (f.isSuccess()) {
                offerIdle(ls, f.getNow(), false);
            }
            warming.decrementAndGet();
        });
    }

    // ---- node down, shutdown -----------------------------------------------------------------------------

    /** Closes every idle connection of this key at once (on each loop); lent ones are not affected. */
    public void closeIdle() {
        forEachLoop(this::closeIdleOn);
    }

    /**
     * Fails every connection of this key that is lent right now: each is closed at once and its session's
     * {@link ResponseSink#onBackendLost} gets a {@link NodeUnavailableException}. Sessions still release them.
     */
    public void abortAll() {
        forEachLoop(this::abortLentOn);
    }

    /**
     * The node went down: for every key of the node, waiting requests fail, idle connections are closed, lent
     * ones are aborted ({@link #abortAll()}), and new requests fail with {@link NodeUnavailableException} until
     * {@link #resume()}.
     */
    public void shutdownNode() {
        slots.down = true;
        for (NodePool pool : slots.pools) {
            pool.shutdownKey();
        }
    }

    /** Fails waiting requests, closes idle connections and aborts lent ones of this key. */
    void shutdownKey() {
        forEachLoop(ls -> {
            failWaiters(ls);
            closeIdleOn(ls);
            abortLentOn(ls);
        });
    }

    /** The node is back: requests are served again (and {@code min_idle} is restored by the maintenance task). */
    public void resume() {
        slots.down = false;
    }

    /** Closes this key's pool for good: like {@link #shutdownNode()} for this key only; later requests fail. */
    void close() {
        closed = true;
        shutdownKey();
        slots.pools.remove(this);
    }

    private void forEachLoop(java.util.function.Consumer<LoopState> action) {
        for (LoopState ls : loops.values()) {
            if (ls.loop.inEventLoop()) {
                action.accept(ls);
            } else {
                try {
                    ls.loop.execute(() -> action.accept(ls));
                } catch (RejectedExecutionException e) {
                    // The loop is shutting down and takes its channels with it.
                }
            }
        }
    }

    private void closeIdleOn(LoopState ls) {
        BackendConnection c;
        while ((c = ls.idle.pollFirst()) != null) {
            idleRemoved(ls);
            retire(c);
        }
    }

    private void abortLentOn(LoopState ls) {
        if (ls.lent.isEmpty()) {
            return;
        }
        NodeUnavailableException cause = new NodeUnavailableException(node(), "database node '" + node().name()
            + "' (" + node().address() + ") was taken out of service");
        for (BackendConnection c : new ArrayList<>(ls.lent)) {
            c.abort(cause);
        }
    }

    private void failWaiters(LoopState ls) {
        Waiter w;
        while ((w = pollWaiter(ls)) != null) {
            w.promise.tryFailure(unavailable());
        }
    }

    private NodeUnavailableException unavailable() {
        return new NodeUnavailableException(node(), closed
            ? "the connection pool of database node '" + node().name() + "' is closed"
            : "database node '" + node().name() + "' (" + node().address() + ") is out of service");
    }

    @Override
    public String toString() {
        return "NodePool{" + key + "}";
    }
}
