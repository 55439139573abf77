package io.lintas.router.testutil;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates while running a piece of code (HotSpot's per-thread allocation counter). */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /** Runs {@code body} {@code warmUp} times, then returns the bytes allocated by {@code runs} more runs. */
    public static long measure(int warmUp, int runs, Runnable body) {
        for (int i = 0; i < warmUp; i++) {
            body.run();
        }
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        for (int i = 0; i < runs; i++) {
            body.run();
        }
        return THREADS.getThreadAllocatedBytes(id) - before;
    }
}
