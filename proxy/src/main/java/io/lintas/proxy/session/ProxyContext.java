package io.lintas.proxy.session;

import io.lintas.proxy.security.ClientSecurity;

import io.lintas.monitor.BackendNode;
import io.lintas.monitor.NodeState;
import io.lintas.monitor.Topology;
import io.lintas.pool.BackendPool;
import io.lintas.proxy.config.LintasConfig;
import io.lintas.router.QueryClassifier;
import io.lintas.router.balance.ReaderBalancer;
import io.lintas.router.rules.QueryRuleSet;
import io.lintas.router.stats.DigestStats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** What every client session shares: settings, users, the current topology and the backend connector. */
public final class ProxyContext {
    private final LintasConfig.ProxySettings settings;
    private final AtomicReference<UserDirectory> users;
    private final AtomicReference<Topology> topology;
    /** {@link System#nanoTime()} since when no node takes writes, or 0 while one does. */
    private volatile long writerMissingSince;
    /** {@link System#nanoTime()} since when no node at all is ONLINE (no reader, no writer), or 0. */
    private volatile long allMissingSince;
    private final ServerIdentity identity;
    private final BackendPool pool;
    private final QueryClassifier classifier;
    private final ReaderBalancer balancer;
    private volatile LintasConfig.RoutingSettings routing;
    private final LintasConfig.BackendSettings backend;
    private final AtomicReference<QueryRuleSet> rules;
    private final DigestStats digests = new DigestStats(DIGEST_ENTRIES);
    /** Distinct (digest, hostgroup, user, schema) keys kept in the digest statistics. */
    public static final int DIGEST_ENTRIES = 10_000;
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
    private volatile ClientSecurity security = ClientSecurity.none();
    private final DataPathMetrics dataPath;

    /** Creates the shared context. */
    public ProxyContext(LintasConfig.ProxySettings settings, UserDirectory users, Topology topology,
                        ServerIdentity identity, BackendPool pool, QueryClassifier classifier,
                        LintasConfig.RoutingSettings routing, LintasConfig.BackendSettings backend, QueryRuleSet rules) {
        this(settings, users, topology, identity, pool, classifier, routing, backend, rules,
            new DataPathMetrics(new io.lintas.admin.metrics.LintasMetrics()));
    }

    /** Creates the shared context, recording metrics into {@code dataPath}. */
    public ProxyContext(LintasConfig.ProxySettings settings, UserDirectory users, Topology topology,
                        ServerIdentity identity, BackendPool pool, QueryClassifier classifier,
                        LintasConfig.RoutingSettings routing, LintasConfig.BackendSettings backend, QueryRuleSet rules,
                        DataPathMetrics dataPath) {
        this.dataPath = dataPath;
        this.settings = settings;
        this.users = new AtomicReference<>(users);
        this.topology = new AtomicReference<>(topology);
        this.identity = identity;
        this.pool = pool;
        this.classifier = classifier;
        this.routing = routing;
        this.backend = backend;
        this.balancer = new ReaderBalancer(routing.weights());
        this.rules = new AtomicReference<>(rules);
    }

    /** The query rules in force (swapped whole at runtime). */
    public QueryRuleSet rules() {
        return rules.get();
    }

    /** Replaces the query rules; the next statement of every session uses the new set. */
    public void setRules(QueryRuleSet next) {
        rules.set(next);
    }

    /** Where the data path records metrics and statement counters. */
    public DataPathMetrics statementMetrics() {
        return dataPath;
    }

    /** Replaces the users clients may log in as; sessions already logged in stay. */
    public void setUsers(UserDirectory next) {
        users.set(next);
    }

    /**
     * Replaces the routing settings (the next statement of every session uses them) and the reader weights in
     * them.
     */
    public void setRouting(LintasConfig.RoutingSettings next) {
        balancer.setWeights(next.weights());
        routing = next;
    }

