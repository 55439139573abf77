package io.lintas.proxy.session;

import io.lintas.monitor.BackendNode;
import io.lintas.monitor.NodeState;
import io.lintas.monitor.Topology;
import io.lintas.pool.BackendConnector;
import io.lintas.proxy.config.LintasConfig;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    /**
     * Client connection ids start here, far above the thread ids a database node hands out, so an id a client
     * got from Lintas (greeting, {@code KILL}) can never be mistaken for a node's thread id (CONNECTION_ID())
     * and vice versa; both stay below 2^31 for clients that store them as signed 32-bit integers.
     */
    public static final long FIRST_CONNECTION_ID = 1_000_000_001L;
    private static final long LAST_CONNECTION_ID = Integer.MAX_VALUE;

    private final AtomicLong connectionIds = new AtomicLong(FIRST_CONNECTION_ID - 1);
    private final ConcurrentHashMap<Long, ClientSession> sessions = new ConcurrentHashMap<>();
    private volatile BiConsumer<BackendNode, String> failureReporter = (node, reason) -> { };

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

    /**
     * Publishes a new topology snapshot. Sessions relaying to a node that is now OFFLINE_HARD lose that
     * connection at once: a statement in flight there fails now instead of hanging on a frozen node.
     */
    public void publish(Topology next) {
        Topology previous = topology.getAndSet(next);
        for (Map.Entry<BackendNode, NodeState> e : next.states().entrySet()) {
            if (e.getValue() == NodeState.OFFLINE_HARD && previous.stateOf(e.getKey()) != NodeState.OFFLINE_HARD) {
                BackendNode down = e.getKey();
                for (ClientSession s : sessions.values()) {
                    if (down.equals(s.backendNode())) {
                        s.backendNodeDown(down, next.reason());
                    }
                }
            }
        }
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

    /** A new client connection id, not used by any open session. */
    long nextConnectionId() {
        while (true) {
            long id = connectionIds.incrementAndGet();
            if (id > LAST_CONNECTION_ID) {
                connectionIds.compareAndSet(id, FIRST_CONNECTION_ID - 1);
                continue;
            }
            if (!sessions.containsKey(id)) {
                return id;
            }
        }
    }

    /** Registers an open session under its connection id. */
    void register(ClientSession session) {
        sessions.put(session.connectionId(), session);
    }

    /** Forgets a closed session. */
    void unregister(ClientSession session) {
        sessions.remove(session.connectionId(), session);
    }

    /** The open session with this connection id, or null. */
    ClientSession session(long connectionId) {
        return sessions.get(connectionId);
    }

    /** True when some open session is relaying to thread {@code threadId} of {@code node}. */
    boolean isBackendThread(BackendNode node, long threadId) {
        for (ClientSession s : sessions.values()) {
            if (threadId == s.backendThreadId() && node.equals(s.backendNode())) {
                return true;
            }
        }
        return false;
    }

    /** Number of client sessions open now. */
    public long openSessionCount() {
        return sessions.size();
    }
}
