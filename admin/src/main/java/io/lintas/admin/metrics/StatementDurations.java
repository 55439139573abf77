package io.lintas.admin.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.TimeWindowMax;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code lintas_statement_duration_seconds} (histogram with the SLO buckets of {@link NodeMeters#LATENCY_BUCKETS})
 * and {@code lintas_statement_duration_seconds_max} (gauge), per node: the exposition a Micrometer {@code Timer} with
 * those SLOs gives, recorded at a fraction of its cost (a Timer took ~220 ns per statement, uncontended: a
 * double adder, an exemplar check, a shared atomic bucket array that both event loops write). Here: a bucket
 * search, two {@link LongAdder}s and the same {@link TimeWindowMax} the Timer uses, so the max keeps its decay.
 */
final class StatementDurations implements MultiCollector {
    static final String NAME = "lintas_statement_duration_seconds";
    static final String MAX_NAME = NAME + "_max";
    private static final String HELP = "Time from sending a statement to a node until its response ended";

    private static final long[] BOUNDS_NANOS = new long[NodeMeters.LATENCY_BUCKETS.length];
    private static final double[] UPPER_BOUNDS = new double[NodeMeters.LATENCY_BUCKETS.length + 1];

    static {
        for (int i = 0; i < BOUNDS_NANOS.length; i++) {
            BOUNDS_NANOS[i] = NodeMeters.LATENCY_BUCKETS[i].toNanos();
            UPPER_BOUNDS[i] = BOUNDS_NANOS[i] / 1e9;
        }
        UPPER_BOUNDS[BOUNDS_NANOS.length] = Double.POSITIVE_INFINITY;
    }

    /** One node's series. Thread-safe. */
    static final class Latency {
        private final LongAdder[] buckets = new LongAdder[BOUNDS_NANOS.length + 1];
        private final LongAdder sumNanos = new LongAdder();
        private final TimeWindowMax max;

        Latency(Clock clock) {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
            max = new TimeWindowMax(clock, DistributionStatisticConfig.DEFAULT);
        }

        void record(long nanos) {
            if (nanos < 0) {
                return; // as a Timer does
            }
            int b = 0;
            while (b < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[b]) {
                b++;
            }
            buckets[b].increment();
            sumNanos.add(nanos);
            max.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private final Clock clock;
    private final Map<String, Latency> nodes = new ConcurrentHashMap<>();

    StatementDurations(Clock clock) {
        this.clock = clock;
    }

    Latency add(String node) {
        return nodes.computeIfAbsent(node, n -> new Latency(clock));
    }

    void remove(String node) {
        nodes.remove(node);
    }

    @Override
    public MetricSnapshots collect() {
        if (nodes.isEmpty()) {
            return MetricSnapshots.of(); // no node, no series: as when no Timer is registered
        }
        HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name(NAME).help(HELP);
        GaugeSnapshot.Builder max = GaugeSnapshot.builder().name(MAX_NAME).help(HELP);
        for (Map.Entry<String, Latency> e : nodes.entrySet()) {
            Labels labels = Labels.of("node", e.getKey());
            Latency l = e.getValue();
            long[] counts = new long[l.buckets.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = l.buckets[i].sum();
            }
            histogram.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(UPPER_BOUNDS, counts))
                .sum(l.sumNanos.sum() / 1e9)
                .labels(labels)
                .build());
            max.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .value(l.max.poll(TimeUnit.SECONDS))
                .labels(labels)
                .build());
        }
        return MetricSnapshots.of(histogram.build(), max.build());
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(NAME, MAX_NAME);
    }
}
