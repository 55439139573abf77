package io.lintas.it.bench;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The PHP request pattern: W concurrent workers, each looping connect + log in, 3 short queries, COM_QUIT,
 * close, for S seconds. Prints one {@code key=value} line: completed cycles per second, errors, and the
 * cycle latency (median and p95). Part of bin/lintas-bench (compiled there with javac, JDK only).
 *
 * <pre>java [-Dtls.ca=CA.pem] io.lintas.it.bench.ConnectPerRequest HOST PORT USER PASSWORD DATABASE WORKERS SECONDS [TABLE_ROWS]</pre>
 *
 * With {@code -Dtls.ca}, every connection upgrades to TLS and verifies the server's certificate against that CA
 * and HOST, as a client of a database across a network would.
 */
public final class ConnectPerRequest {
    public static void main(String[] args) throws Exception {
        if (args.length < 7) {
            System.err.println("usage: ConnectPerRequest HOST PORT USER PASSWORD DATABASE WORKERS SECONDS [TABLE_ROWS]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String user = args[2];
        String password = args[3];
        String db = args[4];
        int workers = Integer.parseInt(args[5]);
        double seconds = Double.parseDouble(args[6]);
        int rows = args.length > 7 ? Integer.parseInt(args[7]) : 10_000;
        String caFile = System.getProperty("tls.ca");
        SSLSocketFactory tls = caFile == null || caFile.isEmpty() ? null : trusting(Path.of(caFile));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            long[] lat = new long[1 << 17];
            latencies.add(lat);
            int[] count = {0};
            Thread t = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (running.get()) {
                    long start = System.nanoTime();
                    try (MiniMysql c = MiniMysql.login(host, port, user, password, db, 10_000, tls)) {
                        c.query("SELECT 1");
                        c.query("SELECT c FROM sbtest1 WHERE id=" + (1 + rnd.nextInt(rows)));
                        c.query("SELECT @@version");
                        c.quit();
                        ok.incrementAndGet();
                        if (count[0] < lat.length) {
                            lat[count[0]++] = System.nanoTime() - start;
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                        sleepQuietly(10); // do not spin on a refused port
                    }
                }
                lat[lat.length - 1] = count[0]; // the count travels in the last slot
            }, "cpr-" + w);
            threads.add(t);
        }
        long t0 = System.nanoTime();
        threads.forEach(Thread::start);
        Thread.sleep((long) (seconds * 1000));
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;

        long n = latencies.stream().mapToLong(l -> l[l.length - 1]).sum();
        long[] all = new long[(int) n];
        int k = 0;
        for (long[] l : latencies) {
            int c = (int) l[l.length - 1];
            System.arraycopy(l, 0, all, k, c);
            k += c;
        }
        Arrays.sort(all);
        double p50 = all.length == 0 ? 0 : all[all.length / 2] / 1e6;
        double p95 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.95) - 1)] / 1e6;
        System.out.println(String.format(Locale.ROOT,
            "connects=%d errors=%d seconds=%.2f conn_per_s=%.1f p50_ms=%.2f p95_ms=%.2f", ok.get(), errors.get(),
            elapsed, ok.get() / elapsed, p50, p95));
        if (firstError.get() != null) {
            System.out.println("first_error=" + firstError.get().replace('\n', ' '));
        }
    }

    /** A TLS client trusting only the CA certificate(s) in {@code pem}. */
    private static SSLSocketFactory trusting(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(pem)) {
            for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
