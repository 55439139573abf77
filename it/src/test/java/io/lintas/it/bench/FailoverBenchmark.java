package io.lintas.it.bench;

import io.lintas.it.Db;
import io.lintas.it.Exec;
import io.lintas.it.LintasProcess;
import io.lintas.it.Sandbox;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Writer failover downtime, measured the way the deployment Lintas replaces measured its VRRP failover:
 * a probe every 1 ms, N trials. Each trial runs an autocommit INSERT every 1 ms through Lintas and, at the
 * same time, directly on a surviving node (node2), then kills (or freezes) the writer, node3. Downtime of a
 * probe = from its first failed or stalled (over 1 ms) attempt after the fault to its first success after
 * that. The direct probe shows the cluster's own stall (Galera blocks commits until the dead member is
 * evicted); the difference is what Lintas adds.
 *
 * <p>Not part of {@code mvn verify}: run with
 * {@code mvn -B verify -pl it -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=FailoverBenchmark -Dtrials=50 -Dfault=kill} ({@code -Dfault=pause} for SIGSTOP). The Markdown
 * summary goes to stdout and to {@code it/target/failover-<fault>.md}.
 */
class FailoverBenchmark {
    private static final long STALL_NANOS = 1_000_000;
    private static final long TICK_NANOS = 1_000_000;

    record Attempt(long startNanos, long endNanos, boolean ok) {}

    /** One probe loop: an INSERT every tick on its own connection, reconnecting after a failure. */
    static final class Probe implements Runnable {
        final String name;
        final ConnectionFactory factory;
        final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread;

        interface ConnectionFactory {
            Connection open() throws SQLException;
        }

        Probe(String name, ConnectionFactory factory) {
            this.name = name;
            this.factory = factory;
            this.thread = new Thread(this, "probe-" + name);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            Connection c = null;
            long next = System.nanoTime();
            while (running.get()) {
                long start = System.nanoTime();
                boolean ok;
                try {
                    if (c == null) {
                        c = factory.open();
                    }
                    try (Statement st = c.createStatement()) {
                        st.executeUpdate("INSERT INTO failover_probe (src) VALUES ('" + name + "')");
                    }
                    ok = true;
                } catch (SQLException e) {
                    ok = false;
                    closeQuietly(c);
                    c = null;
                }
                attempts.add(new Attempt(start, System.nanoTime(), ok));
                next += TICK_NANOS;
                long now = System.nanoTime();
                if (next > now) {
                    java.util.concurrent.locks.LockSupport.parkNanos(next - now);
                } else {
                    next = now;
                }
            }
            closeQuietly(c);
        }

        /**
         * Downtime after {@code faultNanos} in ms: the longest stretch from a failed or stalled (over 1 ms) attempt
         * to the first success after it (a stalled attempt that succeeds is its own stretch). The longest, so
         * that a 1.2 ms scheduling hiccup right after the fault does not hide the real outage. 0 when nothing
         * failed or stalled; -1 when the probe is still down.
         */
        double downtimeMs(long faultNanos) {
            List<Attempt> copy;
            synchronized (attempts) {
                copy = new ArrayList<>(attempts);
            }
            long best = 0;
            long start = -1;
            for (Attempt a : copy) {
                if (a.endNanos < faultNanos) {
                    continue;
                }
                boolean bad = !a.ok || a.endNanos - a.startNanos > STALL_NANOS;
                if (start < 0 && bad) {
                    start = Math.max(a.startNanos, faultNanos);
                }
                if (a.ok && start >= 0) {
                    best = Math.max(best, a.endNanos - start);
                    start = -1;
                }
            }
            return start >= 0 ? -1 : best / 1e6;
        }

        /** True when the probe is up now: its last attempt, after the fault, succeeded. */
        boolean upAfter(long faultNanos) {
            return downtimeMs(faultNanos) >= 0 && lastOkAfter(faultNanos);
        }

        /** Attempts after the fault, failures among them, and the slowest one in ms: to check a trial by eye. */
        String describeAfter(long faultNanos) {
            int n = 0;
            int failed = 0;
            long slowest = 0;
            synchronized (attempts) {
                for (Attempt a : attempts) {
                    if (a.endNanos >= faultNanos) {
                        n++;
                        failed += a.ok ? 0 : 1;
                        slowest = Math.max(slowest, a.endNanos - a.startNanos);
                    }
                }
            }
            return String.format(Locale.ROOT, "%d attempts, %d failed, slowest %.1f ms", n, failed, slowest / 1e6);
        }

