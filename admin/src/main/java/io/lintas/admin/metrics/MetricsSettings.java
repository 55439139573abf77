package io.lintas.admin.metrics;

import java.util.Objects;

/** Where the Prometheus endpoint listens; {@code enabled=false} turns it off. */
public record MetricsSettings(boolean enabled, String address, int port, String path) {
    /** ProxySQL's metrics port. */
    public static final int DEFAULT_PORT = 6070;

    /** Checks port range and path shape. */
    public MetricsSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(path, "path");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics port " + port + " is not 0..65535");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("metrics path must start with '/': " + path);
        }
    }

    /** http://127.0.0.1:6070/metrics. */
    public static MetricsSettings defaults() {
        return new MetricsSettings(true, "127.0.0.1", DEFAULT_PORT, "/metrics");
    }
}
