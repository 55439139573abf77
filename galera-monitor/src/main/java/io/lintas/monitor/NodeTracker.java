package io.lintas.monitor;

import java.time.Instant;
import java.util.Optional;

/** Mutable bookkeeping for one node; confined to the monitor thread, published only as immutable views. */
final class NodeTracker {
    /** A data-path report waiting for its re-check: observations numbered above {@code afterCheck} answer it. */
    record Suspicion(String reason, long afterCheck) {
    }

    final BackendNode node;
    final RingBuffer<CheckLogEntry> checkLog;
    CheckLoop loop;
    NodeState state = NodeState.UNKNOWN;
    Instant since;
    String reason = "not checked yet";
    int failures;
    boolean readOnly;
    Instant writableSince;
    Suspicion suspicion;
    CheckLogEntry lastCheck;

    NodeTracker(BackendNode node, int checkLogSize) {
        this.node = node;
        this.checkLog = new RingBuffer<>(checkLogSize);
    }

    NodeHealth health() {
        return new NodeHealth(node, state, readOnly, Optional.ofNullable(writableSince));
    }

    NodeStatus status() {
        return new NodeStatus(node, state, Optional.ofNullable(since), reason, failures, readOnly,
            Optional.ofNullable(lastCheck));
    }
}
