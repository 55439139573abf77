package io.lintas.proxy.session;

import io.lintas.admin.metrics.LintasMetrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code stats_mysql_commands_counters}: statements by type, with ProxySQL's latency buckets. Lock-free and
 * allocation-free: every type of the vocabulary has its counters from the start (an immutable-map read and a few
 * {@link LongAdder} adds per statement); a type outside it counts as {@code OTHER}.
 */
public final class CommandCounters {
    /** Upper bounds of ProxySQL's buckets in µs: cnt_100us … cnt_10s; above the last one is cnt_INFs. */
    private static final long[] BOUNDS_US = {100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000, 1_000_000,
        5_000_000, 10_000_000};
    /** Buckets per command, as ProxySQL's table has. */
    public static final int BUCKETS = BOUNDS_US.length + 1;

    /** A type's count is the sum of its buckets: one adder less per statement. */
    private static final class Slot {
        final LongAdder totalUs = new LongAdder();
        final LongAdder[] buckets = new LongAdder[BUCKETS];

        Slot() {
            for (int i = 0; i < BUCKETS; i++) {
                buckets[i] = new LongAdder();
            }
        }

        long count() {
            long n = 0;
            for (LongAdder b : buckets) {
                n += b.sum();
            }
            return n;
        }
    }

    /** One command's totals. */
    public record Row(String command, long totalTimeUs, long totalCount, long[] buckets) {}

    private final Map<String, Slot> slots;
    private final List<String> order;
    private final Slot other;

    /** Counters for the router's statement types (LintasMetrics' vocabulary). */
    public CommandCounters() {
        Map<String, Slot> m = new HashMap<>();
        for (String c : LintasMetrics.DEFAULT_COMMANDS) {
            m.put(c, new Slot());
        }
        this.slots = Map.copyOf(m);
        this.order = List.copyOf(LintasMetrics.DEFAULT_COMMANDS);
        this.other = slots.get("OTHER");
    }

    /** Counts one statement of {@code command} that took {@code micros}. */
    public void record(String command, long micros) {
        Slot s = command == null ? other : slots.get(command);
        if (s == null) {
            s = other;
        }
        s.totalUs.add(micros);
        int b = 0;
        while (b < BOUNDS_US.length && micros > BOUNDS_US[b]) {
            b++;
        }
        s.buckets[b].increment();
    }

    /** Statements counted so far, over every type. */
    public long total() {
        long n = 0;
        for (Slot s : slots.values()) {
            n += s.count();
        }
        return n;
    }

    /** Every type, in vocabulary order. */
    public List<Row> snapshot() {
        List<Row> out = new ArrayList<>(order.size());
        for (String c : order) {
            Slot s = slots.get(c);
            long[] b = new long[BUCKETS];
            long count = 0;
            for (int i = 0; i < BUCKETS; i++) {
                b[i] = s.buckets[i].sum();
                count += b[i];
            }
            out.add(new Row(c, s.totalUs.sum(), count, b));
        }
        return out;
    }
}
