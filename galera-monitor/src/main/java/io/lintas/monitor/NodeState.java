package io.lintas.monitor;

/**
 * Health of one Galera node as the data path should treat it.
 *
 * <p>The two offline states differ in what happens to existing work: OFFLINE_SOFT still lets running
 * statements and transactions finish (the node is healthy but behind or donating), OFFLINE_HARD means
 * the node cannot be trusted any more and its connections should be closed.
 */
public enum NodeState {
    /** Not checked yet: neither routable nor known to be down. */
    UNKNOWN,
    /** Synced, in a Primary component, ready and accepting queries: takes new work. */
    ONLINE,
    /** Healthy but should take no new work (donor/desynced, joined and catching up, or lagging). */
    OFFLINE_SOFT,
    /** Unreachable, not in a Primary component, not ready or rejecting queries: close its connections. */
    OFFLINE_HARD;

    /** True only for ONLINE: the one state in which a node may be handed new statements. */
    public boolean acceptsNewWork() {
        return this == ONLINE;
    }
}
