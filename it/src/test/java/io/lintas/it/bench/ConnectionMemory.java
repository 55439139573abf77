package io.lintas.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Resident memory (VmRSS from /proc/PID/status) of a proxy process: at rest, with IDLE logged-in client
 * connections that do nothing, and with BUSY connections each running {@code SELECT 1} in a loop for
 * SECONDS. Prints {@code key=value} lines. Part of bin/lintas-bench (compiled there with javac, JDK only);
 * the caller must allow enough open files (ulimit -n) for IDLE sockets here and in the proxy.
 *
 * <pre>java io.lintas.it.bench.ConnectionMemory PID HOST PORT USER PASSWORD DATABASE IDLE BUSY SECONDS</pre>
 */
public final class ConnectionMemory {
    private static final int OPENERS = 16;

    public static void main(String[] args) throws Exception {
        if (args.length != 9) {
            System.err.println("usage: ConnectionMemory PID HOST PORT USER PASSWORD DATABASE IDLE BUSY SECONDS");
            System.exit(2);
        }
        long pid = Long.parseLong(args[0]);
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        String user = args[3];
        String password = args[4];
        String db = args[5].isEmpty() || args[5].equals("-") ? null : args[5];
        int idle = Integer.parseInt(args[6]);
        int busy = Integer.parseInt(args[7]);
        double seconds = Double.parseDouble(args[8]);

        out("rest_rss_kb", rssKb(pid));

        // Idle: IDLE connections logged in, then left alone.
        ConcurrentLinkedQueue<MiniMysql> open = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        long t0 = System.nanoTime();
        List<Thread> openers = new ArrayList<>();
        for (int i = 0; i < OPENERS; i++) {
            Thread t = new Thread(() -> {
                while (next.getAndIncrement() < idle) {
                    try {
                        open.add(MiniMysql.login(host, port, user, password, db, 30_000));
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            });
            openers.add(t);
            t.start();
        }
        for (Thread t : openers) {
            t.join();
        }
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(5000); // let the proxy settle (buffers released, GC at rest)
        // Check that the connections are still alive and really logged in: one query on a sample of them.
        int alive = 0;
        int probed = 0;
        for (MiniMysql c : open) {
            if (probed++ % 100 != 0) {
                continue;
            }
            try {
                c.query("SELECT 1");
                alive++;
            } catch (IOException e) {
                firstError.compareAndSet(null, "idle probe: " + e);
            }
        }
        out("idle_requested", idle);
        out("idle_open", open.size());
        out("idle_failed", failed.get());
        out("idle_probe_ok", alive + "/" + (probed + 99) / 100);
        out("idle_open_seconds", String.format(Locale.ROOT, "%.1f", openSeconds));
        out("idle_rss_kb", rssKb(pid));
        if (firstError.get() != null) {
            out("idle_first_error", firstError.get().replace('\n', ' '));
        }
        open.forEach(MiniMysql::quit);
        open.clear();
        Thread.sleep(3000);
        out("after_idle_rss_kb", rssKb(pid));

        // Busy: BUSY connections each running SELECT 1 in a loop.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong queries = new AtomicLong();
        AtomicInteger busyOpen = new AtomicInteger();
        AtomicInteger busyFailed = new AtomicInteger();
        AtomicReference<String> busyError = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < busy; i++) {
            Thread t = new Thread(() -> {
                try (MiniMysql c = MiniMysql.login(host, port, user, password, db, 30_000)) {
                    busyOpen.incrementAndGet();
                    while (running.get()) {
                        c.query("SELECT 1");
                        queries.incrementAndGet();
                    }
                    c.quit();
                } catch (IOException e) {
                    busyFailed.incrementAndGet();
                    busyError.compareAndSet(null, e.toString());
                }
            }, "busy-" + i);
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            workers.add(t);
            t.start();
        }
        long b0 = System.nanoTime();
        long maxRss = 0;
        long endAt = b0 + (long) (seconds * 1e9);
        while (System.nanoTime() < endAt) {
            Thread.sleep(500);
            maxRss = Math.max(maxRss, rssKb(pid));
        }
        long lastRss = rssKb(pid);
        running.set(false);
        double busySeconds = (System.nanoTime() - b0) / 1e9;
        for (Thread t : workers) {
            t.join(10_000);
        }
        out("busy_requested", busy);
        out("busy_open", busyOpen.get());
        out("busy_failed", busyFailed.get());
        out("busy_qps", String.format(Locale.ROOT, "%.0f", queries.get() / busySeconds));
        out("busy_rss_kb", lastRss);
        out("busy_max_rss_kb", maxRss);
        if (busyError.get() != null) {
            out("busy_first_error", busyError.get().replace('\n', ' '));
        }
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    private static void out(String key, Object value) {
        System.out.println(key + "=" + value);
    }
}
