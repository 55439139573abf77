package io.lintas.pool;

import io.lintas.monitor.BackendNode;

import java.util.Map;
import java.util.Objects;

/**
 * Pool settings for every node: global defaults and complete settings for nodes that override them
 * (build those from the defaults, e.g. {@code defaults.with(nodeSection)}).
 *
 * @param perNode               settings by node name
 * @param maintenanceIntervalMs how often idle connections are checked (lifetime, idle timeout, pings) and
 *                              {@code min_idle} is topped up; default 1000
 */
public record PoolConfig(PoolSettings defaults, Map<String, PoolSettings> perNode, long maintenanceIntervalMs) {

    /** Defaults everywhere. */
    public static final PoolConfig DEFAULTS = new PoolConfig(PoolSettings.DEFAULTS, Map.of(), 1000);

    public PoolConfig {
        Objects.requireNonNull(defaults, "defaults");
        perNode = perNode == null ? Map.of() : Map.copyOf(perNode);
        if (maintenanceIntervalMs < 10) {
            throw new IllegalArgumentException("maintenance interval must be at least 10 ms");
        }
    }

    /** The same settings for every node. */
    public static PoolConfig of(PoolSettings settings) {
        return new PoolConfig(settings, Map.of(), 1000);
    }

    /** The settings that apply to {@code node}. */
    public PoolSettings settingsFor(BackendNode node) {
        return perNode.getOrDefault(node.name(), defaults);
    }
}
