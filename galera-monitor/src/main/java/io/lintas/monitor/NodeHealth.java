package io.lintas.monitor;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the writer election needs to know about one node.
 *
 * @param node          the node
 * @param state         its current state
 * @param readOnly      read_only=ON in its latest successful check
 * @param writableSince since when it has been continuously ONLINE with read_only=OFF; empty when it is not
 */
public record NodeHealth(BackendNode node, NodeState state, boolean readOnly, Optional<Instant> writableSince) {
    public NodeHealth {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(writableSince, "writableSince");
    }

    /** True when the node may take writes: ONLINE and not read_only. */
    public boolean writable() {
        return state == NodeState.ONLINE && !readOnly;
    }
}
