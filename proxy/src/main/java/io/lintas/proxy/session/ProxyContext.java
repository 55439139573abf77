package io.lintas.proxy.session;

import io.lintas.monitor.BackendNode;
import io.lintas.monitor.Topology;
import io.lintas.pool.BackendConnector;
import io.lintas.proxy.config.LintasConfig;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.concurrent.atomic.AtomicReference;

/** What every client session shares: settings, users, the current topology and the backend connector. */
public final class ProxyContext {
    private final LintasConfig.ProxySettings settings;
    private final AtomicReference<UserDirectory> users;
    private final AtomicReference<Topology> topology;
    private final ServerIdentity identity;
    private final BackendConnector connector;
    private final AtomicLong connectionIds = new AtomicLong();
    private volatile BiConsumer<BackendNode, String> failureReporter = (node, reason) -> { };
    private final AtomicLong openSessions = new AtomicLong();

    /** Creates the shared context. */
    public ProxyContext(LintasConfig.ProxySettings settings, UserDirectory users, Topology topology,
                        ServerIdentity identity, BackendConnector connector) {
        this.settings = settings;
        this.users = new AtomicReference<>(users);
        this.topology = new AtomicReference<>(topology);
        this.identity = identity;
        this.connector = connector;
    }

    /** Listener settings and protocol limits. */
    public LintasConfig.ProxySettings settings() {
        return settings;
    }

    /** The current user directory. */
    public UserDirectory users() {
        return users.get();
    }

    /** The current topology snapshot. */
    public Topology topology() {
        return topology.get();
    }

    /** Publishes a new topology snapshot. */
    public void publish(Topology next) {
        topology.set(next);
    }

    /** Where the data path reports a node it saw fail (the Galera monitor re-checks it at once). */
    public void onNodeFailure(BiConsumer<BackendNode, String> reporter) {
        this.failureReporter = reporter;
    }

    /** Reports that {@code node} failed on the data path; never blocks. */
    void reportNodeFailure(BackendNode node, String reason) {
        failureReporter.accept(node, reason);
    }

    /** The identity announced to clients. */
    public ServerIdentity identity() {
        return identity;
    }

    /** Opens backend connections. */
    public BackendConnector connector() {
        return connector;
    }

    /** A new client connection id (32-bit, never 0). */
    long nextConnectionId() {
        long id;
        do {
            id = connectionIds.incrementAndGet() & 0xFFFFFFFFL;
        } while (id == 0);
        return id;
    }

    /** Counts open client sessions (for shutdown and metrics). */
    AtomicLong openSessions() {
        return openSessions;
    }

    /** Number of client sessions open now. */
    public long openSessionCount() {
        return openSessions.get();
    }
}
