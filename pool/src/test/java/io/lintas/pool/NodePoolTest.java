package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool's mechanics against an in-process fake server, on two NIO event loops. */
class NodePoolTest {
    static final BackendCredentials APP = new BackendCredentials("app", null);
    static EventLoopGroup group;
    static EventLoop loop1;
    static EventLoop loop2;
    FakeMysqlServer server;
    BackendNode node;
    BackendPool backendPool;
    PoolKey key;

    @BeforeAll
    static void loops() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Iterator<?> it = group.iterator();
        loop1 = (EventLoop) it.next();
        loop2 = (EventLoop) it.next();
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void start() throws Exception {
        server = new FakeMysqlServer();
        node = server.node("fake");
        key = PoolKey.of(node, APP, Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_PROTOCOL_41);
    }

    @AfterEach
    void stop() {
        if (backendPool != null) {
            backendPool.close();
        }
        server.close();
    }

    private NodePool pool(PoolSettings settings) {
        // Maintenance only when a test runs it.
        backendPool = new BackendPool(group, NioSocketChannel.class, new PoolConfig(settings, Map.of(), 600_000));
        return backendPool.pool(key);
    }

    private static PoolSettings settings() {
        return PoolSettings.DEFAULTS.withIdlePingMs(0).withQueueTimeoutMs(2000);
    }

    private static BackendConnection get(Future<BackendConnection> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    private static void release(NodePool pool, BackendConnection c) throws Exception {
        Relay.onLoop(c, () -> {
            pool.release(c);
            return null;
        });
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(2);
        }
    }

