package io.lintas.monitor;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/** An entry of the monitor's history (the admin interface's {@code monitor.mysql_server_galera_log}). */
public sealed interface MonitorEvent permits MonitorEvent.StateChange, MonitorEvent.WriterChange, MonitorEvent.Membership {

    /** When it happened. */
    Instant at();

    /** The single log line that reports it. */
    String logLine();

    /** A node moved from one state to another. */
    record StateChange(Instant at, BackendNode node, NodeState from, NodeState to, String reason) implements MonitorEvent {
        public StateChange {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(reason, "reason");
        }

        /** {@code node=node3 state ONLINE -> OFFLINE_HARD reason="..." at=2025-01-01T00:00:00.123Z}. */
        @Override
        public String logLine() {
            return "node=" + node.name() + " state " + from + " -> " + to + " reason=" + quote(reason) + " at=" + iso(at);
        }
    }

    /** Writes moved from one node to another (either side empty when there was or is no writer). */
    record WriterChange(Instant at, Optional<BackendNode> from, Optional<BackendNode> to, String reason) implements MonitorEvent {
        public WriterChange {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(reason, "reason");
        }

        /** {@code writer node3 -> node2 reason="..." at=...}; {@code none} stands for no writer. */
        @Override
        public String logLine() {
            return "writer " + name(from) + " -> " + name(to) + " reason=" + quote(reason) + " at=" + iso(at);
        }
    }

    /** A node was added to or removed from monitoring at runtime. */
    record Membership(Instant at, BackendNode node, boolean added) implements MonitorEvent {
        public Membership {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
        }

        /** {@code node=node4 added address=127.0.0.1:3314 at=...}. */
        @Override
        public String logLine() {
            return "node=" + node.name() + (added ? " added" : " removed") + " address=" + node.address() + " at=" + iso(at);
        }
    }

    private static String name(Optional<BackendNode> n) {
        return n.map(BackendNode::name).orElse("none");
    }

    private static String quote(String reason) {
        // One event must stay one line and the quoted field must stay parseable.
        return '"' + reason.replace('"', '\'').replace('\n', ' ').replace('\r', ' ') + '"';
    }

    private static String iso(Instant at) {
        return at.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
