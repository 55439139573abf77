package io.lintas.monitor;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The monitor's current view of one node, for the admin interface.
 *
 * @param node                the node
 * @param state               its state
 * @param since               when it entered that state (empty while UNKNOWN)
 * @param reason              the latest evaluation's explanation
 * @param consecutiveFailures failed checks in a row
 * @param readOnly            read_only=ON in the latest successful check
 * @param lastCheck           the latest check, empty before the first
 */
public record NodeStatus(BackendNode node, NodeState state, Optional<Instant> since, String reason,
                         int consecutiveFailures, boolean readOnly, Optional<CheckLogEntry> lastCheck) {
    public NodeStatus {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(lastCheck, "lastCheck");
    }
}
