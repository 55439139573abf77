package io.lintas.proxy.config;

import io.lintas.monitor.BackendNode;

import java.util.List;

/**
 * The validated configuration with every default applied.
 *
 * @param nodes       all database nodes, as listed
 * @param writerOrder nodes in the order they take the writer role
 */
public record LintasConfig(ProxySettings proxy, List<UserAccount> users, List<BackendNode> nodes,
                           List<BackendNode> writerOrder, BackendSettings backend) {

    public LintasConfig {
        users = List.copyOf(users);
        nodes = List.copyOf(nodes);
        writerOrder = List.copyOf(writerOrder);
    }

    /** The client-facing listener and protocol limits. */
    public record ProxySettings(String address, int port, String unixSocket, String serverVersion,
                                int handshakeTimeoutMs, int netReadTimeoutMs, long maxAllowedPacket, int ioThreads) {}

    /** How backend connections are opened. */
    public record BackendSettings(int connectTimeoutMs) {}
}
