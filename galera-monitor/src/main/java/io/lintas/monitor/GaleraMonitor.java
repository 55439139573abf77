package io.lintas.monitor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Watches every Galera node, keeps its state, elects the writer and publishes immutable {@link Topology}
 * snapshots.
 *
 * <p>Threading: all bookkeeping, elections and listener calls happen on one dedicated scheduler thread
 * ({@code lintas-galera-monitor}, not a Netty event loop); the blocking JDBC checks run on worker threads
 * ({@code lintas-monitor-check-N}), at most one per node. Public methods may be called from any thread:
 * they hand their work to the monitor thread and never block on a node.
 *
 * <p>Fast detection: {@link #reportFailure} re-checks the node at once. It does not flip the state on the
 * data path's word alone (a client-side reset is no proof the node is down), but if that re-check fails
 * the node goes OFFLINE_HARD immediately instead of waiting for {@code max_failures}: the data path and the
 * failed check are two independent observations, the same evidence max_failures asks of the poller.
 */
public final class GaleraMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GaleraMonitor.class);

    private final MonitorSettings settings;
    private final Function<BackendNode, HealthProbe> probes;
    private final Clock clock;
    private final NodeHealthEvaluator evaluator;
    private final WriterElection election;
    private final RingBuffer<MonitorEvent> history;
    private final ScheduledThreadPoolExecutor monitorThread;
    private final ExecutorService checkWorkers;
    private final CountDownLatch firstTopology = new CountDownLatch(1);
    private final Map<BackendNode, RingBuffer<CheckLogEntry>> checkLogs = new ConcurrentHashMap<>();

    // Confined to the monitor thread.
    private ClusterLayout layout;
    private final Map<BackendNode, NodeTracker> trackers = new LinkedHashMap<>();
    private final List<Consumer<Topology>> listeners = new ArrayList<>();
    private Optional<BackendNode> writer = Optional.empty();
    private boolean started;
    private boolean closed;
    private boolean elected;

    // Read from any thread.
    private volatile Topology current;
    /** {@link System#nanoTime()} of each node's last answer on the data path (0: none); see {@link #useDataPathLiveness}. */
    private volatile ToLongFunction<BackendNode> lastDataPathAnswer = n -> 0;
    /** Most nodes' checks time out at once (see stalledEverywhere); touched only on the monitor thread. */
    private boolean stalled;
    /** When {@link #stalled} began ({@link System#nanoTime()}). */
    private long stalledSince;
    /** The hold ran out and this stall's timeouts count again (logged once). */
    private boolean stallHoldExpired;
    private volatile List<NodeStatus> statuses = List.of();

    /** A monitor checking the nodes over JDBC with {@link HealthChecker}; call {@link #start()} to begin. */
    public GaleraMonitor(MonitorSettings settings, List<BackendNode> nodes, List<BackendNode> writerOrder,
                         List<BackendNode> readers) {
        this(settings, new ClusterLayout(nodes, writerOrder, readers), node -> new HealthChecker(node, settings),
            Clock.systemUTC());
    }

    /** A monitor with its own probes and clock (tests, other transports). */
    public GaleraMonitor(MonitorSettings settings, ClusterLayout layout, Function<BackendNode, HealthProbe> probes,
                         Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.probes = Objects.requireNonNull(probes, "probes");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.evaluator = NodeHealthEvaluator.from(settings);
        this.election = WriterElection.from(settings);
        this.history = new RingBuffer<>(settings.historySize());
        this.current = Topology.initial(layout.writerOrder(), layout.readers());
        this.monitorThread = new ScheduledThreadPoolExecutor(1, daemon("lintas-galera-monitor", false));
        // Watchdogs are cancelled on almost every check; drop them from the queue rather than let them pile up.
        this.monitorThread.setRemoveOnCancelPolicy(true);
        this.checkWorkers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), daemon("lintas-monitor-check-", true));
    }

    /** Starts checking every node; the first topology is published once every node has been checked once. */
    public void start() {
        runOnMonitor(() -> {
            if (started || closed) {
                return;
            }
            started = true;
            log.info("galera monitor starting: {} nodes, writer order {}, readers {}, {}", layout.nodes().size(),
                names(layout.writerOrder()), names(layout.readers()), settings);
            for (BackendNode n : layout.nodes()) {
                startTracking(n);
            }
            publishStatuses();
        });
    }

    /** The latest snapshot ({@link Topology#initial} until the first round of checks is done). */
    public Topology current() {
        return current;
    }

    /** Waits until the first health-based topology is published; true if it was within {@code timeout}. */
    public boolean awaitFirstTopology(Duration timeout) throws InterruptedException {
        return firstTopology.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Adds a listener. It receives the current snapshot at once (if one has been published) and every later
     * one, in version order, on the monitor thread: it must be quick and must not block.
     */
    public void addListener(Consumer<Topology> listener) {
        Objects.requireNonNull(listener, "listener");
        runOnMonitor(() -> {
            listeners.add(listener);
            if (elected) {
                deliver(listener, current);
            }
        });
    }

    /** Removes a listener added with {@link #addListener}. */
    public void removeListener(Consumer<Topology> listener) {
        runOnMonitor(() -> listeners.remove(listener));
    }

    /**
     * Where the monitor learns when each node last answered a statement on the data path
     * ({@link System#nanoTime()}, 0 for never). A check that timed out while the node was answering statements
     * is a slow check on a busy machine, not a missed one: it does not count towards {@code max_failures}. A
     * frozen or dead node answers nothing, so its failed checks still count.
     */
    public void useDataPathLiveness(ToLongFunction<BackendNode> lastAnswerNanos) {
        this.lastDataPathAnswer = Objects.requireNonNull(lastAnswerNanos, "lastAnswerNanos");
    }

    /**
     * The data path saw {@code node} fail (connection refused or reset, lost mid-statement, error 1047):
     * re-check it now. Non-blocking; repeated reports before the re-check answers are folded into one.
     */
    public void reportFailure(BackendNode node, String reason) {
        Objects.requireNonNull(node, "node");
        String why = reason == null ? "unspecified" : reason;
        runOnMonitor(() -> onReport(node, why));
    }

    /** Replaces the monitored nodes, writer order and readers at runtime; unchanged nodes keep their state. */
    public void setNodes(List<BackendNode> nodes, List<BackendNode> writerOrder, List<BackendNode> readers) {
        ClusterLayout next = new ClusterLayout(nodes, writerOrder, readers); // validate in the caller's thread
        runOnMonitor(() -> applyLayout(next));
    }

    /** State changes, writer changes and membership changes, oldest first (bounded by history_size). */
    public List<MonitorEvent> history() {
        return history.snapshot();
    }

    /** The last check results of {@code node}, oldest first (bounded by check_log_size); empty if unknown. */
    public List<CheckLogEntry> checkLog(BackendNode node) {
        RingBuffer<CheckLogEntry> b = checkLogs.get(node);
        return b == null ? List.of() : b.snapshot();
    }

    /** The current view of every monitored node, in layout order. */
    public List<NodeStatus> nodeStatuses() {
        return statuses;
    }

    /** The settings this monitor runs with. */
    public MonitorSettings settings() {
        return settings;
    }

    /** Stops all checks and closes every pool; waits up to a few seconds for that to finish. */
    @Override
    public void close() {
        CountDownLatch done = new CountDownLatch(1);
        try {
            monitorThread.execute(() -> {
                closed = true;
                trackers.values().forEach(t -> t.loop.close());
                trackers.clear();
                done.countDown();
            });
            done.await(5, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // Already closed.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        monitorThread.shutdown();
        checkWorkers.shutdown();
        try {
            if (!checkWorkers.awaitTermination(5, TimeUnit.SECONDS)) {
                checkWorkers.shutdownNow();
            }
            monitorThread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- monitor thread ----

    private void startTracking(BackendNode node) {
        NodeTracker t = new NodeTracker(node, settings.checkLogSize());
        HealthProbe probe;
        try {
            probe = probes.apply(node);
        } catch (RuntimeException e) {
            // A probe that cannot even be built (bad driver setup) still yields failed checks, so the node goes
            // OFFLINE_HARD visibly instead of silently staying UNKNOWN.
            log.error("node={} cannot create health checker: {}", node.name(), e.toString());
            String why = "cannot create health checker: " + e;
            probe = () -> new CheckResult.Failure(why, Duration.ZERO);
        }
        t.loop = new CheckLoop(probe, monitorThread, checkWorkers, settings.intervalMs(), settings.timeoutMs(),
            CheckLoop.FIRST_CHECK_GRACE_MS, (no, result) -> onResult(t, no, result));
        trackers.put(node, t);
        checkLogs.put(node, t.checkLog);
        t.loop.start();
    }

    private void onResult(NodeTracker t, long checkNo, CheckResult result) {
        if (closed || trackers.get(t.node) != t) {
            return; // the node was removed (or replaced) while this check ran
        }
        Instant now = clock.instant();
        CheckLogEntry entry = new CheckLogEntry(now, t.node, result);
        t.checkLog.add(entry);
        t.lastCheck = entry;

        Optional<String> report = Optional.empty();
        if (t.suspicion != null && checkNo > t.suspicion.afterCheck()) {
            report = Optional.of(t.suspicion.reason());
            t.suspicion = null;
        }
        HealthVerdict v = slowButAlive(t, result, report);
        if (v == null) {
            v = stalledEverywhere(t, result, report);
        }
        if (v == null) {
            v = evaluator.evaluate(t.state, t.failures, result, report);
        }
        if (report.isPresent() && v.state() != NodeState.OFFLINE_HARD) {
            log.info("node={} data path reported \"{}\" but the re-check found it {}", t.node.name(), report.get(), v.state());
        }
        t.failures = v.consecutiveFailures();
        t.reason = v.reason();
        if (result instanceof CheckResult.Success ok) {
            t.readOnly = ok.status().readOnly();
        }
        if (v.state() != t.state) {
            record(new MonitorEvent.StateChange(now, t.node, t.state, v.state(), v.reason()));
            t.state = v.state();
            t.since = now;
        }
        // Failback counts continuous writability, so any break (state change or read_only) restarts the clock.
        if (t.state == NodeState.ONLINE && !t.readOnly) {
            if (t.writableSince == null) {
                t.writableSince = now;
            }
        } else {
            t.writableSince = null;
        }
        publishStatuses();
        electAndPublish(now);
    }

    /**
     * A verdict that keeps the node's state when {@code result} is a timeout but the node answered the data path
     * while this check was waiting; null when the regular rules apply.
     */
    private HealthVerdict slowButAlive(NodeTracker t, CheckResult result, Optional<String> report) {
        if (report.isPresent() || t.state == NodeState.UNKNOWN || t.state == NodeState.OFFLINE_HARD
                || !(result instanceof CheckResult.Failure f) || !f.timedOut()) {
            return null;
        }
        long last = lastDataPathAnswer.applyAsLong(t.node);
        long now = System.nanoTime();
        long checkStart = now - f.latency().toNanos();
        if (last == 0 || last - checkStart < 0) {
            return null;
        }
        String why = "check timed out, but the node answered a statement " + (now - last) / 1_000_000
            + " ms ago: a slow check, not a missed one (" + f.reason() + ")";
        log.debug("node={} {}", t.node.name(), why);
        return new HealthVerdict(t.state, t.failures, why);
    }

    /**
     * A verdict that keeps the node's state when {@code result} is a timeout while the latest checks of most
     * monitored nodes timed out too; null when the regular rules apply. Nodes do not all freeze at once: that is
     * this host (a CPU-starved sidecar) or its network stalling, and taking the nodes out, or moving the writer to
     * whichever node answered last, would only make a slow moment an outage. A frozen node among answering ones,
     * refused connections, errors and data-path reports still count as before.
     */
    private HealthVerdict stalledEverywhere(NodeTracker t, CheckResult result, Optional<String> report) {
        int timingOut = 0;
        for (NodeTracker o : trackers.values()) {
            if (o.lastCheck != null && o.lastCheck.result() instanceof CheckResult.Failure of && of.timedOut()) {
                timingOut++;
            }
        }
        int total = trackers.size();
        boolean everywhere = timingOut >= 2 && timingOut * 2 > total;
        long now = System.nanoTime();
        if (everywhere != stalled) {
            stalled = everywhere;
            stalledSince = now;
            stallHoldExpired = false;
            if (everywhere) {
                log.warn("checks of {} of {} nodes time out at once: this host or its network is stalled, not the "
                    + "nodes; holding node states for up to {} ms until they answer again", timingOut, total,
                    stallHoldMs());
            } else {
                log.info("checks answer again ({} of {} nodes timing out); node states follow the checks", timingOut,
                    total);
            }
        }
        if (!everywhere || report.isPresent() || t.state == NodeState.UNKNOWN || t.state == NodeState.OFFLINE_HARD
                || !(result instanceof CheckResult.Failure f) || !f.timedOut()) {
            return null;
        }
        if (now - stalledSince > TimeUnit.MILLISECONDS.toNanos(stallHoldMs())) {
            // A stall this long is an outage, wherever it is (a whole cluster hung, say): fail fast again.
            if (!stallHoldExpired) {
                stallHoldExpired = true;
                log.warn("checks of {} of {} nodes still time out after {} ms: counting them again", timingOut, total,
                    stallHoldMs());
            }
            return null;
        }
        return new HealthVerdict(t.state, t.failures, "check timed out, as did the last checks of " + timingOut
            + " of " + total + " nodes: this host or its network is stalled, not the nodes (" + f.reason() + ")");
    }

    /** How long a stall of most nodes' checks may hold their states: 10 check timeouts, at least 5 s. */
    private long stallHoldMs() {
        return Math.max(5_000, 10 * settings.timeoutMs());
    }

    private void onReport(BackendNode node, String reason) {
        NodeTracker t = trackers.get(node);
        if (t == null || closed) {
            log.debug("failure report for unmonitored node {}: {}", node, reason);
            return;
        }
        if (t.state == NodeState.OFFLINE_HARD || t.suspicion != null) {
            return; // already out of rotation, or a re-check is on its way
        }
        t.suspicion = new NodeTracker.Suspicion(reason, t.loop.issued());
        log.info("node={} data path reported \"{}\"; re-checking now", node.name(), reason);
        t.loop.checkNow();
    }

    private void applyLayout(ClusterLayout next) {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        for (BackendNode n : List.copyOf(trackers.keySet())) {
            if (!next.nodes().contains(n)) {
                NodeTracker t = trackers.remove(n);
                t.loop.close();
                checkLogs.remove(n);
                record(new MonitorEvent.Membership(now, n, false));
            }
        }
        layout = next;
        if (started) {
            for (BackendNode n : next.nodes()) {
                if (!trackers.containsKey(n)) {
                    startTracking(n);
                    record(new MonitorEvent.Membership(now, n, true));
                }
            }
            // Keep the layout's order for statuses and topology states.
            Map<BackendNode, NodeTracker> ordered = new LinkedHashMap<>();
            next.nodes().forEach(n -> ordered.put(n, trackers.get(n)));
            trackers.clear();
            trackers.putAll(ordered);
        }
        publishStatuses();
        electAndPublish(now);
    }

    private void electAndPublish(Instant now) {
        if (!started || (trackers.isEmpty() && !elected)) {
            return;
        }
        if (!elected && trackers.values().stream().anyMatch(t -> t.state == NodeState.UNKNOWN)) {
            // Wait for the first answer of every node (at most timeout_ms away): electing earlier would pick a
            // less-preferred node just because it answered first, then fail back five seconds later.
            return;
        }
        Map<BackendNode, NodeHealth> health = new LinkedHashMap<>();
        Map<BackendNode, NodeState> states = new LinkedHashMap<>();
        for (NodeTracker t : trackers.values()) {
            health.put(t.node, t.health());
            states.put(t.node, t.state);
        }
        Election e = election.elect(layout.writerOrder(), layout.readers(), health, writer, now);
        if (!e.writer().equals(writer)) {
            record(new MonitorEvent.WriterChange(now, writer, e.writer(), e.reason()));
            writer = e.writer();
        }
        Topology next = new Topology(current.version() + 1, e.writer(), e.readers(), states, e.reason());
        if (elected && next.sameRoutingAs(current)) {
            return;
        }
        current = next;
        elected = true;
        for (Consumer<Topology> l : List.copyOf(listeners)) {
            deliver(l, next);
        }
        firstTopology.countDown();
    }

    private void record(MonitorEvent event) {
        history.add(event);
        boolean bad = event instanceof MonitorEvent.StateChange sc && sc.to() == NodeState.OFFLINE_HARD
            || event instanceof MonitorEvent.WriterChange wc && wc.to().isEmpty();
        if (bad) {
            log.warn(event.logLine());
        } else {
            log.info(event.logLine());
        }
    }

    private void publishStatuses() {
        List<NodeStatus> out = new ArrayList<>(trackers.size());
        for (NodeTracker t : trackers.values()) {
            out.add(t.status());
        }
        statuses = List.copyOf(out);
    }

    private static void deliver(Consumer<Topology> l, Topology t) {
        try {
            l.accept(t);
        } catch (RuntimeException e) {
            log.warn("topology listener {} failed on version {}: {}", l, t.version(), e.toString());
        }
    }

    private void runOnMonitor(Runnable r) {
        try {
            monitorThread.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    // Never let one bad step kill the monitor thread's task: log and keep monitoring.
                    log.error("galera monitor step failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("galera monitor is closed; ignoring request");
        }
    }

    private static List<String> names(List<BackendNode> nodes) {
        return nodes.stream().map(BackendNode::name).toList();
    }

    private static ThreadFactory daemon(String name, boolean numbered) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, numbered ? name + n.incrementAndGet() : name);
            t.setDaemon(true);
            return t;
        };
    }
}