    private static Throwable failure(Future<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void reuseIsLifoOnTheSameLoopAndCompletesOnIt() throws Exception {
        NodePool pool = pool(settings());
        AtomicBoolean onLoop = new AtomicBoolean();
        Future<BackendConnection> fa = pool.borrow(loop1);
        fa.addListener(f -> onLoop.set(loop1.inEventLoop()));
        BackendConnection a = get(fa);
        BackendConnection b = get(pool.borrow(loop1));
        assertTrue(onLoop.get(), "future completes on the borrower's loop");
        assertSame(loop1, a.channel().eventLoop());
        assertSame(loop1, b.channel().eventLoop());
        assertEquals(2, pool.stats().used());
        release(pool, a);
        release(pool, b);
        assertEquals(0, pool.stats().used());
        assertEquals(2, pool.stats().free());
        assertSame(b, get(pool.borrow(loop1)), "most recently released first");
        assertSame(a, get(pool.borrow(loop1)));
        assertEquals(2, server.accepted.get());
        assertEquals(2, pool.stats().ok());
        assertEquals(2, pool.stats().maxUsed());
    }

    @Test
    void connectionsStayOnTheirLoop() throws Exception {
        NodePool pool = pool(settings());
        BackendConnection a = get(pool.borrow(loop1));
        release(pool, a);
        BackendConnection b = get(pool.borrow(loop2));
        assertNotEquals(a.serverThreadId(), b.serverThreadId());
        assertSame(loop2, b.channel().eventLoop());
        assertEquals(1, pool.stats().free());
    }

    @Test
    void borrowFromAnyThreadAndReleaseFromAnyThread() throws Exception {
        NodePool pool = pool(settings());
        BackendConnection a = get(pool.borrow(loop2));
        pool.release(a); // from the test thread: hops to the loop
        await(() -> pool.stats().free() == 1, "released");
        assertSame(a, get(pool.borrow(loop2)));
    }

    @Test
    void atTheLimitAWaiterOnTheSameLoopGetsTheReleasedConnection() throws Exception {
        NodePool pool = pool(settings().withMaxConnections(1));
        BackendConnection a = get(pool.borrow(loop1));
        Future<BackendConnection> waiting = pool.borrow(loop1);
        await(() -> pool.stats().waiting() == 1, "queued");
        assertFalse(waiting.isDone());
        release(pool, a);
        assertSame(a, get(waiting));
        assertEquals(1, server.accepted.get());
        assertEquals(0, pool.stats().waiting());
    }

    @Test
    void queueTimeoutNamesTheNodeAndTheLimit() throws Exception {
        NodePool pool = pool(settings().withMaxConnections(1).withQueueTimeoutMs(100));
        get(pool.borrow(loop1));
        long start = System.nanoTime();
        Throwable t = failure(pool.borrow(loop2));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        PoolExhaustedException e = assertInstanceOf(PoolExhaustedException.class, t);
        assertEquals("fake: all 1 connections busy for 100 ms (max_connections=1)", e.getMessage());
        assertEquals(1, e.maxConnections());
        assertTrue(waited >= 90, "waited " + waited);
        assertEquals(1, pool.stats().queueTimeouts());
        assertEquals(0, pool.stats().waiting());
    }

    @Test
    void idleConnectionOnAnotherLoopIsClosedToOpenOneHere() throws Exception {
        NodePool pool = pool(settings().withMaxConnections(1));
        BackendConnection a = get(pool.borrow(loop1));
        release(pool, a);
        BackendConnection b = get(pool.borrow(loop2));
        assertSame(loop2, b.channel().eventLoop());
        assertNotEquals(a.serverThreadId(), b.serverThreadId());
        await(() -> !a.channel().isOpen(), "the idle one on loop1 is closed");
        assertEquals(1, pool.slots().highWater.get());
        assertEquals(0, pool.stats().free());
    }

    @Test
    void releaseHandsTheSlotToAWaiterOnAnotherLoop() throws Exception {
        NodePool pool = pool(settings().withMaxConnections(1));
        BackendConnection a = get(pool.borrow(loop1));
        Future<BackendConnection> waiting = pool.borrow(loop2);
        await(() -> pool.stats().waiting() == 1, "queued");
        release(pool, a);
        BackendConnection b = get(waiting);
        assertSame(loop2, b.channel().eventLoop());
        await(() -> !a.channel().isOpen(), "closed on loop1");
        assertEquals(1, pool.slots().highWater.get());
    }

    @Test
    void uncleanConnectionsAreClosedOnRelease() throws Exception {
        NodePool pool = pool(settings());
        // Dirty.
        BackendConnection dirty = get(pool.borrow(loop1));
        dirty.markDirty();
        release(pool, dirty);
        // Inside a transaction.
        BackendConnection inTrans = get(pool.borrow(loop1));
        assertNotEquals(dirty.serverThreadId(), inTrans.serverThreadId());
        Relay.query(inTrans, "BEGIN");
        release(pool, inTrans);
        // Abandoned mid-command.
        BackendConnection midCommand = get(pool.borrow(loop1));
        Relay.onLoop(midCommand, () -> {
            midCommand.startCommand(Command.COM_QUERY, false, new Relay.CollectingSink(loop1));
            return null;
        });
        release(pool, midCommand);
        // Broken.
        BackendConnection broken = get(pool.borrow(loop1));
        Relay.onLoop(broken, () -> {
            broken.abort();
            return null;
        });
        release(pool, broken);
        for (BackendConnection c : List.of(dirty, inTrans, midCommand, broken)) {
            await(() -> !c.channel().isOpen(), "closed " + c.serverThreadId());
        }
        assertEquals(0, pool.stats().free());
        assertEquals(0, pool.slots().open.get());
        assertEquals(4, server.accepted.get());
        BackendConnection fresh = get(pool.borrow(loop1));
        assertTrue(Relay.onLoop(fresh, fresh::isUsable));
    }

    @Test
    void warningsAreClearedBeforeTheConnectionIsLentAgain() throws Exception {
        NodePool pool = pool(settings());
        BackendConnection a = get(pool.borrow(loop1));
        Relay.query(a, "WARN once");
        assertEquals(1, Relay.onLoop(a, a::warnings));
        // A later answer that reports none (SHOW WARNINGS, a table-less SELECT) does not mean they are gone.
        Relay.query(a, "SELECT v");
        assertEquals(0, Relay.onLoop(a, a::warnings));
        release(pool, a);
        await(() -> pool.stats().free() == 1, "idle again after the clear");
        assertEquals(NodePool.CLEAR_WARNINGS, server.queries.get(server.queries.size() - 1));
        BackendConnection again = get(pool.borrow(loop1));
        assertSame(a, again);
        assertFalse(Relay.onLoop(again, again::mayHoldWarnings));
        // Warnings that cannot be cleared leave with their connection.
        server.refuseDo = true;
        Relay.query(again, "WARN twice");
        release(pool, again);
        await(() -> !again.channel().isOpen(), "closed");
        assertEquals(0, pool.stats().free());
        assertEquals(0, pool.slots().open.get());
        assertNotEquals(a.serverThreadId(), get(pool.borrow(loop1)).serverThreadId());
    }

    @Test
    void doubleOrForeignReleaseIsRejected() throws Exception {
        NodePool pool = pool(settings());
        BackendConnection a = get(pool.borrow(loop1));
        release(pool, a);
        ExecutionException twice = assertThrows(ExecutionException.class, () -> release(pool, a));
        assertInstanceOf(IllegalStateException.class, twice.getCause());
        BackendConnection foreign = new BackendConnector(NioSocketChannel.class, 1000)
            .connect(loop1, node, LoginRequest.forPool(key, false)).get(5, TimeUnit.SECONDS);
        assertThrows(IllegalArgumentException.class, () -> pool.release(foreign));
    }

    @Test
    void connectionClosedByTheServerWhileIdleIsDropped() throws Exception {
        NodePool pool = pool(settings());
        BackendConnection a = get(pool.borrow(loop1));
        release(pool, a);
        server.kill(a.serverThreadId());
        await(() -> pool.stats().free() == 0, "the idle stack forgets it");
        assertEquals(0, pool.slots().open.get());
        BackendConnection b = get(pool.borrow(loop1));
        assertNotEquals(a.serverThreadId(), b.serverThreadId());
    }

    @Test
    void killedConnectionIsReplacedByTheCheckBeforeReuse() throws Exception {
        NodePool pool = pool(settings().withIdlePingMs(1));
        BackendConnection a = get(pool.borrow(loop1));
        release(pool, a);
        Thread.sleep(5);
        server.kill(a.serverThreadId());
        BackendConnection b = get(pool.borrow(loop1)); // whether the close or the ping notices it first
        assertNotEquals(a.serverThreadId(), b.serverThreadId());
        assertTrue(Relay.onLoop(b, b::isUsable));
    }

    @Test
    void idleConnectionIsPingedBeforeReuse() throws Exception {
        NodePool pool = pool(settings().withIdlePingMs(20));
        BackendConnection a = get(pool.borrow(loop1));
        release(pool, a);
        assertSame(a, get(pool.borrow(loop1)), "recently used: no ping");
        assertEquals(0, server.pings.get());
        release(pool, a);
        Thread.sleep(30);
        assertSame(a, get(pool.borrow(loop1)));
        assertEquals(1, server.pings.get());
        assertTrue(pool.stats().latencyUs() > 0);
    }

    @Test
    void unansweredPingReplacesTheConnection() throws Exception {
        NodePool pool = pool(settings().withIdlePingMs(1).withConnectTimeoutMs(150));
        BackendConnection a = get(pool.borrow(loop1));
        release(pool, a);
        Thread.sleep(5);
        server.answerPings = false;
        BackendConnection b = get(pool.borrow(loop1));
        assertNotEquals(a.serverThreadId(), b.serverThreadId());
        assertFalse(a.channel().isOpen());
        assertEquals(1, pool.slots().open.get());
    }

    @Test
    void connectionPastItsLifetimeIsRetired() throws Exception {
        NodePool pool = pool(settings().withMaxLifetimeMs(300));
        BackendConnection a = get(pool.borrow(loop1));
        release(pool, a);
        assertSame(a, get(pool.borrow(loop1)));
        Thread.sleep(310);
        release(pool, a);
        await(() -> !a.channel().isOpen(), "retired on release");
        assertEquals(0, pool.stats().free());
        assertNotEquals(a.serverThreadId(), get(pool.borrow(loop1)).serverThreadId());
    }

    @Test
    void maintenanceKeepsMinIdleAndPingsAndAgesOut() throws Exception {
        NodePool pool = pool(settings().withMinIdle(2).withIdlePingMs(10).withIdleTimeoutMs(60));
        await(() -> pool.stats().free() == 2, "min_idle warmed at creation");
        assertEquals(2, server.accepted.get());
        Thread.sleep(15);
        pool.maintain();
        await(() -> server.pings.get() == 2, "idle connections pinged");
        await(() -> pool.stats().free() == 2, "and kept");
        // Above min_idle, unused connections age out.
        List<BackendConnection> lent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            lent.add(get(pool.borrow(i % 2 == 0 ? loop1 : loop2)));
        }
        for (BackendConnection c : lent) {
            release(pool, c);
        }
        assertEquals(4, pool.stats().free());
        Thread.sleep(70);
        pool.maintain();
        await(() -> pool.stats().free() == 2 && pool.slots().open.get() == 2, "aged out down to min_idle");
    }

