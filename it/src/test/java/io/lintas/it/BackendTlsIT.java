package io.lintas.it;

import io.lintas.wire.tls.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS from Lintas to the nodes ({@code nodes[].use_ssl}, {@code backend.tls}): the sandbox's nodes have a
 * certificate from the sandbox's test CA, and its user {@code app_tls} may only log in over TLS
 * ({@code REQUIRE SSL}). The monitor logs in as {@code monitor_tls}, also {@code REQUIRE SSL}, so a proxy whose
 * monitor spoke plain TCP would see every node OFFLINE_HARD and never start.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(180)
class BackendTlsIT {
    private static final String MONITOR_USER = "CREATE USER IF NOT EXISTS 'monitor_tls'@'127.0.0.1'"
        + " IDENTIFIED BY 'monitor_tls' REQUIRE SSL";
    private static LintasProcess lintas;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Sandbox.ensureUp();
        Sandbox.rootSql(3, MONITOR_USER);
        dir = Files.createTempDirectory("lintas-backend-tls-it");
        lintas = LintasProcess.builder().name("BackendTlsIT")
            .users(LintasProcess.User.APP, new LintasProcess.User("app_tls", "app_tls", null, "app"))
            .nodeKeys("use_ssl: true")
            .backend("tls:", "  ca_file: \"" + Sandbox.tlsCaFile() + "\"")
            .monitor("user: monitor_tls", "password: monitor_tls", "timeout_ms: 1000", "max_failures: 3")
            .start();
    }

    @AfterAll
    static void stop() {
        if (lintas != null) {
            lintas.close();
        }
    }

    private static Connection connect(LintasProcess p, String user) throws SQLException {
        return DriverManager.getConnection(Db.url(p.port(), "useServerPrepStmts=true"), user, user);
    }

    @Test
    void readsAndWritesTravelOverTls() throws Exception {
        try (Connection c = connect(lintas, "app_tls"); Statement s = c.createStatement()) {
            // A read runs on a reader: the node itself reports the TLS version of the session it serves.
            assertTrue(status(s, "Ssl_version").startsWith("TLSv1."), "reader session is not TLS");
            String table = Db.uniqueName("tls");
            s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v LONGTEXT)");
            try {
                c.setAutoCommit(false);
                // Inside a transaction every statement runs on the writer.
                assertTrue(status(s, "Ssl_cipher").length() > 0, "writer session has no cipher");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
                    for (int i = 1; i <= 3; i++) {
                        ps.setInt(1, i);
                        ps.setString(2, "x".repeat(300_000 * i));
                        ps.executeUpdate();
                    }
                }
                c.commit();
                c.setAutoCommit(true);
                // A result larger than a TLS record streams through unchanged.
                try (ResultSet rs = s.executeQuery("SELECT id, v FROM " + table + " ORDER BY id")) {
                    int n = 0;
                    while (rs.next()) {
                        n++;
                        assertEquals(300_000 * n, rs.getString(2).length());
                    }
                    assertEquals(3, n);
                }
            } finally {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    @Test
    void nativeUsersShareTheTlsConnections() throws Exception {
        // app has no REQUIRE SSL, but its pooled connections to use_ssl nodes are encrypted too.
        try (Connection c = connect(lintas, "app"); Statement s = c.createStatement()) {
            assertTrue(status(s, "Ssl_version").startsWith("TLSv1."));
        }
    }

    @Test
    void aNodeWhoseCertificateDoesNotVerifyIsRefusedWithTheReason() throws Exception {
        TestPki other = TestPki.create("not-the-sandbox-ca", dir);
        try (LintasProcess wrongCa = LintasProcess.builder().name("BackendTlsIT-wrong-ca")
                .users(new LintasProcess.User("app_tls", "app_tls", null, "app"))
                .nodeKeys("use_ssl: true")
                .backend("tls:", "  ca_file: \"" + other.caFile() + "\"")
                .monitor("enabled: false")
                .start()) {
            SQLException e = assertThrows(SQLException.class, () -> {
                try (Connection c = connect(wrongCa, "app_tls"); Statement s = c.createStatement()) {
                    s.executeQuery("SELECT 1").close();
                }
            });
            assertTrue(e.getMessage().contains("TLS handshake with node"), e.getMessage());
            String log = Files.readString(wrongCa.logFile());
            assertTrue(log.contains("TLS handshake with node"), "the log names the TLS failure");
        }
    }

    /**
     * Accounts created {@code REQUIRE X509}: with {@code backend.tls.cert_file}/{@code key_file} the data path and
     * the monitor both present the client certificate (a monitor without it would see every node OFFLINE_HARD and
     * this Lintas would never start).
     */
    @Test
    void x509AccountsLogInWithTheClientCertificate() throws Exception {
        Path cert = dir.resolve("client-cert.pem");
        Path key = dir.resolve("client-key.pem");
        signClientCertificate(cert, key);
        for (String user : new String[] {"monitor_x509", "app_x509"}) {
            Sandbox.rootSql(3, "CREATE USER IF NOT EXISTS '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + user
                + "' REQUIRE X509");
        }
        Sandbox.rootSql(3, "GRANT ALL PRIVILEGES ON app.* TO 'app_x509'@'127.0.0.1'");
        try (LintasProcess x509 = LintasProcess.builder().name("BackendTlsIT-x509")
                .users(new LintasProcess.User("app_x509", "app_x509", null, "app"))
                .nodeKeys("use_ssl: true")
                .backend("tls:", "  ca_file: \"" + Sandbox.tlsCaFile() + "\"", "  cert_file: \"" + cert + "\"",
                    "  key_file: \"" + key + "\"")
                .monitor("user: monitor_x509", "password: monitor_x509", "timeout_ms: 1000", "max_failures: 3")
                .start();
             Connection c = connect(x509, "app_x509"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
                assertTrue(rs.next());
                assertEquals("app_x509@127.0.0.1", rs.getString(1));
            }
            assertTrue(status(s, "Ssl_version").startsWith("TLSv1."));
            c.setAutoCommit(false);
            try (ResultSet rs = s.executeQuery("SELECT @@wsrep_node_name, CURRENT_USER()")) {
                assertTrue(rs.next(), "the writer takes the certificate too");
                assertEquals("app_x509@127.0.0.1", rs.getString(2));
            }
            c.rollback();
        }
    }

    /** A client certificate from the sandbox's test CA (whose key the sandbox keeps beside ca.pem). */
    private static void signClientCertificate(Path cert, Path key) throws Exception {
        Exec.requireOnPath("openssl", "install openssl (bin/lintas-deps test)");
        Path ca = Sandbox.tlsCaFile();
        Path csr = dir.resolve("client.csr");
        Exec.Result req = Exec.run(60, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
            "-out", csr.toString(), "-subj", "/CN=lintas-backend-tls-it");
        assertEquals(0, req.exitCode(), req.toString());
        Exec.Result sign = Exec.run(60, "openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(),
            "-CAkey", ca.resolveSibling("ca-key.pem").toString(), "-CAcreateserial",
            "-CAserial", dir.resolve("ca.srl").toString(), "-days", "2", "-out", cert.toString());
        assertEquals(0, sign.exitCode(), sign.toString());
        assertTrue(Files.readString(key).contains("BEGIN PRIVATE KEY"), "openssl wrote a PKCS#8 key");
    }

    private static String status(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE '" + name + "'")) {
            assertTrue(rs.next(), name);
            return rs.getString(2);
        }
    }
}
