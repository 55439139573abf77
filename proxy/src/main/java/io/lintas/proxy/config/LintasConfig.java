package io.lintas.proxy.config;

import io.lintas.proxy.security.LoginThrottle;
import io.lintas.wire.tls.TlsSettings;
import java.nio.file.Path;

import io.lintas.pool.PoolConfig;
import io.lintas.router.rules.QueryRuleSet;
import java.util.Map;

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
                           PoolConfig pool, RoutingSettings routing, QueryRuleSet queryRules, MonitorConfig monitor,
                           AdminConfig admin, MetricsConfig metrics) {

    public LintasConfig {
        users = List.copyOf(users);
        nodes = List.copyOf(nodes);
        writerOrder = List.copyOf(writerOrder);
        readers = List.copyOf(readers);
    }

    /**
     * The admin SQL interface ({@code admin:}).
     *
     * @param password the clear password or its {@code *HEX} form (SHA1(SHA1(password)))
     */
    public record AdminConfig(boolean enabled, String address, int port, String username, String password) {
        @Override
        public String toString() {
            return "AdminConfig{enabled=" + enabled + ", address=" + address + ", port=" + port + ", username=" + username + "}";
        }
    }

    /** The Prometheus endpoint ({@code metrics:}). */
    public record MetricsConfig(boolean enabled, String address, int port, String path) {}

    /** This configuration with other users, nodes, routing and rules (what the admin interface changes at runtime). */
    public LintasConfig with(List<UserAccount> newUsers, List<BackendNode> newNodes, List<BackendNode> newWriterOrder,
                             List<BackendNode> newReaders, RoutingSettings newRouting, QueryRuleSet newRules) {
        return new LintasConfig(proxy, newUsers, newNodes, newWriterOrder, newReaders, backend, pool, newRouting, newRules,
            monitor, admin, metrics);
    }

    /** Whether the Galera monitor runs, and its settings (null when disabled). */
    public record MonitorConfig(boolean enabled, MonitorSettings settings) {}

    /**
     * The client-facing listener and protocol limits; {@code serverVersion} is null unless configured.
     *
     * @param idleTimeoutMs a session that runs no command for this long is closed, 0 for never
     */
    public record ProxySettings(String address, int port, String unixSocket, String serverVersion,
                                int handshakeTimeoutMs, int netReadTimeoutMs, long maxAllowedPacket, int ioThreads,
                                SecuritySettings security, int idleTimeoutMs) {
        /** Settings without an idle timeout. */
        public ProxySettings(String address, int port, String unixSocket, String serverVersion, int handshakeTimeoutMs,
                             int netReadTimeoutMs, long maxAllowedPacket, int ioThreads, SecuritySettings security) {
            this(address, port, unixSocket, serverVersion, handshakeTimeoutMs, netReadTimeoutMs, maxAllowedPacket,
                ioThreads, security, 0);
        }

        /** Settings without client security: plain, mysql_native_password, no limits, no throttle (tests). */
        public ProxySettings(String address, int port, String unixSocket, String serverVersion, int handshakeTimeoutMs,
                             int netReadTimeoutMs, long maxAllowedPacket, int ioThreads) {
            this(address, port, unixSocket, serverVersion, handshakeTimeoutMs, netReadTimeoutMs, maxAllowedPacket,
                ioThreads, SecuritySettings.NONE);
        }
    }

    /**
     * Client-side security: TLS, the authentication plugin, connection limits and the failed-login throttle.
     *
     * @param tls               TLS towards clients, or null when not configured (plain only)
     * @param authPlugin        the plugin announced to clients and switched to ({@code mysql_native_password} or
     *                          {@code caching_sha2_password})
     * @param rsaPrivateKeyFile PKCS#8 PEM key for caching_sha2's RSA exchange over plain TCP; null = generated at start-up
     * @param maxConnections    client connections at most, 0 for no limit
     * @param loginThrottle     throttle settings, or null when disabled
     */
    public record SecuritySettings(TlsSettings.Server tls, String authPlugin, Path rsaPrivateKeyFile, int maxConnections,
                                   LoginThrottle.Settings loginThrottle) {
        /** No TLS, mysql_native_password, no connection limit, no throttle. */
        public static final SecuritySettings NONE = new SecuritySettings(null, "mysql_native_password", null, 0, null);
    }

    /**
     * How backend connections are opened; prepared statements kept open per backend connection at most.
     *
     * @param tls how connections to nodes with {@code use_ssl} verify the node ({@code backend.tls})
     */
    public record BackendSettings(int connectTimeoutMs, int maxPreparedStatements, TlsSettings.Backend tls) {
        /** Settings with the default backend TLS (JDK trust store, certificate and host name checked). */
        public BackendSettings(int connectTimeoutMs, int maxPreparedStatements) {
            this(connectTimeoutMs, maxPreparedStatements, TlsSettings.Backend.verified(null, true));
        }
    }

    /** How reads and writes are routed. */
    public enum Consistency {
        /** A session's reads after its own write wait (wsrep_sync_wait) until the reader has applied it. */
        READ_YOUR_WRITES,
        /** Reads never wait: a reader may be a few milliseconds behind the writer. */
        EVENTUAL
    }

    /**
     * Read/write splitting settings.
     *
     * @param warningsHoldMs how long a connection whose statement left warnings stays with an idle session for
     *                       SHOW WARNINGS (0: until the session's next command)
     * @param weights        reader weight by node name (nodes not listed weigh 1)
     */
    public record RoutingSettings(int writerHostgroup, int readerHostgroup, Consistency consistency,
                                  boolean readsFallBackToWriter, int failoverWaitMs, int warningsHoldMs,
                                  Map<String, Integer> weights) {
        public RoutingSettings {
            weights = Map.copyOf(weights);
        }
    }
}
