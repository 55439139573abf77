package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every backend connection pool of the proxy: one {@link NodePool} per {@link PoolKey}, with
 * {@code max_connections} and the statistics shared by all keys of a node, and a maintenance task that keeps
 * idle connections alive, retires old ones and keeps {@code min_idle} warm.
 *
 * <p>Connections are opened on the event loops of {@code group} (the sessions' loops), with sockets of
 * {@code channelClass}. Thread-safe; nothing blocks.
 */
public final class BackendPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackendPool.class);

    private final EventLoopGroup group;
    private final BackendConnector connector;
    private final PoolConfig config;
    private final ConcurrentHashMap<BackendNode, NodeSlots> nodes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PoolKey, NodePool> pools = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> maintenance;
    private volatile boolean closed;

    /**
     * @param group        the event loops sessions run on; also runs the maintenance task
     * @param channelClass socket channel type matching {@code group} (epoll or NIO)
     */
    public BackendPool(EventLoopGroup group, Class<? extends Channel> channelClass, PoolConfig config) {
        this(group, channelClass, config, null);
    }

    /**
     * @param backendTls TLS for nodes with {@link BackendNode#useSsl()} (null: the JDK trust store, certificate and
     *                   host name checked)
     */
    public BackendPool(EventLoopGroup group, Class<? extends Channel> channelClass, PoolConfig config, SslContext backendTls) {
        this.group = Objects.requireNonNull(group, "group");
        this.config = Objects.requireNonNull(config, "config");
        this.connector = new BackendConnector(channelClass, config.defaults().connectTimeoutMs(), backendTls);
        long every = config.maintenanceIntervalMs();
        this.maintenance = group.next().scheduleAtFixedRate(this::maintain, every, every, TimeUnit.MILLISECONDS);
    }

    /** The pool of {@code key}, created on first use. */
    public NodePool pool(PoolKey key) {
        if (closed) {
            throw new IllegalStateException("backend pool is closed");
        }
        NodePool pool = pools.get(key);
        if (pool != null) {
            return pool;
        }
        NodePool created = pools.computeIfAbsent(key, k -> new NodePool(k, slots(k.node()), connector, group));
        created.maintain(); // warms min_idle now rather than at the next round
        return created;
    }

    /** Borrows a connection of {@code key} on {@code loop}; see {@link NodePool#borrow(EventLoop)}. */
    public Future<BackendConnection> borrow(PoolKey key, EventLoop loop) {
        return pool(key).borrow(loop);
    }

    /** Gives back a connection borrowed from any pool here; see {@link NodePool#release(BackendConnection)}. */
    public void release(BackendConnection connection) {
        PoolEntry e = connection.poolEntry;
        if (e == null) {
            throw new IllegalArgumentException("connection to " + connection.node() + " does not belong to a pool");
        }
        e.pool.release(connection);
    }

    /** The settings that apply to {@code node}. */
    public PoolSettings settings(BackendNode node) {
        return config.settingsFor(node);
    }

    /** Statistics of {@code node} (zeros before its first use). */
    public PoolStats stats(BackendNode node) {
        return slots(node).snapshot();
    }

    /** Statistics of every node used so far, by node name. */
    public List<PoolStats> stats() {
        List<PoolStats> out = new ArrayList<>();
        for (NodeSlots s : nodes.values()) {
            out.add(s.snapshot());
        }
        out.sort(Comparator.comparing(PoolStats::node));
        return out;
    }

    /** Closes the idle connections of every key of {@code node}. */
    public void closeIdle(BackendNode node) {
        forNode(node, NodePool::closeIdle);
    }

    /** Aborts the lent connections of every key of {@code node}; see {@link NodePool#abortAll()}. */
    public void abortAll(BackendNode node) {
        forNode(node, NodePool::abortAll);
    }

    /** {@code node} went down; see {@link NodePool#shutdownNode()}. */
    public void shutdownNode(BackendNode node) {
        NodeSlots s = slots(node);
        s.down = true;
        for (NodePool pool : s.pools) {
            pool.shutdownKey();
        }
    }

    /** {@code node} is back in service. */
    public void resume(BackendNode node) {
        slots(node).down = false;
    }

    /** Closes every connection, fails waiting requests, and stops the maintenance task. */
    @Override
    public void close() {
        closed = true;
        maintenance.cancel(false);
        for (NodePool pool : pools.values()) {
            pool.close();
        }
    }

    private void forNode(BackendNode node, java.util.function.Consumer<NodePool> action) {
        for (NodePool pool : pools.values()) {
            if (pool.node().equals(node)) {
                action.accept(pool);
            }
        }
    }

    /**
     * {@link System#nanoTime()} of the last response any connection got from {@code node}, or 0 when none has:
     * the data path's evidence that the node is alive.
     */
    public long lastAnswerNanos(BackendNode node) {
        NodeSlots s = nodes.get(node);
        return s == null ? 0 : s.stats.lastAnswer.get();
    }

    private NodeSlots slots(BackendNode node) {
        NodeSlots s = nodes.get(node);
        return s != null ? s : nodes.computeIfAbsent(node, n -> new NodeSlots(n, config.settingsFor(n)));
    }

    private void maintain() {
        for (NodePool pool : pools.values()) {
            try {
                pool.maintain();
            } catch (RuntimeException e) {
                log.warn("pool {} maintenance failed: {}", pool.key(), e.toString());
            }
        }
    }
}