    @Test
    void shutdownNodeFailsEverythingUntilResumed() throws Exception {
        NodePool pool = pool(settings().withMaxConnections(2).withQueueTimeoutMs(5000));
        BackendConnection lent = get(pool.borrow(loop1));
        Relay.CollectingSink sink = new Relay.CollectingSink(loop1);
        Relay.onLoop(lent, () -> {
            lent.startCommand(Command.COM_QUERY, false, sink);
            return null;
        });
        BackendConnection lent2 = get(pool.borrow(loop2));
        Future<BackendConnection> waiter = pool.borrow(loop2);
        await(() -> pool.stats().waiting() == 1, "queued");

        pool.shutdownNode();
        assertTrue(pool.isNodeDown());
        assertInstanceOf(NodeUnavailableException.class, failure(waiter));
        assertInstanceOf(NodeUnavailableException.class, failure(sink.done), "the session hears about it");
        assertInstanceOf(NodeUnavailableException.class, failure(pool.borrow(loop1)));
        await(() -> !lent.channel().isOpen() && !lent2.channel().isOpen(), "lent ones closed");
        await(() -> pool.slots().open.get() == 0, "slots freed");
        release(pool, lent);
        release(pool, lent2);
        assertEquals(0, pool.stats().used());
        assertEquals(0, pool.stats().waiting());

        pool.resume();
        BackendConnection back = get(pool.borrow(loop1));
        assertTrue(Relay.onLoop(back, back::isUsable));
    }

