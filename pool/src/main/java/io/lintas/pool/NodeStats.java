package io.lintas.pool;

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

    void latencySince(long startNanos) {
        latencyUs = Math.max(1, (System.nanoTime() - startNanos) / 1000);
    }

    long latencyUs() {
        return latencyUs;
    }
}
