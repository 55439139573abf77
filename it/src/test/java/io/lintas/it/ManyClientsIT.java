package io.lintas.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 2,000 client connections running short queries are served by at most {@code pool.max_connections} (50)
 * backend connections per node. Uses the app2 user, so that the count on the nodes is this test's alone.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(300)
class ManyClientsIT {
    private static final int CLIENTS = 2000;
    private static final int MAX_PER_NODE = 50;

    @Test
    void twoThousandClientsShareFiftyConnectionsPerNode() throws Exception {
        try (LintasProcess lintas = LintasProcess.builder().name("ManyClientsIT")
                 .jvmOptions("-Xmx256m").yaml("pool:\n  max_connections: " + MAX_PER_NODE + "\n")
                 .start()) {
            List<RawClient> clients = new ArrayList<>(CLIENTS);
            ExecutorService pool = Executors.newFixedThreadPool(64);
            try {
                List<Future<RawClient>> logins = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    logins.add(pool.submit(() -> RawClient.login(lintas.port(), "app2", "app2", "app")));
                }
                for (Future<RawClient> f : logins) {
                    clients.add(f.get(120, TimeUnit.SECONDS));
                }
                AtomicInteger answered = new AtomicInteger();
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 64; t++) {
                    int first = t;
                    work.add(pool.submit(() -> {
                        for (int round = 0; round < 2; round++) {
                            for (int i = first; i < CLIENTS; i += 64) {
                                RawClient c = clients.get(i);
                                c.query(i % 4 == 0 ? "DO 1" : "SELECT 1");
                                readResponse(c);
                                answered.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get(240, TimeUnit.SECONDS);
                }
                assertEquals(2 * CLIENTS, answered.get());
                for (int port : Sandbox.NODE_PORTS) {
                    long n = backendConnections(port);
                    System.out.printf("node on %d: %d backend connections for %d clients%n", port, n, CLIENTS);
                    assertTrue(n <= MAX_PER_NODE, port + " has " + n + " app2 connections");
                }
                assertTrue(lintas.isAlive());
            } finally {
                pool.shutdownNow();
                for (RawClient c : clients) {
                    c.close();
                }
            }
        }
    }

    /** Reads one response: an OK or ERR, or a result set ending in its second EOF (no CLIENT_DEPRECATE_EOF). */
    private static void readResponse(RawClient c) throws IOException {
        RawClient.Frame f = c.readFrame();
        if (f.isOk() || f.isErr()) {
            assertTrue(f.isOk(), f.toString());
            return;
        }
        int eofs = 0;
        while (eofs < 2) {
            RawClient.Frame r = c.readFrame();
            if (r.payload().length > 0 && (r.payload()[0] & 0xFF) == 0xFE && r.payload().length < 9) {
                eofs++;
            }
        }
    }

    /** app2's connections on a node, not counting the one asking. */
    private static long backendConnections(int port) throws Exception {
        try (Connection c = DriverManager.getConnection(Db.url(port, ""), "app2", "app2")) {
            return Db.scalarLong(c, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'app2'") - 1;
        }
    }
}
