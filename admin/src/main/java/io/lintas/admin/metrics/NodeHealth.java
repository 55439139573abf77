package io.lintas.admin.metrics;

/** A node's state as the Galera monitor reports it (the label {@code state} of {@code lintas_node_state}). */
public enum NodeHealth {
    /** Not checked yet. */
    UNKNOWN,
    /** Takes new work. */
    ONLINE,
    /** No new work; running work finishes. */
    OFFLINE_SOFT,
    /** Its connections are closed. */
    OFFLINE_HARD
}
