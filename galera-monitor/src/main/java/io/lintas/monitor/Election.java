package io.lintas.monitor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one writer election.
 *
 * @param writer  the node to send writes to; empty when no node may take writes
 * @param readers the nodes to send reads to, in preference order
 * @param reason  why the writer is what it is, for logs and the admin interface
 */
public record Election(Optional<BackendNode> writer, List<BackendNode> readers, String reason) {
    public Election {
        Objects.requireNonNull(writer, "writer");
        readers = List.copyOf(readers);
        Objects.requireNonNull(reason, "reason");
    }
}
