package io.lintas.monitor;

import java.time.Duration;
import java.util.Objects;

/** The outcome of one health check of one node. */
public sealed interface CheckResult permits CheckResult.Success, CheckResult.Failure {

    /** How long the check took (for a timed-out check: how long it was waited for). */
    Duration latency();

    /** The node answered within the timeout with these readings. */
    record Success(WsrepStatus status, Duration latency) implements CheckResult {
        public Success {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(latency, "latency");
        }
    }

    /**
     * The node could not be reached, did not answer in time, or answered with an error.
     *
     * @param timedOut the node did not answer within the timeout (as opposed to refusing, resetting or erring):
     *                 the one failure that a busy machine can cause on a healthy node
     */
    record Failure(String reason, Duration latency, boolean timedOut) implements CheckResult {
        public Failure {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(latency, "latency");
        }

        /** A failure other than a timeout. */
        public Failure(String reason, Duration latency) {
            this(reason, latency, false);
        }
    }
}
