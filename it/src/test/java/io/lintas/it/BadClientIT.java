package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Misbehaving clients on raw sockets (garbage, truncated packets, a 16 MiB header with no body, silence,
 * protocol violations) against a proxy with 1 s handshake and read timeouts, all at the same time, while a
 * well-behaved JDBC client keeps getting correct answers from the same proxy.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(120)
class BadClientIT {
    private static final int TIMEOUT_MS = 1000;
    /** Generous upper bound for "answered or closed" (the configured timeouts are 1 s). */
    private static final long BOUND_MS = 6000;
    private static final Set<Integer> GARBAGE_CODES = Set.of(1043, 1156, 1835);

    private static LintasProcess lintas;

    @BeforeAll
    static void startLintas() {
        lintas = LintasProcess.builder().name("BadClientIT")
            .handshakeTimeoutMs(TIMEOUT_MS)
            .netReadTimeoutMs(TIMEOUT_MS)
            .start();
    }

    @AfterAll
    static void stopLintas() {
        if (lintas != null) {
            lintas.close();
        }
    }

    /** One misbehaving client; returns null when the proxy did the right thing, else what went wrong. */
    private interface Scenario extends Callable<String> {}

    @Test
    void badClientsAreRejectedWhileAGoodClientKeepsWorking() throws Exception {
        Map<String, Scenario> scenarios = new LinkedHashMap<>();

        // ---- before login -----------------------------------------------------------------------------
        scenarios.put("HTTP request instead of a handshake", () -> {
            try (RawClient c = RawClient.connect(lintas.port())) {
                c.writeRaw("GET / HTTP/1.1\r\nHost: lintas\r\nAccept: */*\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                c.readGreeting();
                // "GET" reads as a 5.5 MB length: rejected at the latest by the handshake timeout.
                return expectErrOrClose(c, GARBAGE_CODES);
            }
        });
        scenarios.put("random garbage right after connecting", () -> {
            try (RawClient c = RawClient.connect(lintas.port())) {
                byte[] junk = new byte[300];
                new Random(1043).nextBytes(junk);
                c.writeRaw(junk);
                c.readGreeting();
                return expectErrOrClose(c, GARBAGE_CODES);
            }
        });
        scenarios.put("well-framed garbage as the handshake response", () -> {
            try (RawClient c = RawClient.connect(lintas.port())) {
                c.readGreeting();
                c.writeFrame(1, new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3});
                return expectErrOrClose(c, GARBAGE_CODES);
            }
        });
        scenarios.put("handshake response with the wrong sequence id", () -> {
            try (RawClient c = RawClient.connect(lintas.port())) {
                c.readGreeting();
                c.writeFrame(7, new byte[40]);
                return expectErrOrClose(c, GARBAGE_CODES);
            }
        });
        scenarios.put("TLS request (no TLS on this listener)", () -> {
            try (RawClient c = RawClient.connect(lintas.port())) {
                c.readGreeting();
                byte[] ssl = new byte[32];
                int caps = RawClient.CLIENT_PROTOCOL_41 | RawClient.CLIENT_SECURE_CONNECTION | 2048 /* CLIENT_SSL */;
                ssl[0] = (byte) caps;
                ssl[1] = (byte) (caps >>> 8);
                ssl[4] = 0;
                ssl[5] = 0;
                ssl[6] = 0;
                ssl[7] = 1;
                ssl[8] = 45;
                c.writeFrame(1, ssl);
                return expectErrOrClose(c, GARBAGE_CODES);
            }
        });
        scenarios.put("truncated handshake response, then close", () -> {
            try (RawClient c = RawClient.connect(lintas.port())) {
                c.readGreeting();
                c.writeRaw(new byte[] {100, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
            }
            return null; // the proxy must just clean up; checked below by the proxy staying healthy
        });
        scenarios.put("16 MiB header that never arrives, before login", () -> {
            try (RawClient c = RawClient.connect(lintas.port())) {
                c.readGreeting();
                byte[] partial = new byte[4 + 1000];
                partial[0] = (byte) 0xff;
                partial[1] = (byte) 0xff;
                partial[2] = (byte) 0xff;
                partial[3] = 1;
                c.writeRaw(partial);
                return expectErrOrClose(c, Set.of(1043, 1159));
            }
        });
        scenarios.put("silent client (never sends the handshake response)", () -> {
            try (RawClient c = RawClient.connect(lintas.port())) {
                c.readGreeting();
                return expectErrOrClose(c, Set.of(1043));
            }
        });
        scenarios.put("silent client that does not even read the greeting", () -> {
            try (RawClient c = RawClient.connect(lintas.port())) {
                RawClient.Outcome greetingOrClose = c.awaitOutcome(BOUND_MS);
                if (greetingOrClose.closed()) {
                    return "closed before sending a greeting";
                }
                return expectErrOrClose(c, Set.of(1043));
            }
        });

        // ---- after login ------------------------------------------------------------------------------
        scenarios.put("16 MiB header that never arrives, after login", () -> {
            try (RawClient c = RawClient.login(lintas.port(), "app", "app", "app")) {
                byte[] partial = ("\u0003SELECT '" + "a".repeat(2000)).getBytes(StandardCharsets.US_ASCII);
                byte[] frame = new byte[4 + partial.length];
                frame[0] = (byte) 0xff;
                frame[1] = (byte) 0xff;
                frame[2] = (byte) 0xff;
                frame[3] = 0;
                System.arraycopy(partial, 0, frame, 4, partial.length);
                c.writeRaw(frame);
                // net_read_timeout: the proxy gives up on the rest of the packet.
                return expectErrOrClose(c, Set.of(1159, 1158, 2013));
            }
        });
        scenarios.put("truncated command after login, then close", () -> {
            try (RawClient c = RawClient.login(lintas.port(), "app", "app", "app")) {
                c.writeRaw(new byte[] {(byte) 200, 0, 0, 0, 3, 'S', 'E', 'L'});
            }
            return null;
        });
        scenarios.put("command with a wrong sequence id after login", () -> {
            try (RawClient c = RawClient.login(lintas.port(), "app", "app", "app")) {
                c.writeFrame(5, new byte[] {0x0e}); // COM_PING with sequence 5
                return expectErrOrClose(c, GARBAGE_CODES);
            }
        });
        scenarios.put("empty packet after login, then a ping", () -> {
            try (RawClient c = RawClient.login(lintas.port(), "app", "app", "app")) {
                c.writeFrame(0, new byte[0]);
                RawClient.Outcome o = c.awaitOutcome(BOUND_MS);
                if (o.closed()) {
                    return null; // closing is acceptable too
                }
                if (!o.isErr() || !GARBAGE_CODES.contains(o.frame().errorCode())) {
                    return "expected ERR 1835 for an empty command packet, got " + o;
                }
                return pingWorks(c);
            }
        });
        scenarios.put("unknown command byte after login, then a ping", () -> {
            try (RawClient c = RawClient.login(lintas.port(), "app", "app", "app")) {
                c.writeFrame(0, new byte[] {(byte) 0xee, 1, 2, 3});
                RawClient.Outcome o = c.awaitOutcome(BOUND_MS);
                if (o.closed()) {
                    return "connection closed after an unknown command (MariaDB answers ERR 1047)";
                }
                if (!o.isErr()) {
                    return "expected an ERR for an unknown command, got " + o;
                }
                return pingWorks(c);
            }
        });
        scenarios.put("idle logged-in client is not cut by net_read_timeout", () -> {
            try (RawClient c = RawClient.login(lintas.port(), "app", "app", "app")) {
                Thread.sleep(3L * TIMEOUT_MS); // idle between commands: governed by wait_timeout, not net_read_timeout
                return pingWorks(c);
            }
        });
        scenarios.put("raw login and COM_QUERY work (control)", () -> {
            try (RawClient c = RawClient.login(lintas.port(), "app", "app", "app")) {
                c.query("SELECT @@port");
                RawClient.Frame first = c.readFrame();
                if (first.isErr() || first.payload()[0] != 1) {
                    return "expected a one-column result set, got " + first;
                }
                return null;
            }
        });

        ExecutorService pool = Executors.newFixedThreadPool(scenarios.size());
        try {
            Map<String, Future<String>> running = new LinkedHashMap<>();
            scenarios.forEach((name, s) -> running.put(name, pool.submit(s)));

            // Meanwhile, a well-behaved client keeps working, on one connection and on new ones.
            int answered = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            try (Connection good = Db.viaLintas(lintas, "useServerPrepStmts=true");
                 PreparedStatement ps = good.prepareStatement("SELECT ? * 2, @@port")) {
                while (running.values().stream().anyMatch(f -> !f.isDone()) || answered < 20) {
                    ps.setInt(1, answered);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals(answered * 2L, rs.getLong(1));
                        assertNotEquals(Sandbox.NODE3_PORT, rs.getInt(2), "a prepared read runs on a reader");
                    }
                    if (answered % 10 == 0) {
                        try (Connection fresh = Db.viaLintas(lintas)) {
                            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(fresh));
                        }
                    }
                    answered++;
                    if (System.currentTimeMillis() > deadline) {
                        fail("bad-client scenarios still running after 60 s");
                    }
                    Thread.sleep(20);
                }
            }

            List<String> failures = new ArrayList<>();
            for (Map.Entry<String, Future<String>> e : running.entrySet()) {
                try {
                    String problem = e.getValue().get(1, TimeUnit.SECONDS);
                    if (problem != null) {
                        failures.add(e.getKey() + ": " + problem);
                    }
                } catch (java.util.concurrent.ExecutionException ex) {
                    failures.add(e.getKey() + ": " + ex.getCause());
                }
            }
            assertTrue(failures.isEmpty(), "misbehaving clients were not handled as expected:\n  "
                + String.join("\n  ", failures));
            assertTrue(answered >= 20, "good client answered " + answered + " queries");
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }

        assertTrue(lintas.isAlive(), "the proxy process is still running");
        try (Connection after = Db.viaLintas(lintas)) {
            assertEquals(Sandbox.NODE3_PORT, Db.writerPort(after));
        }
    }

    /** The proxy must answer with an ERR whose code is in {@code codes} and close, or just close. */
    private static String expectErrOrClose(RawClient c, Set<Integer> codes) throws Exception {
        RawClient.Outcome o = c.awaitOutcome(BOUND_MS);
        if (o.closed()) {
            return null;
        }
        if (!o.isErr()) {
            return "expected ERR " + codes + " or a closed connection, got " + o;
        }
        if (!codes.contains(o.frame().errorCode())) {
            return "expected ERR " + codes + ", got " + o;
        }
        if (!c.awaitClosed(BOUND_MS)) {
            return "got " + o + " but the connection was not closed within " + BOUND_MS + " ms";
        }
        return null;
    }

    private static String pingWorks(RawClient c) throws Exception {
        c.writeFrame(0, new byte[] {0x0e});
        RawClient.Outcome o = c.awaitOutcome(BOUND_MS);
        if (o.closed() || !o.frame().isOk()) {
            return "COM_PING afterwards: expected OK, got " + o;
        }
        return null;
    }
}
