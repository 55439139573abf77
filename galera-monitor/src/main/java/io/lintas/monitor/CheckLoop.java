package io.lintas.monitor;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the checks of one node: a tick every interval, a watchdog per check, never two checks of the
 * node at once, and on-demand re-checks.
 *
 * <p>Threading: every method runs on the monitor's single scheduler thread, which only dispatches; the
 * blocking probe runs on a worker thread. So a slow or hung node occupies its own worker and never
 * delays the checks of other nodes, and this class needs no locks.
 *
 * <p>Each observation gets a number, increasing per node, so the monitor can tell a re-check that
 * started after a data-path report from one that was already running.
 */
final class CheckLoop {
    /** Receives each observation, on the monitor thread. */
    interface Sink {
        void accept(long checkNo, CheckResult result);
    }

    private static final class InFlight {
        final long no;
        final long startNanos;
        boolean reported;
        long limitMs;
        ScheduledFuture<?> watchdog;

        InFlight(long no, long startNanos) {
            this.no = no;
            this.startNanos = startNanos;
        }
    }

    private final HealthProbe probe;
    private final ScheduledExecutorService monitorThread;
    private final Executor workers;
    private final long intervalMs;
    private final long timeoutMs;
    /**
     * The first check of a node loads the JDBC driver and fills its pool; on a cold JVM that alone takes
     * several hundred ms, which must not read as a dead node at startup.
     */
    static final long FIRST_CHECK_GRACE_MS = 2000;
    private final long firstCheckLimitMs;
    private boolean firstCheck = true;
    private final Sink sink;

    private ScheduledFuture<?> ticks;
    private InFlight inFlight;
    private boolean recheckPending;
    private long issued;
    // Written on the monitor thread, read by the worker that finishes the last check.
    private volatile boolean closed;
    private final AtomicBoolean probeClosed = new AtomicBoolean();

    CheckLoop(HealthProbe probe, ScheduledExecutorService monitorThread, Executor workers, long intervalMs,
              long timeoutMs, Sink sink) {
        this(probe, monitorThread, workers, intervalMs, timeoutMs, timeoutMs, sink);
    }

    /** A loop whose first check may take up to {@code firstCheckLimitMs} (at least {@code timeoutMs}). */
    CheckLoop(HealthProbe probe, ScheduledExecutorService monitorThread, Executor workers, long intervalMs,
              long timeoutMs, long firstCheckLimitMs, Sink sink) {
        this.firstCheckLimitMs = Math.max(timeoutMs, firstCheckLimitMs);
        this.probe = probe;
        this.monitorThread = monitorThread;
        this.workers = workers;
        this.intervalMs = intervalMs;
        this.timeoutMs = timeoutMs;
        this.sink = sink;
    }

    /** Starts ticking; the first check runs at once. */
    void start() {
        ticks = monitorThread.scheduleAtFixedRate(this::tick, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Number of the latest observation handed out so far (0 before the first). */
    long issued() {
        return issued;
    }

    /** Checks now, or right after the running check if one is in flight (checks never overlap). */
    void checkNow() {
        if (closed) {
            return;
        }
        if (inFlight == null) {
            launch();
        } else {
            recheckPending = true;
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        if (inFlight == null) {
            launch();
        } else if (inFlight.reported) {
            // The watchdog already failed this check and its thread is still stuck in the driver: the node has
            // now missed another whole interval, which is another missed check.
            Duration waited = Duration.ofNanos(System.nanoTime() - inFlight.startNanos);
            sink.accept(++issued, new CheckResult.Failure("still no answer " + waited.toMillis()
                + " ms after the previous check started", waited, true));
        }
        // Otherwise a check is running within its timeout (timeout_ms >= interval_ms): skip this tick.
    }

    private void launch() {
        InFlight f = new InFlight(++issued, System.nanoTime());
        try {
            workers.execute(() -> runProbe(f));
        } catch (RejectedExecutionException e) {
            return; // shutting down
        }
        inFlight = f;
        f.limitMs = firstCheck ? firstCheckLimitMs : timeoutMs;
        firstCheck = false;
        f.watchdog = monitorThread.schedule(() -> onWatchdog(f), f.limitMs, TimeUnit.MILLISECONDS);
    }

    private void runProbe(InFlight f) {
        CheckResult r;
        try {
            r = probe.check();
        } catch (RuntimeException | Error e) {
            r = new CheckResult.Failure("probe error: " + e, Duration.ofNanos(System.nanoTime() - f.startNanos));
        }
        if (closed) {
            closeProbe();
            return;
        }
        CheckResult result = r;
        try {
            monitorThread.execute(() -> onProbeDone(f, result));
        } catch (RejectedExecutionException e) {
            closeProbe(); // the monitor is gone; nobody waits for this result
        }
    }

    private void onWatchdog(InFlight f) {
        if (closed || inFlight != f || f.reported) {
            return;
        }
        f.reported = true;
        sink.accept(f.no, new CheckResult.Failure("no answer within " + f.limitMs + " ms (timeout_ms=" + timeoutMs + ")",
            Duration.ofNanos(System.nanoTime() - f.startNanos), true));
    }

    private void onProbeDone(InFlight f, CheckResult r) {
        f.watchdog.cancel(false);
        if (inFlight == f) {
            inFlight = null;
        }
        if (closed) {
            closeProbeLater();
            return;
        }
        if (!f.reported) {
            f.reported = true;
            sink.accept(f.no, r);
        }
        if (recheckPending) {
            recheckPending = false;
            launch();
        }
    }

    /**
     * Stops ticking and closes the probe. A running check is let finish first (closing its pool under it
     * would only produce a spurious "connection broken" warning); closing happens off the monitor thread
     * because closing a pool can block.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ticks != null) {
            ticks.cancel(false);
        }
        if (inFlight == null) {
            closeProbeLater();
        } else if (inFlight.watchdog != null) {
            inFlight.watchdog.cancel(false);
        }
    }

    private void closeProbeLater() {
        try {
            workers.execute(this::closeProbe);
        } catch (RejectedExecutionException e) {
            closeProbe();
        }
    }

    private void closeProbe() {
        if (probeClosed.compareAndSet(false, true)) {
            probe.close();
        }
    }
}
