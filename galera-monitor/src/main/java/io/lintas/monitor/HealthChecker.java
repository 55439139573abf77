package io.lintas.monitor;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Checks one node over JDBC (mariadb-java-client) through a private two-connection HikariCP pool.
 *
 * <p>The pool keeps one warm connection so a check costs one round trip, not a login. Every wait is
 * bounded by {@code timeout_ms}: connectTimeout and socketTimeout on the JDBC URL, and the pool's own
 * connectionTimeout (HikariCP refuses less than 250 ms, so it gets max(250, timeout_ms); the monitor's
 * watchdog still reports the check as failed at timeout_ms). The pool starts even when the node is down
 * ({@code initializationFailTimeout=-1}), so one dead node never stops Lintas from starting.
 *
 * <p>While the pool holds no connection at all (node down, or just back) a check logs in directly
 * instead of borrowing: HikariCP makes a borrower wait its whole connectionTimeout when it cannot create
 * a connection, which would turn "Connection refused", known in a millisecond, into a 250 ms wait whose
 * only message is a timeout. The pool keeps refilling itself in the background meanwhile.
 */
public final class HealthChecker implements HealthProbe {
    /** HikariCP's floor for connectionTimeout and validationTimeout. */
    static final long HIKARI_MIN_TIMEOUT_MS = 250;

    private final BackendNode node;
    private final long timeoutMs;
    private volatile boolean warmedUp;
    private final HikariDataSource pool;
    private final String url;
    private final Properties login = new Properties();

    /** A checker for {@code node}; opens no connection yet. */
    public HealthChecker(BackendNode node, MonitorSettings settings) {
        this.node = Objects.requireNonNull(node, "node");
        this.timeoutMs = settings.timeoutMs();
        this.url = jdbcUrl(node, settings.timeoutMs());
        this.login.putAll(tlsProperties(node, settings.tls()));
        this.login.setProperty("user", settings.user());
        this.login.setProperty("password", settings.password());
        this.pool = new HikariDataSource(poolConfig(node, settings));
    }

    static HikariConfig poolConfig(BackendNode node, MonitorSettings s) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("lintas-monitor-" + node.name());
        c.setDriverClassName("org.mariadb.jdbc.Driver");
        c.setJdbcUrl(jdbcUrl(node, s.timeoutMs()));
        c.setDataSourceProperties(tlsProperties(node, s.tls()));
        c.setUsername(s.user());
        c.setPassword(s.password());
        c.setMaximumPoolSize(2);
        c.setMinimumIdle(1);
        c.setConnectionTimeout(Math.max(HIKARI_MIN_TIMEOUT_MS, s.timeoutMs()));
        c.setValidationTimeout(Math.max(HIKARI_MIN_TIMEOUT_MS, s.timeoutMs()));
        c.setInitializationFailTimeout(-1);
        c.setAutoCommit(true);
        c.setExceptionOverride(new SQLExceptionOverride() {
            // check() evicts every connection that failed, and the monitor logs the failure as a state
            // change; HikariCP's own eviction would add a stack trace at WARN for each one.
            @java.lang.Override
            public SQLExceptionOverride.Override adjudicate(SQLException e) {
                return SQLExceptionOverride.Override.DO_NOT_EVICT;
            }
        });
        return c;
    }

    /** The JDBC URL: connect and read timeouts equal to the check timeout so a dead node fails fast. */
    static String jdbcUrl(BackendNode node, long timeoutMs) {
        String host = node.host().contains(":") ? "[" + node.host() + "]" : node.host();
        return "jdbc:mariadb://" + host + ":" + node.port() + "/"
            + "?connectTimeout=" + timeoutMs
            + "&socketTimeout=" + timeoutMs
            + "&tcpKeepAlive=true"
            + "&useServerPrepStmts=false";
    }

    /**
     * Driver properties for TLS, verified as {@code tls} says, for a node with {@link BackendNode#useSsl()} (so a
     * node that requires TLS can be checked), with the client certificate if there is one; empty otherwise. Properties rather than URL options: the driver
     * does not decode URL options, and a file path may hold any character.
     */
    static Properties tlsProperties(BackendNode node, NodeTls tls) {
        Properties p = new Properties();
        if (node.useSsl()) {
            p.setProperty("sslMode", tls.jdbcSslMode());
            if (tls.verifyServerCert() && tls.caFile() != null) {
                p.setProperty("serverSslCert", tls.caFile());
            }
            if (tls.certFile() != null) {
                ClientKeyStore ks = ClientKeyStore.of(tls.certFile(), tls.keyFile());
                p.setProperty("keyStore", ks.path());
                p.setProperty("keyStoreType", "PKCS12");
                p.setProperty("keyStorePassword", ks.password());
            }
        }
        return p;
    }

    /** The node this checker watches. */
    public BackendNode node() {
        return node;
    }

    @Override
    public CheckResult check() {
        long start = System.nanoTime();
        Connection conn = null;
        boolean pooled = false;
        try {
            if (poolIsEmpty()) {
                conn = DriverManager.getConnection(url, login);
            } else {
                conn = pool.getConnection();
                pooled = true;
            }
            Map<String, String> values = new HashMap<>();
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(WsrepQuery.SQL)) {
                while (rs.next()) {
                    values.put(rs.getString(1), rs.getString(2));
                }
            }
            WsrepStatus status = WsrepQuery.parse(values);
            Duration latency = since(start);
            boolean first = !warmedUp;
            warmedUp = true;
            // The first check pays for loading the driver (see CheckLoop.FIRST_CHECK_GRACE_MS).
            if (!first && latency.toMillis() > timeoutMs) {
                return new CheckResult.Failure("check took " + latency.toMillis() + " ms, over timeout_ms=" + timeoutMs, latency,
                    true);
            }
            return new CheckResult.Success(status, latency);
        } catch (SQLException e) {
            // The connection may hold a half-read reply or be dead; never hand it to the next check.
            if (pooled) {
                evict(conn);
                conn = null;
            }
            return new CheckResult.Failure(describe(e), since(start), isTimeout(e));
        } catch (RuntimeException e) {
            if (pooled) {
                evict(conn);
                conn = null;
            }
            return new CheckResult.Failure(e.getClass().getSimpleName() + ": " + e.getMessage(), since(start));
        } finally {
            if (conn != null) {
                try {
                    conn.close();
                } catch (SQLException ignored) {
                    // Returning it to the pool (or closing a direct one) failed; nothing left to release.
                }
            }
        }
    }

    /** True when the driver gave up waiting for the node (socket or query timeout), not on a refusal or error. */
    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException || t instanceof java.sql.SQLTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private boolean poolIsEmpty() {
        HikariPoolMXBean stats = pool.getHikariPoolMXBean();
        return stats != null && stats.getTotalConnections() == 0;
    }

    private void evict(Connection conn) {
        if (conn != null) {
            try {
                pool.evictConnection(conn);
            } catch (RuntimeException ignored) {
                // Pool already closed: nothing to evict from.
            }
        }
    }

    /** One line: the error, its code when the server sent one, and the root cause (e.g. Connection refused). */
    static String describe(SQLException e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        if (e.getErrorCode() > 0) {
            sb.insert(0, "error " + e.getErrorCode() + ": ");
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !sb.toString().contains(root.getMessage())) {
            sb.append(" (cause: ").append(root.getMessage()).append(')');
        }
        return sb.toString().replace('\n', ' ').replace('\r', ' ');
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void close() {
        pool.close();
    }
}
