package io.lintas.pool;

import java.util.Map;

/**
 * Settings of the connection pool of one node (config keys in parentheses; a zero duration disables the
 * feature where noted).
 *
 * @param maxConnections    ({@code max_connections}, default 50) connections to the node at most, counted over
 *                          every event loop, backend user and capability profile: idle, lent, and being opened
 * @param minIdle           ({@code min_idle}, default 0) idle connections the maintenance task keeps open for
 *                          each pool key that was used (at most {@code maxConnections})
 * @param maxLifetimeMs     ({@code max_lifetime_ms}, default 30 min; 0 = unlimited) a connection older than this
 *                          is closed when it is released or found idle, never while lent
 * @param idleTimeoutMs     ({@code idle_timeout_ms}, default 10 min; 0 = never) idle connections unused for this
 *                          long are closed, down to {@code minIdle}; the least recently used go first
 * @param idlePingMs        ({@code idle_ping_ms}, default 60 s; 0 = never) a connection that has not heard from the
 *                          server for this long is sent COM_PING before it is lent, and the maintenance task pings
 *                          idle ones periodically, so the server's {@code wait_timeout} never closes them unseen
 * @param connectTimeoutMs  ({@code connect_timeout_ms}, default 1000) bound on TCP connect plus login, and on a ping
 * @param queueTimeoutMs    ({@code queue_timeout_ms}, default 10000) how long a request waits for a connection when
 *                          the node is at {@code maxConnections} before it fails with {@link PoolExhaustedException}
 * @param trackSessionState ({@code track_session_state}, default true) log in with CLIENT_SESSION_TRACK and enable
 *                          {@code session_track_*} so that every OK reports the session state it changed
 */
public record PoolSettings(int maxConnections, int minIdle, long maxLifetimeMs, long idleTimeoutMs, long idlePingMs,
                           int connectTimeoutMs, long queueTimeoutMs, boolean trackSessionState) {

    /** The defaults listed above. */
    public static final PoolSettings DEFAULTS =
        new PoolSettings(50, 0, 30 * 60_000L, 10 * 60_000L, 60_000L, 1000, 10_000L, true);

    public PoolSettings {
        check(maxConnections >= 1, "max_connections must be at least 1, not " + maxConnections);
        check(minIdle >= 0 && minIdle <= maxConnections,
            "min_idle must be between 0 and max_connections (" + maxConnections + "), not " + minIdle);
        check(maxLifetimeMs >= 0, "max_lifetime_ms must not be negative");
        check(idleTimeoutMs >= 0, "idle_timeout_ms must not be negative");
        check(idlePingMs >= 0, "idle_ping_ms must not be negative");
        check(connectTimeoutMs >= 1, "connect_timeout_ms must be at least 1");
        check(queueTimeoutMs >= 0, "queue_timeout_ms must not be negative");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public PoolSettings withMaxConnections(int v) {
        return new PoolSettings(v, Math.min(minIdle, v), maxLifetimeMs, idleTimeoutMs, idlePingMs, connectTimeoutMs,
            queueTimeoutMs, trackSessionState);
    }

    public PoolSettings withMinIdle(int v) {
        return new PoolSettings(maxConnections, v, maxLifetimeMs, idleTimeoutMs, idlePingMs, connectTimeoutMs,
            queueTimeoutMs, trackSessionState);
    }

    public PoolSettings withMaxLifetimeMs(long v) {
        return new PoolSettings(maxConnections, minIdle, v, idleTimeoutMs, idlePingMs, connectTimeoutMs, queueTimeoutMs,
            trackSessionState);
    }

    public PoolSettings withIdleTimeoutMs(long v) {
        return new PoolSettings(maxConnections, minIdle, maxLifetimeMs, v, idlePingMs, connectTimeoutMs, queueTimeoutMs,
            trackSessionState);
    }

    public PoolSettings withIdlePingMs(long v) {
        return new PoolSettings(maxConnections, minIdle, maxLifetimeMs, idleTimeoutMs, v, connectTimeoutMs,
            queueTimeoutMs, trackSessionState);
    }

    public PoolSettings withConnectTimeoutMs(int v) {
        return new PoolSettings(maxConnections, minIdle, maxLifetimeMs, idleTimeoutMs, idlePingMs, v, queueTimeoutMs,
            trackSessionState);
    }

    public PoolSettings withQueueTimeoutMs(long v) {
        return new PoolSettings(maxConnections, minIdle, maxLifetimeMs, idleTimeoutMs, idlePingMs, connectTimeoutMs, v,
            trackSessionState);
    }

    public PoolSettings withTrackSessionState(boolean v) {
        return new PoolSettings(maxConnections, minIdle, maxLifetimeMs, idleTimeoutMs, idlePingMs, connectTimeoutMs,
            queueTimeoutMs, v);
    }

    /**
     * These settings with the entries of a config section applied, keyed as in the config file
     * ({@code max_connections}, {@code min_idle}, ...). Values may be numbers, booleans or their string forms.
     *
     * @throws IllegalArgumentException on an unknown key or a bad value, naming the key
     */
    public PoolSettings with(Map<String, ?> values) {
        PoolSettings s = this;
        for (Map.Entry<String, ?> e : values.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            try {
                s = switch (key) {
                    case "max_connections" -> s.withMaxConnections(Math.toIntExact(number(v)));
                    case "min_idle" -> s.withMinIdle(Math.toIntExact(number(v)));
                    case "max_lifetime_ms" -> s.withMaxLifetimeMs(number(v));
                    case "idle_timeout_ms" -> s.withIdleTimeoutMs(number(v));
                    case "idle_ping_ms" -> s.withIdlePingMs(number(v));
                    case "connect_timeout_ms" -> s.withConnectTimeoutMs(Math.toIntExact(number(v)));
                    case "queue_timeout_ms" -> s.withQueueTimeoutMs(number(v));
                    case "track_session_state" -> s.withTrackSessionState(bool(v));
                    default -> throw new IllegalArgumentException("unknown pool setting '" + key + "'");
                };
            } catch (ArithmeticException | NumberFormatException ex) {
                throw new IllegalArgumentException("pool setting '" + key + "': not a valid number: " + v, ex);
            } catch (IllegalArgumentException ex) {
                if (ex.getMessage() != null && ex.getMessage().startsWith("unknown pool setting")) {
                    throw ex;
                }
                throw new IllegalArgumentException("pool setting '" + key + "': " + ex.getMessage(), ex);
            }
        }
        return s;
    }

    private static long number(Object v) {
        if (v instanceof Number n) {
            if (n instanceof Double || n instanceof Float) {
                double d = n.doubleValue();
                if (d != Math.rint(d)) {
                    throw new NumberFormatException("not an integer");
                }
            }
            return n.longValue();
        }
        if (v instanceof String s) {
            return Long.parseLong(s.trim().replace("_", ""));
        }
        throw new NumberFormatException("not a number");
    }

    private static boolean bool(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("not a boolean: " + v);
    }
}
