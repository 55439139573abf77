package io.lintas.monitor;

import java.util.Objects;

/**
 * What {@link NodeHealthEvaluator} concluded from one check.
 *
 * @param state               the node's new state (may equal the previous one)
 * @param consecutiveFailures failed checks in a row including this one (0 after a success)
 * @param reason              a human explanation, used in the state-change log line
 */
public record HealthVerdict(NodeState state, int consecutiveFailures, String reason) {
    public HealthVerdict {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures < 0");
        }
    }
}
