package io.lintas.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Picks the writer and the readers from the nodes' health. Pure: the time comes in as a parameter, so
 * every sidecar that sees the same cluster at the same time picks the same writer.
 *
 * <ul>
 *   <li>Writer: the current writer while it stays writable (ONLINE, read_only=OFF) and no failback is
 *       due; otherwise the first writable node in the writer order. A read_only node is never chosen.
 *       No writable node (for instance no node in a Primary component) gives no writer.</li>
 *   <li>Failback (when enabled): a node earlier in the writer order than the current writer takes over
 *       once it has been writable <em>continuously</em> for {@code failbackAfter}, so a node that flaps
 *       does not drag writes back and forth. Without failback the writer stays until it stops being
 *       writable.</li>
 *   <li>Readers: configured readers that are ONLINE, in configured order, with the writer added or
 *       removed according to {@link WriterIsAlsoReader}.</li>
 * </ul>
 */
public final class WriterElection {
    private final boolean failback;
    private final Duration failbackAfter;
    private final WriterIsAlsoReader writerIsAlsoReader;

    /** An election with the given failback policy and reader mode. */
    public WriterElection(boolean failback, Duration failbackAfter, WriterIsAlsoReader writerIsAlsoReader) {
        this.failback = failback;
        this.failbackAfter = Objects.requireNonNull(failbackAfter, "failbackAfter");
        this.writerIsAlsoReader = Objects.requireNonNull(writerIsAlsoReader, "writerIsAlsoReader");
        if (failbackAfter.isNegative()) {
            throw new IllegalArgumentException("failbackAfter < 0");
        }
    }

    /** An election using the policy of {@code settings}. */
    public static WriterElection from(MonitorSettings settings) {
        return new WriterElection(settings.failback(), Duration.ofMillis(settings.failbackAfterMs()),
            settings.writerIsAlsoReader());
    }

    /**
     * Elects writer and readers.
     *
     * @param writerOrder   nodes that may write, most preferred first
     * @param readers       nodes configured to serve reads, in preference order
     * @param health        health of every monitored node (a missing node counts as UNKNOWN)
     * @param currentWriter the writer of the previous election
     * @param now           the current time, for failback
     */
    public Election elect(List<BackendNode> writerOrder, List<BackendNode> readers, Map<BackendNode, NodeHealth> health,
                          Optional<BackendNode> currentWriter, Instant now) {
        Objects.requireNonNull(now, "now");
        Choice w = pickWriter(writerOrder, health, currentWriter, now);
        return new Election(w.writer, pickReaders(readers, health, w.writer), w.reason);
    }

    private record Choice(Optional<BackendNode> writer, String reason) {
    }

    private Choice pickWriter(List<BackendNode> order, Map<BackendNode, NodeHealth> health,
                              Optional<BackendNode> currentWriter, Instant now) {
        BackendNode current = currentWriter.filter(order::contains).orElse(null);
        if (current != null && writable(health, current)) {
            if (failback) {
                for (BackendNode n : order) {
                    if (n.equals(current)) {
                        break;
                    }
                    Optional<Instant> since = health(health, n).writableSince();
                    if (writable(health, n) && since.isPresent() && !since.get().plus(failbackAfter).isAfter(now)) {
                        return new Choice(Optional.of(n), "failback: " + n.name() + " writable for "
                            + Duration.between(since.get(), now).toMillis() + " ms (failback_after_ms="
                            + failbackAfter.toMillis() + ")");
                    }
                }
            }
            return new Choice(Optional.of(current), current.name() + " stays writer: ONLINE and writable"
                + (failback ? "" : " (failback=false)"));
        }
        for (BackendNode n : order) {
            if (writable(health, n)) {
                return new Choice(Optional.of(n), whyMoved(health, currentWriter, n));
            }
        }
        boolean anyOnline = health.values().stream().anyMatch(h -> h.state() == NodeState.ONLINE);
        return new Choice(Optional.empty(), anyOnline
            ? "no writable node in the writer order (the ONLINE ones are read_only or not in the writer order)"
            : "no node is ONLINE in a Primary component");
    }

    private static String whyMoved(Map<BackendNode, NodeHealth> health, Optional<BackendNode> previous, BackendNode next) {
        if (previous.isEmpty()) {
            return next.name() + " is the first writable node in the writer order";
        }
        NodeHealth old = health(health, previous.get());
        String what = !health.containsKey(previous.get()) ? "no longer monitored"
            : old.state() == NodeState.ONLINE && old.readOnly() ? "read_only=ON"
            : old.state().name();
        return previous.get().name() + " is " + what + "; " + next.name() + " is the next writable node in the writer order";
    }

    private List<BackendNode> pickReaders(List<BackendNode> configured, Map<BackendNode, NodeHealth> health,
                                          Optional<BackendNode> writer) {
        List<BackendNode> online = new ArrayList<>();
        for (BackendNode n : configured) {
            if (health(health, n).state() == NodeState.ONLINE) {
                online.add(n);
            }
        }
        if (writer.isEmpty()) {
            return online;
        }
        BackendNode w = writer.get();
        switch (writerIsAlsoReader) {
            case ALWAYS:
                if (!online.contains(w)) {
                    online.add(w);
                }
                return online;
            case NEVER:
                online.remove(w);
                return online;
            case WHEN_ONLY_NODE:
            default:
                online.remove(w);
                return online.isEmpty() ? List.of(w) : online;
        }
    }

    private static boolean writable(Map<BackendNode, NodeHealth> health, BackendNode n) {
        return health(health, n).writable();
    }

    private static NodeHealth health(Map<BackendNode, NodeHealth> health, BackendNode n) {
        NodeHealth h = health.get(n);
        return h != null ? h : new NodeHealth(n, NodeState.UNKNOWN, false, Optional.empty());
    }
}
