package io.lintas.monitor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable picture of the cluster the data path routes by: which node takes writes and which serve
 * reads. A new snapshot replaces the old one atomically; readers of a snapshot never see it change.
 *
 * @param version increases with every published snapshot
 * @param writer  the node that takes writes, empty when none is usable (writes must fail at once)
 * @param readers nodes that serve reads, in preference order
 * @param states  the state of every monitored node (empty before the first health check)
 * @param reason  why the writer is what it is (for errors such as "no writer" and for the admin interface)
 */
public record Topology(long version, Optional<BackendNode> writer, List<BackendNode> readers,
                       Map<BackendNode, NodeState> states, String reason) {
    public Topology {
        Objects.requireNonNull(writer, "writer");
        readers = List.copyOf(readers);
        states = Collections.unmodifiableMap(new LinkedHashMap<>(states));
        reason = reason == null ? "" : reason;
    }

    /** A snapshot without per-node states, for callers that route by writer and readers only. */
    public Topology(long version, Optional<BackendNode> writer, List<BackendNode> readers) {
        this(version, writer, readers, Map.of(), "");
    }

    /** A first snapshot with the head of {@code writerOrder} as writer, before any health information. */
    public static Topology initial(List<BackendNode> writerOrder, List<BackendNode> readers) {
        return new Topology(1, writerOrder.stream().findFirst(), readers, Map.of(),
            "no health check yet: head of the writer order");
    }

    /** The node's state in this snapshot; UNKNOWN when it is not monitored or not checked yet. */
    public NodeState stateOf(BackendNode node) {
        return states.getOrDefault(node, NodeState.UNKNOWN);
    }

    /** True when writer, readers and states equal {@code other}'s (version and reason ignored). */
    public boolean sameRoutingAs(Topology other) {
        return writer.equals(other.writer) && readers.equals(other.readers) && states.equals(other.states);
    }
}
