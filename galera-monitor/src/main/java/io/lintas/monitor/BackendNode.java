package io.lintas.monitor;

import java.util.Objects;

/**
 * A database node as configured: a stable name, where to reach it, and whether connections to it use TLS.
 * A node whose {@code useSsl} changes is another node: its connections are replaced.
 */
public record BackendNode(String name, String host, int port, boolean useSsl) {
    /** A node reached over plain TCP. */
    public BackendNode(String name, String host, int port) {
        this(name, host, port, false);
    }

    public BackendNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** {@code host:port}, for logs and errors. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return name + "(" + address() + ")";
    }
}
