package io.lintas.router;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bounded, lock-free map from digest to classification.
 *
 * <p>A 4-way set-associative table: the digest id picks a set of four slots, a lookup reads at most four
 * references and compares the id and then the text, and an insert replaces a slot with compare-and-set using a
 * per-set clock (an entry that was hit since the last sweep gets a second chance). Capacity is fixed at
 * construction, and the digest characters held are capped by a budget, so memory is bounded both in entries
 * and in bytes (about three bytes per cached character: the digest string and its char copy); there is no
 * resizing, no lock and no background thread. Losing a race only means a classification is computed twice,
 * and the character count may overshoot the budget by what concurrent inserts add at the same instant.
 *
 * <p>A lookup compares against the normalizer's scratch buffer, so a hit allocates nothing.
 */
final class DigestCache {
    private static final int WAYS = 4;

    private final AtomicReferenceArray<Entry> slots;
    private final int sets;
    private final long maxChars;
    private final AtomicLong chars = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** One cached classification. */
    private static final class Entry {
        final long id;
        /** The digest as chars: compared with a vectorized array compare on every hit. */
        final char[] digest;
        final Classification value;
        /** Clock bit; racy updates are harmless because it is only a replacement hint. */
        volatile boolean referenced;

        Entry(long id, Classification value) {
            this.id = id;
            this.digest = value.digestText().toCharArray();
            this.value = value;
        }
    }

    /**
     * A cache holding at most {@code capacity} entries (rounded up to a multiple of 4) and about
     * {@code maxChars} digest characters in all; a capacity of 0 disables it.
     */
    DigestCache(int capacity, long maxChars) {
        this.sets = capacity <= 0 ? 0 : (capacity + WAYS - 1) / WAYS;
        this.slots = new AtomicReferenceArray<>(sets * WAYS);
        this.maxChars = maxChars;
    }

    /** The cached classification of the digest in {@code b}, or null. */
    Classification get(DigestBuffer b) {
        if (sets == 0) {
            return null;
        }
        int base = setOf(b.id);
        for (int w = 0; w < WAYS; w++) {
            Entry e = slots.get(base + w);
            if (e != null && e.id == b.id && b.contentEquals(e.digest)) {
                if (!e.referenced) {
                    e.referenced = true;
                }
                hits.increment();
                return e.value;
            }
        }
        misses.increment();
        return null;
    }

    /** Stores {@code value} under its digest, evicting by clock within the set if it is full. */
    void put(Classification value) {
        if (sets == 0) {
            return;
        }
        long id = value.digestId();
        int base = setOf(id);
        Entry fresh = new Entry(id, value);
        int size = fresh.digest.length;
        for (int w = 0; w < WAYS; w++) {
            Entry e = slots.get(base + w);
            if (e == null) {
                if (chars.get() + size <= maxChars && slots.compareAndSet(base + w, null, fresh)) {
                    chars.addAndGet(size);
                    return;
                }
            } else if (e.id == id && e.value.digestText().equals(value.digestText())) {
                return; // another thread got there first
            }
        }
        // Full (or out of budget): the first entry without a second chance goes; those passed over lose theirs.
        int start = (int) id & (WAYS - 1);
        for (int i = 0; i < 2 * WAYS; i++) {
            int slot = base + ((start + i) & (WAYS - 1));
            Entry e = slots.get(slot);
            if (e != null && e.referenced) {
                e.referenced = false;
                continue;
            }
            int freed = e == null ? 0 : e.digest.length;
            if (chars.get() + size - freed <= maxChars && slots.compareAndSet(slot, e, fresh)) {
                chars.addAndGet(size - freed);
            }
            return;
        }
    }

    /** Digest characters currently held (for monitoring and tests). */
    long chars() {
        return chars.get();
    }

    /** Number of lookups answered from the cache. */
    long hits() {
        return hits.sum();
    }

    /** Number of lookups that had to classify. */
    long misses() {
        return misses.sum();
    }

    /** Number of slots, i.e. the most entries the cache can hold. */
    int capacity() {
        return sets * WAYS;
    }

    /** Current number of entries (a racy count, for monitoring). */
    int size() {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    /** Maps the high bits of the id onto [0, sets) without a division (Lemire's multiply-shift). */
    private int setOf(long id) {
        return (int) (((id >>> 32) * sets) >>> 32) * WAYS;
    }
}
