package io.lintas.wire;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An unpooled heap allocator that remembers every buffer it hands out, so that tests can check how much
 * memory code reserved (capacity) and that everything was released (refCnt 0).
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = new ArrayList<>();
    private long largestRequest;

    public TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        allocated.add(b);
        largestRequest = Math.max(largestRequest, initialCapacity);
        return b;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** Number of buffers handed out so far. */
    public int count() {
        return allocated.size();
    }

    /** Largest initial capacity ever requested. */
    public long largestRequest() {
        return largestRequest;
    }

    /** Largest current capacity among buffers still alive (refCnt > 0). */
    public long largestLiveCapacity() {
        long max = 0;
        for (ByteBuf b : allocated) {
            if (b.refCnt() > 0) {
                max = Math.max(max, b.capacity());
            }
        }
        return max;
    }

    /** Sum of the capacities of buffers still alive. */
    public long liveCapacity() {
        long sum = 0;
        for (ByteBuf b : allocated) {
            if (b.refCnt() > 0) {
                sum += b.capacity();
            }
        }
        return sum;
    }

    /** Number of buffers not yet released. */
    public int live() {
        int n = 0;
        for (ByteBuf b : allocated) {
            if (b.refCnt() > 0) {
                n++;
            }
        }
        return n;
    }

    /** Fails when any buffer handed out is still referenced. */
    public void assertAllReleased() {
        assertEquals(0, live(), "buffers still referenced (leak)");
    }
}
