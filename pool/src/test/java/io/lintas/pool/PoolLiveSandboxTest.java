package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.auth.NativePassword;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SessionStateChange;
import io.lintas.wire.message.SessionStateChange.Schema;
import io.lintas.wire.message.SessionStateChange.SystemVariable;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lintas.pool.NodePoolTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pool against node3 of the running sandbox cluster (bin/lintas-sandbox), on two NIO event loops.
 * Skipped when 127.0.0.1:3313 is not reachable. The cluster is shared: these tests only run ordinary
 * statements and KILL connections they opened themselves.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolLiveSandboxTest {
    static final BackendNode NODE3 = new BackendNode("node3", "127.0.0.1", 3313);
    static final BackendCredentials APP = new BackendCredentials("app", NativePassword.stage1("app"));
    /** What a MariaDB Connector/J or libmariadb client typically negotiates (without session tracking). */
    static final long CLIENT = Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_MULTI_RESULTS
        | Capabilities.CLIENT_PS_MULTI_RESULTS | Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_TRANSACTIONS
        | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_LONG_PASSWORD;

    static EventLoopGroup group;
    static EventLoop loop1;
    static EventLoop loop2;
    BackendPool backendPool;

    @BeforeAll
    static void sandboxRunning() {
        assumeTrue(reachable(3313), "sandbox node3 not running on 127.0.0.1:3313");
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Iterator<?> it = group.iterator();
        loop1 = (EventLoop) it.next();
        loop2 = (EventLoop) it.next();
    }

    @AfterAll
    static void stopLoops() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @AfterEach
    void closePool() {
        if (backendPool != null) {
            backendPool.close();
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

    private NodePool pool(PoolSettings settings, long clientCapabilities) {
        backendPool = new BackendPool(group, NioSocketChannel.class, new PoolConfig(settings, Map.of(), 600_000));
        return backendPool.pool(PoolKey.of(NODE3, APP, clientCapabilities));
    }

    private static PoolSettings settings() {
        return PoolSettings.DEFAULTS.withConnectTimeoutMs(3000).withQueueTimeoutMs(3000);
    }

    private static BackendConnection get(Future<BackendConnection> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static void release(NodePool pool, BackendConnection c) throws Exception {
        Relay.onLoop(c, () -> {
            pool.release(c);
            return null;
        });
    }

    /** The only value of a one-row, one-column text result. */
    private static String scalar(BackendConnection c, String sql) throws Exception {
        Relay.Response r = Relay.query(c, sql);
        byte[] row = r.frames().get(r.frames().size() - 2);
        return LengthEncoded.readString(Unpooled.wrappedBuffer(row, 4, row.length - 4));
    }

    @Test
    void releasedConnectionIsReusedWithItsServerThread() throws Exception {
        NodePool pool = pool(settings(), CLIENT);
        BackendConnection a = get(pool.borrow(loop1));
        long thread = a.serverThreadId();
        assertEquals(String.valueOf(thread), scalar(a, "SELECT CONNECTION_ID()"));
        release(pool, a);
        BackendConnection again = get(pool.borrow(loop1));
        assertEquals(thread, again.serverThreadId());
        assertEquals(String.valueOf(thread), scalar(again, "SELECT CONNECTION_ID()"));
        // Another loop gets its own connection.
        BackendConnection other = get(pool.borrow(loop2));
        assertNotEquals(thread, other.serverThreadId());
        assertEquals(loop2, other.channel().eventLoop());
        release(pool, again);
        release(pool, other);
        assertEquals(2, pool.stats().free());
        assertEquals(2, pool.stats().ok());
    }

    @Test
    void twentyBorrowersOnTwoConnectionsAreServedOrTimedOut() throws Exception {
        NodePool pool = pool(settings().withMaxConnections(2).withQueueTimeoutMs(300), CLIENT);
        AtomicInteger served = new AtomicInteger();
        AtomicInteger exhausted = new AtomicInteger();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        List<Promise<Void>> finished = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            EventLoop loop = i % 2 == 0 ? loop1 : loop2;
            Promise<Void> done = loop.newPromise();
            finished.add(done);
            pool.borrow(loop).addListener((Future<BackendConnection> f) -> {
                if (!f.isSuccess()) {
                    if (f.cause() instanceof PoolExhaustedException pe
                        && pe.getMessage().equals("node3: all 2 connections busy for 300 ms (max_connections=2)")) {
                        exhausted.incrementAndGet();
                    } else {
                        unexpected.add(f.cause());
                    }
                    done.setSuccess(null);
                    return;
                }
                // Served: hold the connection for a real statement of ~50 ms, then give it back.
                BackendConnection c = f.getNow();
                served.incrementAndGet();
                Relay.send(c, Command.COM_QUERY, "DO SLEEP(0.05)").addListener(q -> {
                    if (!q.isSuccess()) {
                        unexpected.add(q.cause());
                    }
                    pool.release(c);
                    done.setSuccess(null);
                });
            });
        }
        for (Promise<Void> done : finished) {
            try {
                done.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("a borrower hangs", e);
            }
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(List.of(), unexpected);
        assertEquals(20, served.get() + exhausted.get());
        assertTrue(served.get() >= 2, "served " + served);
        assertTrue(exhausted.get() >= 1, "with 20 x 50 ms of work on 2 connections and a 300 ms queue, some time out");
        assertTrue(pool.slots().highWater.get() <= 2, "high water " + pool.slots().highWater.get());
        assertTrue(pool.stats().maxUsed() <= 2);
        assertEquals(exhausted.get(), pool.stats().queueTimeouts());
        assertTrue(tookMs < 10_000, "bounded: " + tookMs + " ms");
        await(() -> pool.stats().used() == 0, "all released");
        assertTrue(pool.stats().free() <= 2);
    }

    @Test
    void killedConnectionIsNotLentAgain() throws Exception {
        NodePool pool = pool(settings(), CLIENT);
        BackendConnection victim = get(pool.borrow(loop1));
        long thread = victim.serverThreadId();
        release(pool, victim);
        assertEquals(1, pool.stats().free());
        // KILL from another connection we opened ourselves.
        BackendConnection killer = new BackendConnector(NioSocketChannel.class, 3000)
            .connect(loop2, NODE3, LoginRequest.forPool(PoolKey.of(NODE3, APP, CLIENT), false)).get(10, TimeUnit.SECONDS);
        try {
            killer.executeInternal("KILL " + thread, 3000).get(10, TimeUnit.SECONDS);
        } finally {
            Relay.onLoop(killer, () -> {
                killer.close();
                return null;
            });
        }
        await(() -> pool.stats().free() == 0, "the killed idle connection is dropped");
        BackendConnection fresh = get(pool.borrow(loop1));
        assertNotEquals(thread, fresh.serverThreadId());
        assertEquals(String.valueOf(fresh.serverThreadId()), scalar(fresh, "SELECT CONNECTION_ID()"));
    }

    @Test
    void killedConnectionIsReplacedTransparentlyWhenCheckedBeforeReuse() throws Exception {
        NodePool pool = pool(settings().withIdlePingMs(1), CLIENT);
        BackendConnection victim = get(pool.borrow(loop1));
        long thread = victim.serverThreadId();
        release(pool, victim);
        BackendConnection killer = new BackendConnector(NioSocketChannel.class, 3000)
            .connect(loop2, NODE3, LoginRequest.forPool(PoolKey.of(NODE3, APP, CLIENT), false)).get(10, TimeUnit.SECONDS);
        killer.executeInternal("KILL " + thread, 3000).get(10, TimeUnit.SECONDS);
        Relay.onLoop(killer, () -> {
            killer.close();
            return null;
        });
        // Borrow at once: either the close was seen already, or the ping before reuse finds it dead.
        BackendConnection fresh = get(pool.borrow(loop1));
        assertNotEquals(thread, fresh.serverThreadId());
        assertEquals("1", scalar(fresh, "SELECT 1"));
    }

    @Test
    void pingAndIdleKeepAlive() throws Exception {
        NodePool pool = pool(settings().withIdlePingMs(1), CLIENT);
        BackendConnection c = get(pool.borrow(loop1));
        long connectLatency = pool.stats().latencyUs();
        assertTrue(connectLatency > 0);
        OkPacket ok = c.ping(3000).get(10, TimeUnit.SECONDS);
        assertTrue(ServerStatus.has(ok.statusFlags(), ServerStatus.AUTOCOMMIT));
        release(pool, c);
        Thread.sleep(5);
        long before = pool.stats().latencyUs();
        pool.maintain();
        loop1.submit(() -> { }).get(5, TimeUnit.SECONDS); // the maintenance task ran: the ping is under way
        await(() -> pool.stats().free() == 1 && pool.stats().pending() == 0, "pinged and back in the pool");
        assertTrue(pool.stats().latencyUs() > 0 && before > 0);
        assertEquals(c, get(pool.borrow(loop1)), "the same connection, still alive");
    }

    @Test
    void statisticsMove() throws Exception {
        NodePool pool = pool(settings(), CLIENT);
        PoolStats zero = pool.stats();
        BackendConnection c = get(pool.borrow(loop1));
        PoolStats afterConnect = pool.stats();
        assertEquals(zero.ok() + 1, afterConnect.ok());
        assertEquals(1, afterConnect.used());
        assertEquals(1, afterConnect.maxUsed());
        assertTrue(afterConnect.bytesSent() > 0 && afterConnect.bytesReceived() > 0);
        assertTrue(afterConnect.latencyUs() > 0);
        scalar(c, "SELECT 'hello'");
        scalar(c, "SELECT REPEAT('x', 1000)");
        PoolStats afterQueries = pool.stats();
        assertEquals(afterConnect.queries() + 2, afterQueries.queries());
        assertTrue(afterQueries.bytesReceived() >= afterConnect.bytesReceived() + 1000);
        assertTrue(afterQueries.bytesSent() > afterConnect.bytesSent());
        release(pool, c);
        PoolStats afterRelease = pool.stats();
        assertEquals(0, afterRelease.used());
        assertEquals(1, afterRelease.free());
        assertEquals("node3", afterRelease.node());
        assertEquals("127.0.0.1:3313", afterRelease.address());
        assertEquals(0, afterRelease.err());
    }

    @Test
    void sessionStateChangesAreReportedAndHiddenFromClientsThatDidNotAsk() throws Exception {
        NodePool pool = pool(settings(), CLIENT);
        BackendConnection c = get(pool.borrow(loop1));
        assertTrue(c.tracksSessionState());
        assertTrue(Capabilities.has(c.capabilities(), Capabilities.CLIENT_SESSION_TRACK));

        Relay.Response names = Relay.query(c, "SET NAMES utf8mb4");
        assertTrue(names.changes().contains(new SystemVariable("character_set_client", "utf8mb4")), names.changes().toString());
        assertTrue(names.changes().contains(new SystemVariable("character_set_results", "utf8mb4")), names.changes().toString());
        assertPlainOk(names);

        Relay.Response tz = Relay.query(c, "SET time_zone='+02:00'");
        assertTrue(tz.changes().contains(new SystemVariable("time_zone", "+02:00")), tz.changes().toString());
        assertPlainOk(tz);

        Relay.Response use = Relay.query(c, "USE app");
        assertTrue(use.changes().contains(new Schema("app")), use.changes().toString());
        assertPlainOk(use);

        Relay.Response mode = Relay.query(c, "SET @@session.sql_mode='ANSI_QUOTES'");
        assertTrue(mode.changes().contains(new SystemVariable("sql_mode", "ANSI_QUOTES")), mode.changes().toString());
        assertPlainOk(mode);

        // "SET @@var" without a scope keyword: see mariadbDoesNotTrackSetWithoutScope. The OK is plain either way.
        Relay.Response unscoped = Relay.query(c, "SET @@sql_mode='STRICT_TRANS_TABLES'");
        OkPacket unscopedOk = OkPacket.decode(Unpooled.wrappedBuffer(unscoped.lastPayload()), CLIENT);
        assertEquals("", unscopedOk.info());
        assertEquals("STRICT_TRANS_TABLES", scalar(c, "SELECT @@sql_mode"));

        // An OK with info keeps it, in the layout this client reads.
        Relay.query(c, "CREATE TEMPORARY TABLE lintas_pool_t (a INT)");
        Relay.query(c, "INSERT INTO lintas_pool_t VALUES (1)");
        Relay.Response upd = Relay.query(c, "UPDATE lintas_pool_t SET a = 2");
        OkPacket ok = OkPacket.decode(Unpooled.wrappedBuffer(upd.lastPayload()), CLIENT);
        assertEquals("Rows matched: 1  Changed: 1  Warnings: 0", ok.info());
        assertEquals(1, ok.affectedRows());
        c.markDirty(); // the temporary table must not reach another session
        release(pool, c);
        await(() -> !c.channel().isOpen(), "dirty connection closed");
    }

    /**
     * A fact the session must live with: MariaDB 10.11 reports nothing (no entry, not even "state changed") for
     * {@code SET @@var = ...} without a scope keyword, while {@code SET var}, {@code SET SESSION var} and
     * {@code SET @@session.var} are tracked. Sessions must treat such statements themselves.
     */
    @Test
    void mariadbDoesNotTrackSetWithoutScope() throws Exception {
        NodePool pool = pool(settings(), CLIENT);
        BackendConnection c = get(pool.borrow(loop1));
        assumeTrue(c.greeting().serverVersion().contains("10.11."), "pinned to the sandbox's MariaDB 10.11");
        assertEquals(List.of(), Relay.query(c, "SET @@time_zone='+01:00'").changes());
        assertEquals(List.of(), Relay.query(c, "SET @@sql_mode='ANSI_QUOTES'").changes());
        assertTrue(Relay.query(c, "SET time_zone='+03:00'").changes().contains(new SystemVariable("time_zone", "+03:00")));
        assertTrue(Relay.query(c, "SET SESSION sql_mode='ANSI'").changes().stream()
            .anyMatch(ch -> ch instanceof SystemVariable v && v.name().equals("sql_mode")));
        c.markDirty();
        release(pool, c);
    }

    private static void assertPlainOk(Relay.Response r) {
        byte[] payload = r.lastPayload();
        OkPacket ok = OkPacket.decode(Unpooled.wrappedBuffer(payload), CLIENT);
        assertEquals("", ok.info(), "no state bytes leak into the info of a client without CLIENT_SESSION_TRACK");
        assertEquals(0, ok.statusFlags() & ServerStatus.SESSION_STATE_CHANGED);
        assertEquals(1 + 1 + 1 + 2 + 2, payload.length, "a bare OK");
    }

    @Test
    void clientThatAskedForSessionTrackGetsTheServersEntries() throws Exception {
        NodePool pool = pool(settings(), CLIENT | Capabilities.CLIENT_SESSION_TRACK);
        BackendConnection c = get(pool.borrow(loop2));
        Relay.Response r = Relay.query(c, "SET time_zone='-03:00'");
        // OkPacketRewriter.decode: OkPacket.decode rejects MariaDB's "state changed" entry (see OkPacketRewriterTest).
        OkPacket ok = OkPacketRewriter.decode(Unpooled.wrappedBuffer(r.lastPayload()), c.capabilities());
        assertTrue(ServerStatus.has(ok.statusFlags(), ServerStatus.SESSION_STATE_CHANGED));
        List<SessionStateChange> entries = ok.sessionStateChanges();
        assertTrue(entries.contains(new SystemVariable("time_zone", "-03:00")), entries.toString());
        assertEquals(entries, r.changes(), "the sink hears the same entries the client gets");
        Relay.Response use = Relay.query(c, "USE app");
        assertTrue(OkPacketRewriter.decode(Unpooled.wrappedBuffer(use.lastPayload()), c.capabilities()).sessionStateChanges()
            .contains(new Schema("app")));
        // A reset brings the connection back to defaults and keeps tracking on.
        c.resetConnection(3000).get(10, TimeUnit.SECONDS);
        Relay.Response after = Relay.query(c, "SET time_zone='+05:00'");
        assertTrue(after.changes().contains(new SystemVariable("time_zone", "+05:00")), after.changes().toString());
        release(pool, c);
    }
}
