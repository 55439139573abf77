package io.lintas.it;

import io.lintas.wire.tls.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client-side security: TLS (optional and required), caching_sha2_password from MySQL Connector/J, mariadb-java-client
 * and the {@code mariadb} CLI, wrong passwords, connection limits, the handshake timeout, and clients sending
 * garbage at each stage of the protocol while well-behaved clients keep getting correct answers.
 *
 * <p>Two proxies: {@code sha2} (TLS offered, caching_sha2_password, unix socket, app2 limited to 2 sessions,
 * 2 s handshake timeout) and {@code strict} (TLS required, mysql_native_password, 4 connections at most).
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(180)
class SecurityIT {
    private static final String STORE_PASSWORD = "changeit";
    private static Path dir;
    private static TestPki pki;
    private static TestPki otherPki;
    private static Path trustStore;
    private static LintasProcess sha2;
    private static LintasProcess strict;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("lintas-security-it");
        pki = TestPki.create("lintas-test", dir);
        otherPki = TestPki.create("other", dir);
        TestPki.Issued server = pki.issue("lintas-server", List.of("localhost"), List.of("127.0.0.1"));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(Files.newInputStream(pki.caFile())));
        trustStore = dir.resolve("truststore.p12");
        try (FileOutputStream out = new FileOutputStream(trustStore.toFile())) {
            ks.store(out, STORE_PASSWORD.toCharArray());
        }
        String[] tls = {"tls:", "  cert_file: \"" + server.certFile() + "\"", "  key_file: \"" + server.keyFile() + "\""};
        sha2 = LintasProcess.builder().name("SecurityIT-sha2").unixSocket(true).handshakeTimeoutMs(2000)
            // MySQL Connector/J misreads caching_sha2's AuthMoreData from servers older than 5.5.16, which is how it
            // parses MariaDB's "5.5.5-10.11…"; and it asks >= 5.7.20 for transaction_isolation, which 10.11 lacks.
            .proxy("server_version: \"5.7.19-lintas\"")
            .proxy(tls).proxy("auth_plugin: caching_sha2_password",
                // Quick throttle so that the wrong-password tests show it without slowing the others much.
                "login_throttle:", "  free_failures: 2", "  first_delay_ms: 100", "  max_delay_ms: 400")
            .userKeys("app2", "max_connections: 2")
            .start();
        strict = LintasProcess.builder().name("SecurityIT-strict")
            .proxy(tls).proxy("  require_tls: true", "max_connections: 4")
            .start();
    }

    @AfterAll
    static void stop() {
        if (sha2 != null) {
            sha2.close();
        }
        if (strict != null) {
            strict.close();
        }
    }

    // ---- JDBC -------------------------------------------------------------------------------------------

    private static Connection mariadb(LintasProcess p, String user, String password, String options) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + p.port() + "/app?connectTimeout=10000&" + options, props);
    }

    private static Connection mysqlJ(LintasProcess p, String user, String password, String options) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return new com.mysql.cj.jdbc.Driver().connect("jdbc:mysql://127.0.0.1:" + p.port()
            + "/app?connectTimeout=10000&socketTimeout=30000&" + options, props);
    }

    private static String verifyFull(TestPki ca) {
        return "sslMode=verify-full&serverSslCert=" + ca.caFile();
    }

    private static String connectorJVerify() {
        return "sslMode=VERIFY_IDENTITY&trustCertificateKeyStoreUrl=file:" + trustStore
            + "&trustCertificateKeyStoreType=PKCS12&trustCertificateKeyStorePassword=" + STORE_PASSWORD;
    }

    private static void assertWorks(Connection c) throws SQLException {
        try (c) {
            assertEquals(2, Db.scalarLong(c, "select 1 + 1"));
            // Writes go to the writer (node3 unless the shared sandbox is failing over).
            assertTrue(Db.scalarLong(c, "select @@port for update") > 3310);
        }
    }

    @Test
    void mariadbJdbcVerifyFullAgainstTheTestCa() throws Exception {
        // caching_sha2 over TLS: a full authentication with the clear password inside TLS.
        assertWorks(mariadb(sha2, "app", "app", verifyFull(pki)));
        // mysql_native_password proxy with TLS required.
        assertWorks(mariadb(strict, "app", "app", verifyFull(pki)));
        assertWorks(mariadb(strict, "app", "app", "sslMode=verify-full&trustStore=file:" + trustStore
            + "&trustStoreType=PKCS12&trustStorePassword=" + STORE_PASSWORD));
    }

    @Test
    void mariadbJdbcRefusesACertificateFromAnotherCa() {
        assertThrows(SQLException.class, () -> mariadb(strict, "app", "app", verifyFull(otherPki)).close());
        assertThrows(SQLException.class, () -> mariadb(sha2, "app", "app", verifyFull(otherPki)).close());
    }

    @Test
    void requireTlsRefusesAPlainClientWithAClearError() {
        SQLException e = assertThrows(SQLException.class, () -> mariadb(strict, "app", "app", "sslMode=disable").close());
        assertTrue(String.valueOf(e.getMessage()).contains("insecure transport"), e::toString);
        assertEquals(3159, e.getErrorCode(), e::toString);
    }

    @Test
    void connectorJCachingSha2OverTlsRsaAndFastPath() throws Exception {
        // app2 has its clear password in the config: the fast path works from the first login, no TLS or RSA needed.
        assertWorks(mysqlJ(sha2, "app2", "app2", "sslMode=DISABLED"));
        // app is configured by hash only: the first login needs a full authentication, over TLS (verified) ...
        assertWorks(mysqlJ(sha2, "app", "app", connectorJVerify()));
        // ... or over plain TCP with the RSA exchange.
        assertWorks(mysqlJ(sha2, "app", "app", "sslMode=DISABLED&allowPublicKeyRetrieval=true"));
        // After a full authentication the digest is cached: plain TCP without RSA uses the fast path.
        assertWorks(mysqlJ(sha2, "app", "app", "sslMode=DISABLED"));
        // Connector/J against the native-password proxy over required TLS.
        assertWorks(mysqlJ(strict, "app", "app", connectorJVerify()));
    }

    @Test
    void mariadbJdbcCachingSha2() throws Exception {
        assertWorks(mariadb(sha2, "app2", "app2", "sslMode=disable"));
        assertWorks(mariadb(sha2, "app", "app", "sslMode=disable&allowPublicKeyRetrieval=true"));
        assertWorks(mariadb(sha2, "app", "app", "sslMode=trust"));
    }

    @Test
    void changeUserWithCachingSha2() throws Exception {
        try (Connection c = mysqlJ(sha2, "app2", "app2", connectorJVerify())) {
            assertEquals("app2", Db.scalarString(c, "select substring_index(current_user(), '@', 1)"));
            ((com.mysql.cj.jdbc.JdbcConnection) c).changeUser("app", "app");
            assertEquals("app", Db.scalarString(c, "select substring_index(current_user(), '@', 1)"));
            assertEquals(2, Db.scalarLong(c, "select 1 + 1"));
        }
    }

    @Test
    void wrongPasswordsGet1045FromEveryDriver() throws Exception {
        SQLException a = assertThrows(SQLException.class, () -> mysqlJ(sha2, "app", "wrong", "sslMode=DISABLED&allowPublicKeyRetrieval=true").close());
        assertEquals(1045, a.getErrorCode(), a::toString);
        SQLException b = assertThrows(SQLException.class, () -> mysqlJ(sha2, "app2", "wrong", connectorJVerify()).close());
        assertEquals(1045, b.getErrorCode(), b::toString);
        SQLException c = assertThrows(SQLException.class, () -> mariadb(sha2, "app", "wrong", "sslMode=trust").close());
        assertEquals(1045, c.getErrorCode(), c::toString);
        SQLException d = assertThrows(SQLException.class, () -> mariadb(sha2, "nobody", "x", "sslMode=disable&allowPublicKeyRetrieval=true").close());
        assertEquals(1045, d.getErrorCode(), d::toString);
        SQLException e = assertThrows(SQLException.class, () -> mariadb(strict, "app", "wrong", verifyFull(pki)).close());
        assertEquals(1045, e.getErrorCode(), e::toString);
        // Repeated failures from 127.0.0.1 are slowed down (free_failures 2, then 100 ms doubling to 400 ms; four failures so far) ...
        long t0 = System.nanoTime();
        // (over TLS: over plain TCP without the RSA key mariadb-java-client gives up itself, before any verdict)
        assertThrows(SQLException.class, () -> mariadb(sha2, "app2", "wrong", "sslMode=trust").close());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 180, "a throttled failure answered after " + ms + " ms");
        // ... and a success clears them.
        assertWorks(mariadb(sha2, "app2", "app2", "sslMode=disable"));
        assertTrue(sha2.log().contains("login for user=app failed: wrong password"), "failures are logged");
        assertFalse(sha2.log().contains("wrong\""), "no password in the log");
    }

    // ---- mariadb CLI ------------------------------------------------------------------------------------

    private static Exec.Result cli(LintasProcess p, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mariadb", "--no-defaults", "--connect-timeout=10",
            "-h127.0.0.1", "-P" + p.port(), "-N", "-B"));
        cmd.addAll(List.of(args));
        return Exec.run(60, cmd.toArray(String[]::new));
    }

    @Test
    void mariadbCliWithSsl() throws Exception {
        Exec.requireOnPath("mariadb", "install the client with bin/lintas-deps test");
        Exec.Result r = cli(strict, "-uapp", "-papp", "--ssl", "app", "-e", "select 1 + 1");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of("2"), r.stdout().lines().toList(), r::toString);
        Exec.Result v = cli(strict, "-uapp", "-papp", "--ssl", "--ssl-ca=" + pki.caFile(), "--ssl-verify-server-cert",
            "app", "-e", "select @@port for update");
        assertEquals(0, v.exitCode(), v::toString);
        assertEquals(1, v.stdout().lines().count(), v::toString);
        Exec.Result other = cli(strict, "-uapp", "-papp", "--ssl", "--ssl-ca=" + otherPki.caFile(), "--ssl-verify-server-cert",
            "app", "-e", "select 1");
        assertNotEquals(0, other.exitCode(), other::toString);
        // caching_sha2 with the CLI: full authentication over TLS, then over the unix socket in plain.
        Exec.Result s = cli(sha2, "-uapp", "-papp", "--ssl", "--ssl-ca=" + pki.caFile(), "--ssl-verify-server-cert",
            "app", "-e", "select 1 + 1");
        assertEquals(0, s.exitCode(), s::toString);
        Exec.Result u = Exec.run(60, "mariadb", "--no-defaults", "-S", sha2.unixSocket().toString(), "-uapp2", "-papp2",
            "-N", "-B", "app", "-e", "select 1 + 1");
        assertEquals(0, u.exitCode(), u::toString);
        assertEquals(List.of("2"), u.stdout().lines().toList(), u::toString);
        Exec.Result plain = cli(strict, "-uapp", "-papp", "--skip-ssl", "app", "-e", "select 1");
        assertNotEquals(0, plain.exitCode(), plain::toString);
        assertTrue(plain.stderr().contains("3159") && plain.stderr().contains("insecure transport"), plain::toString);
    }

    // ---- limits and timeouts ----------------------------------------------------------------------------

    @Test
    void tooManyConnectionsGets1040NotAHang() throws Exception {
        List<RawClient> held = new ArrayList<>();
        try {
            // Slots are taken at accept time; a previous test's closed connections may take a moment to give theirs back.
            RawClient refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                RawClient c = RawClient.connect(strict.port());
                RawClient.Outcome o = c.awaitOutcome(5000);
                assertFalse(o.closed(), () -> "closed without an answer: " + o);
                if (o.isErr()) {
                    assertEquals(1040, o.frame().errorCode(), o::toString);
                    assertEquals(0, o.frame().sequenceId());
                    assertTrue(o.frame().errorMessage().contains("Too many connections"), o::toString);
                    assertTrue(o.elapsedMs() < 2000, o::toString);
                    assertTrue(c.awaitClosed(5000));
                    refused = c;
                } else {
                    held.add(c);
                }
            }
            assertTrue(refused != null, "never refused");
            assertTrue(held.size() <= 4, "held " + held.size());
            refused.close();
        } finally {
            held.forEach(RawClient::close);
        }
    }

    @Test
    void perUserMaxConnectionsGets1226() throws Exception {
        try (Connection a = mariadb(sha2, "app2", "app2", "sslMode=disable");
             Connection b = mariadb(sha2, "app2", "app2", "sslMode=disable")) {
            SQLException e = assertThrows(SQLException.class, () -> mariadb(sha2, "app2", "app2", "sslMode=disable").close());
            assertEquals(1226, e.getErrorCode(), e::toString);
            assertTrue(e.getMessage().contains("max_user_connections"), e::toString);
            // Other users are not affected.
            assertWorks(mariadb(sha2, "app", "app", "sslMode=trust"));
        }
        // The slots come back when the sessions end.
        long deadline = System.currentTimeMillis() + 5000;
        while (true) {
            try {
                assertWorks(mariadb(sha2, "app2", "app2", "sslMode=disable"));
                break;
            } catch (SQLException e) {
                if (e.getErrorCode() != 1226 || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void handshakeTimeoutClosesASilentClient() throws Exception {
        try (RawClient c = RawClient.connect(sha2.port())) {
            c.readGreeting();
            RawClient.Outcome o = c.awaitOutcome(8000);
            assertTrue(o.elapsedMs() >= 1500, o::toString);
            assertTrue(o.closed() || o.frame().errorCode() == 1043, o::toString);
        }
        // Silent after an SSLRequest: the timer still runs during the TLS handshake.
        try (RawClient c = RawClient.connect(sha2.port())) {
            c.readGreeting();
            c.writeFrame(1, sslRequest());
            assertTrue(c.awaitClosed(8000), "not closed after the handshake timeout");
        }
    }

    // ---- garbage at each protocol stage -----------------------------------------------------------------

    private static byte[] sslRequest() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        int caps = RawClient.CLIENT_LONG_PASSWORD | RawClient.CLIENT_PROTOCOL_41 | RawClient.CLIENT_SECURE_CONNECTION
            | RawClient.CLIENT_PLUGIN_AUTH | (1 << 11);
        writeInt4(p, caps);
        writeInt4(p, 16 * 1024 * 1024);
        p.write(45);
        p.write(new byte[23], 0, 23);
        return p.toByteArray();
    }

    private static void writeInt4(ByteArrayOutputStream p, int v) {
        p.write(v);
        p.write(v >>> 8);
        p.write(v >>> 16);
        p.write(v >>> 24);
    }

    /** A HandshakeResponse41 with caching_sha2_password's fast-path token. */
    private static byte[] sha2Response(String user, String password, byte[] scramble, String plugin) throws Exception {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        int caps = RawClient.CLIENT_LONG_PASSWORD | RawClient.CLIENT_PROTOCOL_41 | RawClient.CLIENT_TRANSACTIONS
            | RawClient.CLIENT_SECURE_CONNECTION | RawClient.CLIENT_PLUGIN_AUTH;
        writeInt4(p, caps);
        writeInt4(p, 16 * 1024 * 1024);
        p.write(45);
        p.write(new byte[23], 0, 23);
        p.writeBytes(user.getBytes(StandardCharsets.UTF_8));
        p.write(0);
        byte[] token = plugin.equals("caching_sha2_password") ? sha2Token(password, scramble) : new byte[20];
        p.write(token.length);
        p.writeBytes(token);
        p.writeBytes(plugin.getBytes(StandardCharsets.US_ASCII));
        p.write(0);
        return p.toByteArray();
    }

    /** XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)) + scramble)). */
    private static byte[] sha2Token(String password, byte[] scramble) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] s1 = md.digest(password.getBytes(StandardCharsets.UTF_8));
        byte[] s2 = md.digest(s1);
        md.update(s2);
        md.update(scramble);
        byte[] x = md.digest();
        for (int i = 0; i < x.length; i++) {
            x[i] ^= s1[i];
        }
        return x;
    }

    /** Logs in as app2 with the caching_sha2 fast path. */
    private static RawClient loginSha2(int port) throws Exception {
        // app2 may have 2 sessions: the previous round's may still be closing.
        for (int attempt = 0; ; attempt++) {
            try {
                return loginSha2Once(port);
            } catch (AssertionError e) {
                if (attempt >= 50 || !String.valueOf(e.getMessage()).contains("1226")) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static RawClient loginSha2Once(int port) throws Exception {
        RawClient c = RawClient.connect(port);
        RawClient.Frame g = c.readGreeting();
        c.writeFrame(1, sha2Response("app2", "app2", c.scramble(), "caching_sha2_password"));
        RawClient.Frame more = c.readFrame();
        assertEquals(0x01, more.payload()[0], more::toString); // AuthMoreData: fast auth success
        RawClient.Frame ok = c.readFrame();
        if (!ok.isOk()) {
            c.close();
        }
        assertTrue(ok.isOk(), ok::toString);
        return c;
    }

    @Test
    void garbageAtEveryStageWhileOthersKeepWorking() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<Throwable> wrong = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int id = w;
            workers.add(pool.submit(() -> {
                try (Connection c = id == 0 ? mysqlJ(sha2, "app", "app", connectorJVerify())
                    : mariadb(sha2, "app", "app", "sslMode=trust");
                     Statement st = c.createStatement()) {
                    long i = 0;
                    while (!stop.get()) {
                        i++;
                        try (ResultSet rs = st.executeQuery("select " + i + " * 3, '" + id + "'")) {
                            rs.next();
                            if (rs.getLong(1) != i * 3 || !rs.getString(2).equals(Integer.toString(id))) {
                                wrong.compareAndSet(null, new AssertionError("wrong answer at " + i));
                            }
                        }
                        answered.incrementAndGet();
                    }
                } catch (Throwable t) {
                    wrong.compareAndSet(null, t);
                }
            }));
        }
        Random rnd = new Random(42);
        try {
            for (int round = 0; round < 6; round++) {
                // 1. raw garbage instead of a HandshakeResponse (frame header included)
                try (RawClient c = RawClient.connect(sha2.port())) {
                    c.readGreeting();
                    c.writeRaw(randomBytes(rnd, 1 + rnd.nextInt(300)));
                    c.awaitOutcome(8000); // an ERR, or closed; never a hang beyond the handshake timeout
                }
                // 2. a well-framed but random HandshakeResponse
                try (RawClient c = RawClient.connect(sha2.port())) {
                    c.readGreeting();
                    c.writeFrame(1, randomBytes(rnd, rnd.nextInt(120)));
                    RawClient.Outcome o = c.awaitOutcome(8000);
                    assertTrue(o.closed() || o.isErr(), o::toString);
                }
                // 3. SSLRequest, then garbage instead of a TLS ClientHello
                try (RawClient c = RawClient.connect(sha2.port())) {
                    c.readGreeting();
                    c.writeFrame(1, sslRequest());
                    c.writeRaw(randomBytes(rnd, 1 + rnd.nextInt(300)));
                    assertTrue(c.awaitClosed(8000), "not closed after a broken TLS handshake");
                }
                // 4. garbage as the answer to the AuthSwitchRequest (native client → caching_sha2)
                try (RawClient c = RawClient.connect(sha2.port())) {
                                RawClient.Frame g = c.readGreeting();
                    c.writeFrame(1, sha2Response("app", "app", c.scramble(), "mysql_native_password"));
                    RawClient.Frame sw = c.readFrame();
                    assertEquals(0xFE, sw.payload()[0] & 0xFF, sw::toString);
                    c.writeFrame(sw.sequenceId() + 1, randomBytes(rnd, rnd.nextInt(80)));
                    RawClient.Outcome o = c.awaitOutcome(8000);
                    assertTrue(o.closed() || o.isErr(), o::toString);
                }
                // 5. garbage after PERFORM_FULL_AUTHENTICATION (plain TCP: RSA stage)
                try (RawClient c = RawClient.connect(sha2.port())) {
                                RawClient.Frame g = c.readGreeting();
                    c.writeFrame(1, sha2Response("nobody", "x", c.scramble(), "caching_sha2_password"));
                    RawClient.Frame more = c.readFrame();
                    assertEquals(0x04, more.payload()[1], more::toString); // perform full authentication
                    c.writeFrame(more.sequenceId() + 1, randomBytes(rnd, 1 + rnd.nextInt(300)));
                    RawClient.Outcome o = c.awaitOutcome(8000);
                    assertTrue(o.closed() || o.isErr(), o::toString);
                }
                // 6. garbage as commands after a successful login
                try (RawClient c = loginSha2(sha2.port())) {
                    c.writeFrame(0, randomBytes(rnd, rnd.nextInt(64)));
                    c.writeRaw(randomBytes(rnd, rnd.nextInt(64)));
                    c.close();
                }
                // 7. a COM_CHANGE_USER full of garbage
                try (RawClient c = loginSha2(sha2.port())) {
                    byte[] junk = randomBytes(rnd, rnd.nextInt(100));
                    byte[] payload = new byte[junk.length + 1];
                    payload[0] = 0x11;
                    System.arraycopy(junk, 0, payload, 1, junk.length);
                    c.writeFrame(0, payload);
                    RawClient.Outcome o = c.awaitOutcome(8000);
                    assertTrue(o.closed() || o.frame() != null, o::toString); // any answer, never a hang
                }
                assertNull(wrong.get(), () -> "a well-behaved client suffered: " + wrong.get());
            }
            int before = answered.get();
            Thread.sleep(300);
            assertTrue(answered.get() > before, "the well-behaved clients stopped getting answers");
        } finally {
            stop.set(true);
            for (Future<?> f : workers) {
                f.get();
            }
            pool.shutdownNow();
        }
        if (wrong.get() != null) {
            throw new AssertionError("a well-behaved client suffered", wrong.get());
        }
        assertTrue(sha2.isAlive());
        assertWorks(mariadb(sha2, "app2", "app2", "sslMode=disable"));
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