        private boolean lastOkAfter(long faultNanos) {
            synchronized (attempts) {
                if (attempts.isEmpty()) {
                    return false;
                }
                Attempt last = attempts.get(attempts.size() - 1);
                return last.ok && last.startNanos > faultNanos;
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }

    @Test
    void measure() throws Exception {
        int trials = Integer.getInteger("trials", 10);
        String fault = System.getProperty("fault", "kill");
        if (!fault.equals("kill") && !fault.equals("pause")) {
            throw new IllegalArgumentException("-Dfault must be kill or pause");
        }
        Sandbox.ensureUp();
        try (Connection c = Db.direct(Sandbox.NODE3_PORT); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS failover_probe (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                + " src VARCHAR(16) NOT NULL, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))");
        }
        List<double[]> results = new ArrayList<>();
        try (LintasProcess lintas = LintasProcess.builder().name("FailoverBenchmark")
                 .monitor("failback_after_ms: 2000").start()) {
            for (int t = 1; t <= trials; t++) {
                awaitWriter(lintas, Sandbox.NODE3_PORT);
                Probe via = new Probe("lintas", () -> Db.viaLintas(lintas));
                Probe direct = new Probe("direct", () -> Db.direct(Sandbox.NODE2_PORT));
                via.thread.start();
                direct.thread.start();
                Thread.sleep(500);
                long fault0 = System.nanoTime();
                sandbox(fault, "3");
                // Give the fault time to play out (Galera's own stall lasts a few seconds at most), then wait until
                // both probes are up again.
                long settle = fault0 + 6_000_000_000L;
                long deadline = fault0 + 40_000_000_000L;
                while (System.nanoTime() < deadline
                    && (System.nanoTime() < settle || !via.upAfter(fault0) || !direct.upAfter(fault0))) {
                    Thread.sleep(20);
                }
                Thread.sleep(300);
                via.stop();
                direct.stop();
                double v = via.downtimeMs(fault0);
                double d = direct.downtimeMs(fault0);
                results.add(new double[] {v, d, v - d});
                System.out.printf(Locale.ROOT, "trial %d/%d %s: through Lintas %.1f ms, direct on node2 %.1f ms, added %.1f ms"
                    + " [lintas: %s; direct: %s]%n", t, trials, fault, v, d, v - d, via.describeAfter(fault0),
                    direct.describeAfter(fault0));
                sandbox("restart", "3");
                Sandbox.ensureUp();
            }
        }
        String md = summary(fault, trials, results);
        System.out.println(md);
        Path out = Sandbox.repo().resolve("it/target/failover-" + fault + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);
    }

    private static String summary(String fault, int trials, List<double[]> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n### Writer %s (%s of node3), %d trials, probe every 1 ms%n%n",
            fault.equals("kill") ? "crash" : "freeze", fault.equals("kill") ? "kill -9" : "SIGSTOP", trials));
        sb.append("| downtime (ms) | mean | p50 | p99 | max |\n|---|---|---|---|---|\n");
        String[] names = {"through Lintas", "cluster's own stall (direct on node2)", "added by Lintas"};
        for (int k = 0; k < 3; k++) {
            List<Double> xs = new ArrayList<>();
            for (double[] r : results) {
                xs.add(r[k]);
            }
            Collections.sort(xs);
            double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f |%n", names[k], mean,
                pct(xs, 50), pct(xs, 99), xs.isEmpty() ? Double.NaN : xs.get(xs.size() - 1)));
        }
        return sb.toString();
    }

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
    }

    private static void awaitWriter(LintasProcess lintas, int port) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Connection c = Db.viaLintas(lintas)) {
                if (Db.writerPort(c) == port) {
                    return;
                }
            } catch (SQLException ignored) {
                // not yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("writer did not return to port " + port);
    }

    private static void sandbox(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Sandbox.repo().resolve("bin/lintas-sandbox").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Exec.Result r = Exec.run(180, cmd);
        assertEquals(0, r.exitCode(), () -> "bin/lintas-sandbox " + String.join(" ", args) + ": " + r);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }
}
