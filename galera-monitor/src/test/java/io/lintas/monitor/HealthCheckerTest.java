package io.lintas.monitor;

import com.zaxxer.hikari.HikariConfig;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.SocketException;
import java.sql.SQLException;

import java.util.Properties;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HealthChecker without a database: configuration, error text, and a closed port. */
class HealthCheckerTest {
    private final MonitorSettings settings = MonitorSettings.builder().user("monitor").password("pw").build();

    @Test
    void jdbcUrlFailsFast() {
        String url = HealthChecker.jdbcUrl(new BackendNode("n", "127.0.0.1", 3311), 200);
        assertTrue(url.startsWith("jdbc:mariadb://127.0.0.1:3311/?"), url);
        assertTrue(url.contains("connectTimeout=200"), url);
        assertTrue(url.contains("socketTimeout=200"), url);
        assertTrue(HealthChecker.jdbcUrl(new BackendNode("n", "::1", 3311), 200).startsWith("jdbc:mariadb://[::1]:3311/"));
    }

    @Test
    void tlsOnlyForNodesThatAskForIt() {
        NodeTls ca = new NodeTls("/etc/lintas/ca dir&x/ca.pem", true, true);
        assertTrue(HealthChecker.tlsProperties(new BackendNode("n", "127.0.0.1", 3311), ca).isEmpty());
        Properties p = HealthChecker.tlsProperties(new BackendNode("n", "127.0.0.1", 3311, true), ca);
        assertEquals("verify-full", p.getProperty("sslMode"));
        assertEquals("/etc/lintas/ca dir&x/ca.pem", p.getProperty("serverSslCert"));
        assertEquals("verify-ca", HealthChecker.tlsProperties(new BackendNode("n", "h", 1, true),
            new NodeTls("/ca.pem", true, false)).getProperty("sslMode"));
        Properties trust = HealthChecker.tlsProperties(new BackendNode("n", "h", 1, true), new NodeTls("/ca.pem", false, false));
        assertEquals("trust", trust.getProperty("sslMode"));
        assertNull(trust.getProperty("serverSslCert"));
        assertNull(HealthChecker.tlsProperties(new BackendNode("n", "h", 1, true), NodeTls.DEFAULT).getProperty("serverSslCert"));
        assertThrows(IllegalArgumentException.class, () -> new NodeTls(null, false, true));
        HikariConfig c = HealthChecker.poolConfig(new BackendNode("n", "h", 1, true), settings.toBuilder().tls(ca).build());
        assertEquals("verify-full", c.getDataSourceProperties().getProperty("sslMode"));
    }

    @Test
    void timeoutsAreToldApartFromRefusals() {
        assertTrue(HealthChecker.isTimeout(new SQLException("Socket error", "08000", 0,
            new java.net.SocketTimeoutException("Read timed out"))));
        assertTrue(HealthChecker.isTimeout(new java.sql.SQLTimeoutException("query timed out")));
        assertFalse(HealthChecker.isTimeout(new SQLException("refused", "08000", 0, new java.net.ConnectException("Connection refused"))));
    }

    @Test
    void poolIsSmallAndStartsWithoutTheNode() {
        HikariConfig c = HealthChecker.poolConfig(new BackendNode("node3", "127.0.0.1", 3313), settings);
        assertEquals(2, c.getMaximumPoolSize());
        assertEquals(-1, c.getInitializationFailTimeout());
        assertEquals(250, c.getConnectionTimeout(), "HikariCP's floor; the watchdog enforces 200 ms");
        assertEquals("lintas-monitor-node3", c.getPoolName());
        assertEquals("monitor", c.getUsername());
    }

    @Test
    void describeNamesCodeAndRootCause() {
        SQLException e = new SQLException("WSREP has not yet prepared node for application use", "08S01", 1047,
            new SocketException("Connection reset"));
        assertEquals("error 1047: WSREP has not yet prepared node for application use (cause: Connection reset)",
            HealthChecker.describe(e));
    }

    @Test
    void closedPortIsAFailureNotAnException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (HealthChecker c = new HealthChecker(new BackendNode("gone", "127.0.0.1", port), settings)) {
            CheckResult r = c.check();
            CheckResult.Failure f = assertInstanceOf(CheckResult.Failure.class, r);
            assertFalse(f.timedOut(), "a refused connection is not a timeout");
            assertTrue(f.reason().toLowerCase().contains("connect") || f.reason().contains("not available"), f.reason());
        }
    }
}
