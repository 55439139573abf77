package io.lintas.monitor;

import java.util.Objects;

/** A database node as configured: a stable name and where to reach it. */
public record BackendNode(String name, String host, int port) {
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
