package io.lintas.pool;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Lock-free counters of one node, shared by every pool key and event loop of the node. */
final class NodeStats implements TrafficMeter {
    final LongAdder ok = new LongAdder();
    final LongAdder err = new LongAdder();
    final LongAdder queries = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder queueTimeouts = new LongAdder();
    private volatile long latencyUs;

    @Override
    public void commandStarted() {
        queries.increment();
    }

    @Override
    public void bytesSent(int bytes) {
        bytesSent.add(bytes);
    }

    @Override
    public void bytesReceived(int bytes) {
        bytesReceived.add(bytes);
    }

    /** {@link System#nanoTime()} of the node's last completed response, 0 before the first. */
    final AtomicLong lastAnswer = new AtomicLong();

    @Override
    public void answered(long nanos) {
        // Ordered store, no fence: readers (the monitor) only need to see it within a check interval.
        lastAnswer.lazySet(nanos);
    }

    void latencySince(long startNanos) {
        latencyUs = Math.max(1, (System.nanoTime() - startNanos) / 1000);
    }

    long latencyUs() {
        return latencyUs;
    }
}
