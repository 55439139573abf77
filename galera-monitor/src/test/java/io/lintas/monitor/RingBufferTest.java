package io.lintas.monitor;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RingBufferTest {
    @Test
    void keepsOnlyTheNewestItemsOldestFirst() {
        RingBuffer<Integer> b = new RingBuffer<>(3);
        assertEquals(List.of(), b.snapshot());
        b.add(1);
        b.add(2);
        assertEquals(List.of(1, 2), b.snapshot());
        b.add(3);
        b.add(4);
        b.add(5);
        assertEquals(List.of(3, 4, 5), b.snapshot());
        assertEquals(5, b.totalAdded());
    }

    @Test
    void historyOfAThousandStaysAtAThousand() {
        RingBuffer<Integer> b = new RingBuffer<>(1000);
        IntStream.range(0, 2500).forEach(b::add);
        List<Integer> s = b.snapshot();
        assertEquals(1000, s.size());
        assertEquals(1500, s.get(0));
        assertEquals(2499, s.get(999));
    }

    @Test
    void snapshotIsImmutableCopy() {
        RingBuffer<Integer> b = new RingBuffer<>(2);
        b.add(1);
        List<Integer> s = b.snapshot();
        b.add(2);
        assertEquals(List.of(1), s);
        assertThrows(UnsupportedOperationException.class, () -> s.add(3));
    }

    @Test
    void rejectsZeroCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new RingBuffer<>(0));
    }
}
