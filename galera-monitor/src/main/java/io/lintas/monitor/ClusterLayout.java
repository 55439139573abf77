package io.lintas.monitor;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which nodes are monitored, which may write (in preference order) and which serve reads.
 *
 * @param nodes       every monitored node
 * @param writerOrder nodes that may take writes, most preferred first; a subset of {@code nodes}
 * @param readers     nodes that serve reads, in preference order; a subset of {@code nodes}
 */
public record ClusterLayout(List<BackendNode> nodes, List<BackendNode> writerOrder, List<BackendNode> readers) {
    public ClusterLayout {
        nodes = List.copyOf(nodes);
        writerOrder = List.copyOf(writerOrder);
        readers = List.copyOf(readers);
        Set<String> names = new HashSet<>();
        for (BackendNode n : nodes) {
            if (!names.add(n.name())) {
                throw new IllegalArgumentException("duplicate node name: " + n.name());
            }
        }
        requireSubset("writer order", writerOrder, nodes);
        requireSubset("readers", readers, nodes);
        if (new HashSet<>(writerOrder).size() != writerOrder.size()) {
            throw new IllegalArgumentException("writer order lists a node twice: " + writerOrder);
        }
        if (new HashSet<>(readers).size() != readers.size()) {
            throw new IllegalArgumentException("readers list a node twice: " + readers);
        }
    }

    private static void requireSubset(String what, List<BackendNode> part, List<BackendNode> all) {
        for (BackendNode n : part) {
            if (!all.contains(n)) {
                throw new IllegalArgumentException(what + " names " + n + ", which is not a monitored node");
            }
        }
    }
}
