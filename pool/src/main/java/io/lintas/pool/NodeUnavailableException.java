package io.lintas.pool;

import io.lintas.monitor.BackendNode;

import java.io.IOException;

/**
 * The pool of a node was taken out of service ({@link NodePool#shutdownNode()}, e.g. the monitor found the
 * node down) or closed: waiting and new requests fail with it, and borrowed connections are closed with it
 * as the cause reported to {@link ResponseSink#onBackendLost}.
 */
public final class NodeUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient BackendNode node;

    public NodeUnavailableException(BackendNode node, String message) {
        super(message);
        this.node = node;
    }

    /** The node. */
    public BackendNode node() {
        return node;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
