package io.lintas.proxy.session;

import io.lintas.admin.metrics.LintasMetrics;
import io.lintas.admin.metrics.NodeHealth;
import io.lintas.admin.metrics.NodeMeters;
import io.lintas.admin.metrics.PoolSnapshot;
import io.lintas.admin.metrics.StatementRoute;
import io.lintas.monitor.BackendNode;
import io.lintas.monitor.NodeState;
import io.lintas.monitor.Topology;
import io.lintas.pool.BackendPool;
import io.lintas.pool.PoolStats;
import io.lintas.router.Classification;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the data path records what it does: the Prometheus meters ({@link LintasMetrics}) and the counters behind
 * the admin's stats tables. Every handle is registered up front (per node when the node joins the configuration),
 * so recording a statement is a few immutable-map reads and atomic adds: no allocation, no registry lookup, no
 * lock. Thread-safe.
 */
public final class DataPathMetrics {
    private final LintasMetrics metrics;
    private final CommandCounters commands = new CommandCounters();
    private final LongAdder clientsAccepted = new LongAdder();
    private final LongAdder clientsOpen = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder writerChanges = new LongAdder();
    /** Meters by node; replaced whole when nodes join or leave (immutable, so reads need no lock). */
    private volatile Map<BackendNode, NodeMeters> nodes = Map.of();
    private Optional<BackendNode> lastWriter; // monitor thread only
    private final Object membership = new Object();

    /** Records into {@code metrics}. */
    public DataPathMetrics(LintasMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The Prometheus meters. */
    public LintasMetrics metrics() {
        return metrics;
    }

    /** Statement counters by type ({@code stats_mysql_commands_counters}). */
    public CommandCounters commands() {
        return commands;
    }

    // ---- data path ------------------------------------------------------------------------------------------

    /**
     * A command ran on {@code node} and its response ended (called on the session's event loop).
     *
     * @param c the statement's classification, or null for commands without one (COM_INIT_DB, COM_PING …)
     * @param nanos from sending the command until its response ended
     */
    public void completed(BackendNode node, int command, Classification c, boolean onReader, long nanos) {
        String type = c == null ? "OTHER" : c.statementType();
        metrics.statement(onReader ? StatementRoute.READER : StatementRoute.WRITER, type);
        NodeMeters m = nodes.get(node);
        if (m != null) {
            m.recordLatency(nanos);
        }
        commands.record(type, nanos / 1000);
    }

    void clientConnected() {
        clientsAccepted.increment();
        clientsOpen.increment();
        metrics.clientConnected();
    }

    void clientDisconnected() {
        clientsOpen.decrement();
        metrics.clientDisconnected();
    }

    void bytesIn(long n) {
        metrics.clientBytesIn(n);
    }

    void bytesOut(long n) {
        metrics.clientBytesOut(n);
    }

    void error(int code) {
        errors.increment();
        metrics.error(code);
    }

    // ---- configuration and topology -------------------------------------------------------------------------

    /**
     * Registers the meters of every node in {@code current} (pool gauges read {@code pool} at scrape time) and
     * unregisters nodes that left the configuration.
     */
    public void setNodes(List<BackendNode> current, BackendPool pool) {
        synchronized (membership) {
            Map<BackendNode, NodeMeters> next = new HashMap<>();
            for (BackendNode n : current) {
                NodeMeters m = nodes.get(n);
                if (m == null) {
                    m = metrics.forNode(n.name());
                    m.bindPool(() -> snapshot(pool.stats(n)));
                }
                next.put(n, m);
            }
            for (BackendNode old : nodes.keySet()) {
                if (!next.containsKey(old) && next.keySet().stream().noneMatch(n -> n.name().equals(old.name()))) {
                    metrics.removeNode(old.name());
                }
            }
            nodes = Map.copyOf(next);
        }
    }

    /** A new topology (monitor thread): node state and writer gauges, writer changes. */
    public void topology(Topology t) {
        Map<BackendNode, NodeMeters> meters = nodes;
        Optional<BackendNode> writer = t.writer();
        for (Map.Entry<BackendNode, NodeMeters> e : meters.entrySet()) {
            e.getValue().state(health(t.stateOf(e.getKey())));
            e.getValue().writer(writer.isPresent() && writer.get().equals(e.getKey()));
        }
        synchronized (membership) {
            if (lastWriter != null && !lastWriter.equals(writer)) {
                writerChanges.increment();
                metrics.writerChanged();
            }
            lastWriter = writer;
        }
    }

    private static NodeHealth health(NodeState s) {
        return switch (s) {
            case ONLINE -> NodeHealth.ONLINE;
            case OFFLINE_SOFT -> NodeHealth.OFFLINE_SOFT;
            case OFFLINE_HARD -> NodeHealth.OFFLINE_HARD;
            default -> NodeHealth.UNKNOWN;
        };
    }

    private static PoolSnapshot snapshot(PoolStats s) {
        return new PoolSnapshot(s.used(), s.free(), s.pending(), s.waiting(), s.ok(), s.err(), s.queueTimeouts());
    }

    // ---- totals for stats_mysql_global ----------------------------------------------------------------------

    public long clientsAccepted() {
        return clientsAccepted.sum();
    }

    public long clientsOpen() {
        return clientsOpen.sum();
    }

    public long bytesIn() {
        return metrics.clientBytesIn();
    }

    public long bytesOut() {
        return metrics.clientBytesOut();
    }

    public long errors() {
        return errors.sum();
    }

    public long writerChanges() {
        return writerChanges.sum();
    }
}
