package io.lintas.pool;

import io.lintas.monitor.BackendNode;

/**
 * Every connection slot of a node stayed busy for the whole queue timeout. The message names the node
 * and the limit, e.g. {@code node3: all 50 connections busy for 1000 ms (max_connections=50)}.
 */
public final class PoolExhaustedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient BackendNode node;
    private final int maxConnections;
    private final long waitedMillis;

    public PoolExhaustedException(BackendNode node, int maxConnections, long waitedMillis) {
        super(node.name() + ": all " + maxConnections + " connections busy for " + waitedMillis
            + " ms (max_connections=" + maxConnections + ")", null, false, false);
        this.node = node;
        this.maxConnections = maxConnections;
        this.waitedMillis = waitedMillis;
    }

    /** The node whose limit was reached. */
    public BackendNode node() {
        return node;
    }

    /** The node's {@code max_connections}. */
    public int maxConnections() {
        return maxConnections;
    }

    /** How long the request waited (the queue timeout). */
    public long waitedMillis() {
        return waitedMillis;
    }
}
