package io.lintas.monitor;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded, thread-safe buffer that keeps the newest {@code capacity} items; older ones fall off.
 * Written by the monitor thread, read by whoever asks (the admin interface).
 */
public final class RingBuffer<T> {
    private final Object[] items;
    private long added;

    /** An empty buffer holding at most {@code capacity} items. */
    public RingBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.items = new Object[capacity];
    }

    /** Adds an item, dropping the oldest when full. */
    public synchronized void add(T item) {
        items[(int) (added % items.length)] = item;
        added++;
    }

    /** The items held, oldest first; an immutable copy. */
    @SuppressWarnings("unchecked")
    public synchronized List<T> snapshot() {
        int n = (int) Math.min(added, items.length);
        List<T> out = new ArrayList<>(n);
        for (long i = added - n; i < added; i++) {
            out.add((T) items[(int) (i % items.length)]);
        }
        return List.copyOf(out);
    }

    /** How many items were ever added (including those that fell off). */
    public synchronized long totalAdded() {
        return added;
    }

    /** The most items this buffer holds. */
    public int capacity() {
        return items.length;
    }
}
