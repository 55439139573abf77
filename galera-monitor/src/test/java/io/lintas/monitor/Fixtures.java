package io.lintas.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.BooleanSupplier;

/** Shared test helpers: nodes, wsrep readings, a settable clock, polling. */
final class Fixtures {
    static final BackendNode N1 = new BackendNode("node1", "127.0.0.1", 3311);
    static final BackendNode N2 = new BackendNode("node2", "127.0.0.1", 3312);
    static final BackendNode N3 = new BackendNode("node3", "127.0.0.1", 3313);

    private Fixtures() {
    }

    /** Readings of a healthy node, to be changed field by field. */
    static Status synced() {
        return new Status();
    }

    static CheckResult.Success ok(WsrepStatus s) {
        return new CheckResult.Success(s, Duration.ofMillis(2));
    }

    static CheckResult.Success ok() {
        return ok(synced().build());
    }

    static CheckResult.Failure fail(String why) {
        return new CheckResult.Failure(why, Duration.ofMillis(200));
    }

    /** Mutable builder for {@link WsrepStatus}, starting from Synced/Primary/ready. */
    static final class Status {
        int localState = 4;
        String comment = "Synced";
        String clusterStatus = "Primary";
        boolean ready = true;
        boolean connected = true;
        boolean desync;
        String rejectQueries = "NONE";
        boolean donorRejects;
        boolean readOnly;
        long recvQueue;
        int clusterSize = 3;
        int localIndex;

        Status state(int s, String c) { localState = s; comment = c; return this; }
        Status cluster(String s) { clusterStatus = s; return this; }
        Status ready(boolean b) { ready = b; return this; }
        Status connected(boolean b) { connected = b; return this; }
        Status desync(boolean b) { desync = b; return this; }
        Status reject(String s) { rejectQueries = s; return this; }
        Status donorRejects(boolean b) { donorRejects = b; return this; }
        Status readOnly(boolean b) { readOnly = b; return this; }
        Status recvQueue(long q) { recvQueue = q; return this; }

        WsrepStatus build() {
            return new WsrepStatus(localState, comment, clusterStatus, ready, connected, desync, rejectQueries,
                donorRejects, readOnly, recvQueue, clusterSize, localIndex);
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Polls {@code condition} every 5 ms until it holds or {@code timeout} passes. */
    static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }
}
