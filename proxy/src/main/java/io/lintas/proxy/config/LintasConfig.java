package io.lintas.proxy.config;

import io.lintas.monitor.BackendNode;
import io.lintas.monitor.MonitorSettings;

import java.util.List;

/**
 * The validated configuration with every default applied.
 *
 * @param nodes       all database nodes, as listed
 * @param writerOrder nodes in the order they take the writer role
 * @param readers     nodes that serve reads
 */
public record LintasConfig(ProxySettings proxy, List<UserAccount> users, List<BackendNode> nodes,
                           List<BackendNode> writerOrder, List<BackendNode> readers, BackendSettings backend,
                           MonitorConfig monitor) {

    public LintasConfig {
        users = List.copyOf(users);
        nodes = List.copyOf(nodes);
        writerOrder = List.copyOf(writerOrder);
        readers = List.copyOf(readers);
    }

    /** Whether the Galera monitor runs, and its settings (null when disabled). */
    public record MonitorConfig(boolean enabled, MonitorSettings settings) {}

    /** The client-facing listener and protocol limits; {@code serverVersion} is null unless configured. */
    public record ProxySettings(String address, int port, String unixSocket, String serverVersion,
                                int handshakeTimeoutMs, int netReadTimeoutMs, long maxAllowedPacket, int ioThreads) {}

    /** How backend connections are opened. */
    public record BackendSettings(int connectTimeoutMs) {}
}
