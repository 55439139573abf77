package io.lintas.router.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Per-statement-shape statistics: count, total, minimum and maximum time per (digest, hostgroup, user, schema),
 * the data behind ProxySQL's {@code stats_mysql_query_digest}.
 *
 * <p>{@link #record} is called by every event loop after each statement, so it is lock-free and, for a key that
 * already exists, allocation-free: an open-addressing table (linear probing, at most half full) whose slots are
 * set once by compare-and-set and whose counters are atomic fields of the entry.
 *
 * <p>Memory is bounded: at most {@code maxEntries} keys. When the table is full, records of new keys are not
 * kept; they are counted in {@link #overflowed()} instead (existing keys keep counting). Evicting old keys would
 * make counts silently wrong; a visible overflow count tells the operator to read-and-reset more often or raise the
 * limit, which is what ProxySQL users do with {@code stats_mysql_query_digest_reset}. Digest texts are kept by
 * reference (the classifier hands out one String per cached digest) and cut to {@link #MAX_DIGEST_TEXT} characters,
 * ProxySQL's default {@code mysql-query_digests_max_digest_length}.
 *
 * <p>{@link #snapshotAndReset()} swaps in an empty table. A record racing with the swap may land in the old table
 * after the snapshot has read it and be lost; that is at most one statement per event loop, and the price of never
 * blocking the event loops.
 */
public final class DigestStats {
    /** Digest texts longer than this many characters are truncated. */
    public static final int MAX_DIGEST_TEXT = 2048;

    private final int maxEntries;
    private final LongSupplier clock;
    private final AtomicReference<Table> table;

    /** Statistics for at most {@code maxEntries} keys, timestamped with the system clock. */
    public DigestStats(int maxEntries) {
        this(maxEntries, () -> System.currentTimeMillis() / 1000);
    }

    /** As {@link #DigestStats(int)}, reading the time in epoch seconds from {@code epochSeconds} (for tests). */
    public DigestStats(int maxEntries, LongSupplier epochSeconds) {
        if (maxEntries < 1 || maxEntries > (1 << 28)) {
            throw new IllegalArgumentException("maxEntries must be 1.." + (1 << 28) + ": " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.clock = epochSeconds;
        this.table = new AtomicReference<>(new Table(maxEntries));
    }

    /**
     * Counts one execution of a statement of digest {@code digestId} on {@code hostgroup} by {@code username} in
     * {@code schema} (null schema or user count as empty) that took {@code durationMicros} (negative counts as 0).
     */
    public void record(long digestId, String digestText, int hostgroup, String username, String schema,
                       long durationMicros) {
        String user = username == null ? "" : username;
        String db = schema == null ? "" : schema;
        long micros = Math.max(0, durationMicros);
        long now = clock.getAsLong();
        Table t = table.get();
        int h = hash(digestId, hostgroup, user, db);
        AtomicReferenceArray<DigestEntry> slots = t.slots;
        int mask = slots.length() - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            DigestEntry e = slots.get(i);
            if (e == null) {
                e = t.insert(i, digestId, digestText, hostgroup, user, db, now, h);
                if (e == null) {
                    t.overflow.increment();
                    return;
                }
            }
            if (e.is(digestId, hostgroup, user, db, h)) {
                e.add(micros, now);
                return;
            }
        }
    }

    /** The current rows, largest total time first. */
    public List<DigestRow> snapshot() {
        return rows(table.get());
    }

    /** The current rows (largest total time first), and start again from empty, overflow count included. */
    public List<DigestRow> snapshotAndReset() {
        return rows(table.getAndSet(new Table(maxEntries)));
    }

    /** Records dropped since the last reset because {@code maxEntries} keys already existed. */
    public long overflowed() {
        return table.get().overflow.sum();
    }

    /** Number of keys currently held. */
    public int size() {
        return table.get().size.get();
    }

    /** The limit this instance was built with. */
    public int maxEntries() {
        return maxEntries;
    }

    private static List<DigestRow> rows(Table t) {
        List<DigestRow> rows = new ArrayList<>();
        for (int i = 0; i < t.slots.length(); i++) {
            DigestEntry e = t.slots.get(i);
            if (e != null) {
                rows.add(e.row());
            }
        }
        rows.sort(Comparator.comparingLong(DigestRow::sumTimeUs).reversed()
                .thenComparing(DigestRow::digest).thenComparingInt(DigestRow::hostgroup)
                .thenComparing(DigestRow::username).thenComparing(DigestRow::schemaname));
        return rows;
    }

    private static int hash(long id, int hostgroup, String user, String schema) {
        long h = id * 0x9E3779B97F4A7C15L;
        h ^= (long) hostgroup * 0xC2B2AE3D27D4EB4FL;
        h ^= ((long) user.hashCode() << 32) ^ schema.hashCode() * 0x165667B19E3779F9L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    private static String truncate(String text) {
        if (text == null) {
            return "";
        }
        if (text.length() <= MAX_DIGEST_TEXT) {
            return text;
        }
        int end = MAX_DIGEST_TEXT;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // do not split a surrogate pair
        }
        return text.substring(0, end);
    }

    /** One generation of the statistics: the slots, the key count and the overflow count. */
    private static final class Table {
        final AtomicReferenceArray<DigestEntry> slots;
        final AtomicInteger size = new AtomicInteger();
        final LongAdder overflow = new LongAdder();
        private final int maxEntries;

        Table(int maxEntries) {
            this.maxEntries = maxEntries;
            // At least twice the entries, so a probe always ends at an empty slot or the key.
            this.slots = new AtomicReferenceArray<>(Integer.highestOneBit(maxEntries * 2 - 1) << 1);
        }

        /**
         * Claims slot {@code i} for a new key; returns the entry now in that slot (ours, or one another thread put
         * there first), or null if the table is full.
         */
        DigestEntry insert(int i, long id, String text, int hg, String user, String schema, long now, int h) {
            if (size.incrementAndGet() > maxEntries) {
                size.decrementAndGet();
                return null;
            }
            DigestEntry mine = new DigestEntry(id, hg, user, schema, truncate(text), now, h);
            if (slots.compareAndSet(i, null, mine)) {
                return mine;
            }
            size.decrementAndGet();
            return slots.get(i);
        }
    }
}