    @Test
    void shutdownNodeClosesIdleConnectionsOfEveryKey() throws Exception {
        NodePool pool = pool(settings());
        NodePool pool2 = backendPool.pool(PoolKey.of(node, APP, Capabilities.CLIENT_SESSION_TRACK));
        BackendConnection a = get(pool.borrow(loop1));
        BackendConnection b = get(pool2.borrow(loop2));
        release(pool, a);
        release(pool2, b);
        assertEquals(2, pool.stats().free());
        backendPool.shutdownNode(node);
        await(() -> !a.channel().isOpen() && !b.channel().isOpen(), "idle ones closed");
        assertEquals(0, pool.stats().free());
        assertInstanceOf(NodeUnavailableException.class, failure(pool2.borrow(loop1)));
        backendPool.resume(node);
        get(pool2.borrow(loop1));
    }

    @Test
    void closeIdleAndAbortAll() throws Exception {
        NodePool pool = pool(settings());
        BackendConnection a = get(pool.borrow(loop1));
        BackendConnection b = get(pool.borrow(loop2));
        release(pool, a);
        Relay.CollectingSink sink = new Relay.CollectingSink(loop2);
        Relay.onLoop(b, () -> {
            b.startCommand(Command.COM_QUERY, false, sink);
            return null;
        });
        pool.closeIdle();
        await(() -> !a.channel().isOpen(), "idle closed");
        assertTrue(b.channel().isOpen(), "lent one untouched");
        pool.abortAll();
        assertInstanceOf(NodeUnavailableException.class, failure(sink.done));
        release(pool, b);
        assertFalse(pool.isNodeDown(), "only shutdownNode refuses new requests");
        assertTrue(get(pool.borrow(loop1)).channel().isOpen());
    }

