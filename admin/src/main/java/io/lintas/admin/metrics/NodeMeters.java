package io.lintas.admin.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The meters of one database node, registered once; the proxy keeps this handle (e.g. next to its pool) and calls
 * it on the hot path without any lookup. Thread-safe.
 */
public final class NodeMeters {
    /** Latency buckets (SLOs) of {@code lintas_statement_duration_seconds}: few and fixed, so series stay few. */
    static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    private final String node;
    private final StatementDurations.Latency latency;
    private final AtomicInteger state = new AtomicInteger(NodeHealth.UNKNOWN.ordinal());
    private final AtomicInteger writer = new AtomicInteger();
    private final AtomicReference<Supplier<PoolSnapshot>> pool = new AtomicReference<>(() -> PoolSnapshot.EMPTY);

    NodeMeters(MeterRegistry registry, StatementDurations durations, String node) {
        this.node = node;
        Tags tags = Tags.of("node", node);
        this.latency = durations.add(node);
        for (NodeHealth h : NodeHealth.values()) {
            int ordinal = h.ordinal();
            Gauge.builder("lintas.node.state", state, s -> s.get() == ordinal ? 1 : 0)
                .description("1 for the node's current state, 0 for the others")
                .tags(tags.and("state", h.name()))
                .register(registry);
        }
        Gauge.builder("lintas.node.writer", writer, AtomicInteger::get)
            .description("1 while the node is the elected writer")
            .tags(tags).register(registry);
        poolGauge(registry, tags.and("state", "used"), PoolSnapshot::used);
        poolGauge(registry, tags.and("state", "free"), PoolSnapshot::free);
        poolGauge(registry, tags.and("state", "pending"), PoolSnapshot::pending);
        Gauge.builder("lintas.pool.waiting", pool, p -> p.get().get().waiting())
            .description("Requests waiting for a pooled connection to the node")
            .tags(tags).register(registry);
        FunctionCounter.builder("lintas.pool.connects", pool, p -> p.get().get().opened())
            .description("Backend connections opened to the node (result=ok) or failed (result=error)")
            .tags(tags.and("result", "ok")).register(registry);
        FunctionCounter.builder("lintas.pool.connects", pool, p -> p.get().get().failed())
            .tags(tags.and("result", "error")).register(registry);
        FunctionCounter.builder("lintas.pool.queue.timeouts", pool, p -> p.get().get().queueTimeouts())
            .description("Requests that gave up waiting for a pooled connection to the node")
            .tags(tags).register(registry);
    }

    private void poolGauge(MeterRegistry registry, Tags tags, java.util.function.ToLongFunction<PoolSnapshot> field) {
        Gauge.builder("lintas.pool.connections", pool, p -> field.applyAsLong(p.get().get()))
            .description("Backend connections to the node in the pool, by state (used, free, pending)")
            .tags(tags).register(registry);
    }

    /** The node name (label {@code node}). */
    public String node() {
        return node;
    }

    /** Records one statement's latency on this node. */
    public void recordLatency(long nanos) {
        latency.record(nanos);
    }

    /** Sets the node's monitor state. */
    public void state(NodeHealth health) {
        state.set(health.ordinal());
    }

    /** Marks the node as the writer or not. */
    public void writer(boolean isWriter) {
        writer.set(isWriter ? 1 : 0);
    }

    /** Makes the pool gauges read {@code source} at scrape time (replacing any earlier source). */
    public void bindPool(Supplier<PoolSnapshot> source) {
        pool.set(source);
    }
}
