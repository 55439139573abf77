package io.lintas.monitor;

import java.util.List;
import java.util.Optional;

/**
 * An immutable picture of the cluster the data path routes by: which node takes writes and which serve
 * reads. A new snapshot replaces the old one atomically; readers of a snapshot never see it change.
 *
 * @param version increases with every published snapshot
 * @param writer  the node that takes writes, empty when none is usable
 * @param readers nodes that serve reads, in preference order
 */
public record Topology(long version, Optional<BackendNode> writer, List<BackendNode> readers) {
    public Topology {
        readers = List.copyOf(readers);
    }

    /** A first snapshot with the head of {@code writerOrder} as writer, before any health information. */
    public static Topology initial(List<BackendNode> writerOrder, List<BackendNode> readers) {
        return new Topology(1, writerOrder.stream().findFirst(), readers);
    }
}