    /** A snapshot of every logged-in session (the admin processlist); thread-safe. */
    public java.util.List<SessionSnapshot> sessionSnapshots() {
        java.util.List<SessionSnapshot> out = new java.util.ArrayList<>();
        for (ClientSession s : sessions.values()) {
            String user = s.username();
            if (user == null) {
                continue;
            }
            SessionActivity a = s.activity;
            boolean running = a.running();
            out.add(new SessionSnapshot(s.connectionId(), user, a.schema(), a.clientHost(), a.clientPort(),
                a.commandName(), a.elapsedMs(), running ? a.info() : null, running ? s.runningNode() : null));
        }
        out.sort(java.util.Comparator.comparingLong(SessionSnapshot::connectionId));
        return out;
    }

    /**
     * Kills a session from the admin interface: the whole connection, or only the statement it runs (as
     * {@code KILL QUERY} on its node). Thread-safe.
     *
     * @return false when no session has that id
     */
    public boolean kill(long connectionId, boolean queryOnly) {
        ClientSession s = sessions.get(connectionId);
        if (s == null || s.username() == null) {
            return false;
        }
        if (queryOnly) {
            s.killQueryFromAdmin();
        } else {
            s.killedFromElsewhere();
        }
        return true;
    }

    /** Per-digest statement statistics. */
    public DigestStats digests() {
        return digests;
    }

    /** The backend connection pool. */
    public BackendPool pool() {
        return pool;
    }

    /** The statement classifier (thread-safe, shared). */
    public QueryClassifier classifier() {
        return classifier;
    }

    /** Picks a reader for each read. */
    public ReaderBalancer balancer() {
        return balancer;
    }

    /** Read/write splitting settings. */
    public LintasConfig.RoutingSettings routing() {
        return routing;
    }

    /** Backend connection settings. */
    public LintasConfig.BackendSettings backend() {
        return backend;
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
     * Publishes a new topology snapshot. A node that is now OFFLINE_HARD has its pooled connections closed and
     * its lent ones aborted at once: a statement in flight there fails now instead of hanging on a frozen node,
     * and nobody borrows from it until it is back.
     */
    public void publish(Topology next) {
        Topology previous = topology.getAndSet(next);
        long now = System.nanoTime();
        writerMissingSince = missingSince(next.writer().isPresent(), writerMissingSince, now);
        allMissingSince = missingSince(next.writer().isPresent() || !next.readers().isEmpty(), allMissingSince, now);
        for (Map.Entry<BackendNode, NodeState> e : next.states().entrySet()) {
            BackendNode node = e.getKey();
            boolean downNow = e.getValue() == NodeState.OFFLINE_HARD;
            boolean downBefore = previous.stateOf(node) == NodeState.OFFLINE_HARD;
            if (downNow && !downBefore) {
                pool.shutdownNode(node);
            } else if (!downNow && downBefore) {
                pool.resume(node);
            }
        }
    }

    /** When an outage began: 0 while {@code present}, else the earlier start or {@code now} (never 0). */
    private static long missingSince(boolean present, long since, long now) {
        return present ? 0 : since != 0 ? since : now == 0 ? 1 : now;
    }

    /**
     * True when a command that finds no node should fail at once rather than wait for a new topology: no node has
     * been able to serve it (writes: no writer; reads: no node at all) for longer than {@code failover_wait_ms}, so
     * this is an outage (e.g. no Primary component), not a failover in progress.
     */
    boolean outageOutlastsFailoverWait(boolean read) {
        long since = read ? allMissingSince : writerMissingSince;
        return since != 0 && System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(routing().failoverWaitMs());
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

    /** Closes every session that has run no command for {@code idleNanos}; see {@link ClientSession#closeIfIdle}. */
    public void closeIdleSessions(long idleNanos) {
        for (ClientSession s : sessions.values()) {
            s.closeIfIdle(idleNanos);
        }
    }

    /** The open session with this connection id, or null. */
    ClientSession session(long connectionId) {
        return sessions.get(connectionId);
    }


    /** Client TLS, auth plugin, limits and login throttle. */
    public ClientSecurity security() {
        return security;
    }

    /** Installs the security state (at start-up, before any client connects). */
    public void setSecurity(ClientSecurity security) {
        this.security = security;
    }

    /** Number of client sessions open now. */
    public long openSessionCount() {
        return sessions.size();
    }
}