    @Test
    void failedConnectCountsAndFreesTheSlot() throws Exception {
        NodePool pool = pool(settings().withMaxConnections(1));
        server.refuseLogin = true;
        Throwable t = failure(pool.borrow(loop1));
        BackendLoginException e = assertInstanceOf(BackendLoginException.class, t);
        assertEquals(1045, e.serverError().errorCode());
        assertEquals(1, pool.stats().err());
        assertEquals(0, pool.slots().open.get());
        server.refuseLogin = false;
        get(pool.borrow(loop1));
        assertEquals(1, pool.stats().ok());
    }

    @Test
    void unreachableNodeFailsFast() throws Exception {
        backendPool = new BackendPool(group, NioSocketChannel.class, PoolConfig.of(settings()));
        int port = server.port();
        server.close();
        NodePool pool = backendPool.pool(PoolKey.of(new BackendNode("gone", "127.0.0.1", port), APP, 0));
        BackendLoginException e = assertInstanceOf(BackendLoginException.class, failure(pool.borrow(loop1)));
        assertTrue(e.getMessage().contains("cannot connect to gone"), e.getMessage());
        assertEquals(1, pool.stats().err());
        server = new FakeMysqlServer(); // for @AfterEach
    }

    @Test
    void cancelledRequestLeavesTheQueue() throws Exception {
        NodePool pool = pool(settings().withMaxConnections(1));
        BackendConnection a = get(pool.borrow(loop1));
        Future<BackendConnection> waiting = pool.borrow(loop1);
        await(() -> pool.stats().waiting() == 1, "queued");
        assertTrue(waiting.cancel(false));
        await(() -> pool.stats().waiting() == 0, "dequeued");
        release(pool, a);
        assertEquals(1, pool.stats().free());
        assertSame(a, get(pool.borrow(loop1)));
    }

    @Test
    void keysOfOneNodeShareItsLimit() throws Exception {
        NodePool pool = pool(settings().withMaxConnections(1));
        PoolKey other = PoolKey.of(node, new BackendCredentials("app2", null), 0);
        NodePool pool2 = backendPool.pool(other);
        BackendConnection a = get(pool.borrow(loop1));
        release(pool, a);
        BackendConnection b = get(pool2.borrow(loop1));
        assertNotEquals(a.serverThreadId(), b.serverThreadId());
        await(() -> !a.channel().isOpen(), "the other key's idle connection made room");
        assertEquals(1, pool.slots().highWater.get());
        // And a request of the first key waits for the second key's connection.
        Future<BackendConnection> waiting = pool.borrow(loop2);
        await(() -> pool.stats().waiting() == 1, "queued");
        release(pool2, b);
        assertSame(loop2, get(waiting).channel().eventLoop());
        assertEquals(1, pool.slots().highWater.get());
    }

    @Test
    void statisticsMove() throws Exception {
        NodePool pool = pool(settings());
        BackendConnection a = get(pool.borrow(loop1));
        PoolStats before = pool.stats();
        Relay.query(a, "SELECT hello");
        Relay.query(a, "SET time_zone='+01:00'");
        PoolStats after = pool.stats();
        assertEquals(before.queries() + 2, after.queries());
        assertTrue(after.bytesSent() > before.bytesSent());
        assertTrue(after.bytesReceived() > before.bytesReceived());
        assertEquals("fake", after.node());
        assertEquals(node.address(), after.address());
        assertEquals(1, after.used());
        assertEquals(50, after.maxConnections());
        assertTrue(after.latencyUs() > 0);
        assertEquals(after, backendPool.stats(node));
        assertEquals(List.of(after), backendPool.stats());
    }

