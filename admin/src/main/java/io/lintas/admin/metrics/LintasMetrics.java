package io.lintas.admin.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's metrics, in a Prometheus registry. Every meter the hot path touches is registered up front (or once,
 * on first use, for error codes and nodes), so recording a statement, an error or bytes costs an array or
 * immutable-map read and an atomic add: no allocation, no tag lookup in the registry. Thread-safe.
 */
public final class LintasMetrics {
    /** Statement types counted by {@code command}; anything else counts as {@code OTHER}. Matches the router's vocabulary. */
    public static final List<String> DEFAULT_COMMANDS = List.of("SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE",
        "SET", "SHOW", "BEGIN", "START_TRANSACTION", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "CALL", "DO",
        "CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME", "USE", "PREPARE", "EXECUTE", "DEALLOCATE", "LOCK", "UNLOCK",
        "KILL", "DESCRIBE", "EXPLAIN", "GRANT", "REVOKE", "LOAD", "HANDLER", "XA", "FLUSH", "ANALYZE", "OPTIMIZE",
        "OTHER");
    private static final String OTHER = "OTHER";
    /** Error codes below this get their own counter; others count under code="other". */
    private static final int MAX_ERROR_CODE = 10_000;

    private final PrometheusMeterRegistry registry;
    private final EnumMap<StatementRoute, Map<String, Counter>> statements = new EnumMap<>(StatementRoute.class);
    private final AtomicReferenceArray<Counter> errorsByCode = new AtomicReferenceArray<>(MAX_ERROR_CODE);
    private final Counter otherErrors;
    private final Counter writerChanges;
    private final Counter clientConnectionsAccepted;
    private final AtomicInteger clientConnections = new AtomicInteger();
    /** Read by the scrape and by the admin's stats: one adder per read and per flush (a Counter would be another). */
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final ConcurrentHashMap<String, NodeMeters> nodes = new ConcurrentHashMap<>();
    private final StatementDurations durations;

    /** Metrics with the default statement vocabulary and JVM metrics. */
    public LintasMetrics() {
        this(DEFAULT_COMMANDS);
    }

    /** Metrics counting the given statement types ({@code OTHER} is added when missing). */
    public LintasMetrics(List<String> commands) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.durations = new StatementDurations(registry.config().clock());
        registry.getPrometheusRegistry().register(durations);
        for (StatementRoute route : StatementRoute.values()) {
            Map<String, Counter> byCommand = new HashMap<>();
            for (String c : commands) {
                byCommand.put(c, statementCounter(route, c));
            }
            byCommand.computeIfAbsent(OTHER, c -> statementCounter(route, c));
            statements.put(route, Map.copyOf(byCommand));
        }
        otherErrors = errorCounter("other");
        writerChanges = Counter.builder("lintas.writer.changes")
            .description("Times the elected writer changed (failover, failback, or no writer at all)").register(registry);
        clientConnectionsAccepted = Counter.builder("lintas.client.connections.accepted")
            .description("Client connections accepted since start").register(registry);
        Gauge.builder("lintas.client.connections", clientConnections, AtomicInteger::get)
            .description("Client connections open now").register(registry);
        FunctionCounter.builder("lintas.client.traffic", bytesIn, LongAdder::sum).baseUnit("bytes").tag("direction", "in")
            .description("Bytes received from (in) and sent to (out) clients, frame headers included").register(registry);
        FunctionCounter.builder("lintas.client.traffic", bytesOut, LongAdder::sum).baseUnit("bytes").tag("direction", "out")
            .description("Bytes received from (in) and sent to (out) clients, frame headers included").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private Counter statementCounter(StatementRoute route, String command) {
        return Counter.builder("lintas.statements")
            .description("Statements sent to a node, by route (reader or writer) and statement type")
            .tag("route", route.label())
            .tag("command", command.toUpperCase(Locale.ROOT))
            .register(registry);
    }

    private Counter errorCounter(String code) {
        return Counter.builder("lintas.errors")
            .description("ERR packets sent to clients, by error code (Lintas's own and relayed from nodes)")
            .tag("code", code)
            .register(registry);
    }

    /** The registry, for binding further meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** Counts one statement; {@code command} is a statement type such as the router's {@code SELECT}. */
    public void statement(StatementRoute route, String command) {
        Counter c = statements.get(route).get(command);
        (c != null ? c : statements.get(route).get(OTHER)).increment();
    }

    /** The meters of {@code node}, registered on the first call and the same handle afterwards. */
    public NodeMeters forNode(String node) {
        NodeMeters m = nodes.get(node);
        return m != null ? m : nodes.computeIfAbsent(node, n -> new NodeMeters(registry, durations, n));
    }

    /**
     * Unregisters the meters of a node removed from the configuration, so that its series disappear instead of
     * showing a stale state; a later {@link #forNode} registers it afresh. Handles held for it stop reporting.
     */
    public void removeNode(String node) {
        if (nodes.remove(node) == null) {
            return;
        }
        durations.remove(node);
        for (io.micrometer.core.instrument.Meter m : List.copyOf(registry.getMeters())) {
            if (node.equals(m.getId().getTag("node"))) {
                registry.remove(m);
            }
        }
    }

    /** Counts one ERR sent to a client. */
    public void error(int code) {
        if (code <= 0 || code >= MAX_ERROR_CODE) {
            otherErrors.increment();
            return;
        }
        Counter c = errorsByCode.get(code);
        if (c == null) {
            // First time this code is seen: register once (idempotent in the registry, so a race is harmless).
            c = errorCounter(Integer.toString(code));
            errorsByCode.compareAndSet(code, null, c);
        }
        c.increment();
    }

    /** Counts a change of the elected writer. */
    public void writerChanged() {
        writerChanges.increment();
    }

    /** A client connection was accepted. */
    public void clientConnected() {
        clientConnectionsAccepted.increment();
        clientConnections.incrementAndGet();
    }

    /** A client connection closed. */
    public void clientDisconnected() {
        clientConnections.decrementAndGet();
    }

    /** Bytes read from a client. */
    public void clientBytesIn(long bytes) {
        bytesIn.add(bytes);
    }

    /** Bytes read from clients so far. */
    public long clientBytesIn() {
        return bytesIn.sum();
    }

    /** Bytes written to a client. */
    public void clientBytesOut(long bytes) {
        bytesOut.add(bytes);
    }

    /** Bytes written to clients so far. */
    public long clientBytesOut() {
        return bytesOut.sum();
    }
}