    @Test
    void churnWithTwoKeysCancellationsAndDirtyReleasesLeaksNoSlot() throws Exception {
        EventLoopGroup four = new MultiThreadIoEventLoopGroup(4, NioIoHandler.newFactory());
        try {
            backendPool = new BackendPool(four, NioSocketChannel.class,
                // Generous login timeout: this test is about slot accounting, and the machine may be loaded.
                PoolConfig.of(settings().withMaxConnections(4).withQueueTimeoutMs(10_000).withConnectTimeoutMs(10_000)));
            NodePool a = backendPool.pool(key);
            NodePool b = backendPool.pool(PoolKey.of(node, new BackendCredentials("app2", null), 0));
            int n = 400;
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            AtomicInteger served = new AtomicInteger();
            AtomicInteger cancelled = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<Future<BackendConnection>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                NodePool pool = i % 3 == 0 ? b : a;
                Future<BackendConnection> f = pool.borrow(four.next());
                f.addListener(done -> {
                    if (done.isCancelled()) {
                        cancelled.incrementAndGet();
                        return;
                    }
                    if (!done.isSuccess()) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, done.cause());
                        return;
                    }
                    BackendConnection c = (BackendConnection) done.getNow();
                    served.incrementAndGet();
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    if (r.nextInt(10) == 0) {
                        c.markDirty();
                    }
                    c.channel().eventLoop().schedule(() -> pool.release(c), r.nextInt(2), TimeUnit.MILLISECONDS);
                });
                if (i % 20 == 7) {
                    f.cancel(false);
                }
                all.add(f);
            }
            await(() -> served.get() + cancelled.get() + failed.get() == n, "every request settled");
            assertEquals(0, failed.get(), () -> "first failure: " + firstFailure.get());
            NodeSlots slots = a.slots();
            assertTrue(slots.highWater.get() <= 4, "high water " + slots.highWater.get());
            await(() -> slots.used.get() == 0 && slots.waiting.get() == 0, "all released");
            // Every slot still taken belongs to an idle connection: none leaked.
            await(() -> slots.open.get() == slots.idle.get(), "open " + slots.open.get() + " == idle " + slots.idle.get());
        } finally {
            backendPool.close();
            backendPool = null;
            four.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void manyBorrowersOnManyLoopsNeverExceedTheLimit() throws Exception {
        EventLoopGroup four = new MultiThreadIoEventLoopGroup(4, NioIoHandler.newFactory());
        try {
            backendPool = new BackendPool(four, NioSocketChannel.class,
                PoolConfig.of(settings().withMaxConnections(3).withQueueTimeoutMs(10_000)));
            NodePool pool = backendPool.pool(key);
            int n = 300;
            AtomicInteger served = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<Future<BackendConnection>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                EventLoop loop = four.next();
                Future<BackendConnection> f = pool.borrow(loop);
                f.addListener(done -> {
                    if (!done.isSuccess()) {
                        failed.incrementAndGet();
                        return;
                    }
                    BackendConnection c = (BackendConnection) done.getNow();
                    served.incrementAndGet();
                    // Hold it briefly, sometimes relay a query, then give it back on its loop.
                    int hold = ThreadLocalRandom.current().nextInt(3);
                    c.channel().eventLoop().schedule(() -> pool.release(c), hold, TimeUnit.MILLISECONDS);
                });
                all.add(f);
            }
            for (Future<BackendConnection> f : all) {
                try {
                    f.get(15, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("a borrower hangs", e);
                }
            }
            // get() returns when a future completes; its listeners may still be running.
            await(() -> served.get() + failed.get() == n, "every listener ran");
            assertEquals(n, served.get());
            assertEquals(0, failed.get());
            assertTrue(pool.slots().highWater.get() <= 3, "high water " + pool.slots().highWater.get());
            await(() -> pool.stats().used() == 0, "all released");
            assertEquals(0, pool.stats().waiting());
            assertTrue(pool.slots().open.get() <= 3);
            assertTrue(pool.stats().maxUsed() <= 3);
        } finally {
            backendPool.close();
            backendPool = null;
            four.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
