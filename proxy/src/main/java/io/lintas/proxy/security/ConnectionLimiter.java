package io.lintas.proxy.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Counts client connections against {@code proxy.max_connections} (taken when a connection is accepted,
 * before the greeting) and {@code users[].max_connections} (taken once the user is authenticated).
 * Lock-free: compare-and-set on counters, nothing ever waits.
 */
public final class ConnectionLimiter {

    /** Why a connection or login was refused. */
    public enum Refusal {
        /** Over the global limit: answer ERR 1040 (08004) "Too many connections" and close. */
        GLOBAL,
        /** Over the user's limit: answer ERR 1226 (42000) "User '…' has exceeded the 'max_user_connections' resource". */
        USER
    }

    private final int maxConnections;
    private final ToIntFunction<String> userLimit;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perUser = new ConcurrentHashMap<>();

    /**
     * @param maxConnections global limit, 0 for none
     * @param userLimit      a user's limit, 0 for none (read at each login, so a reloaded config applies)
     */
    public ConnectionLimiter(int maxConnections, ToIntFunction<String> userLimit) {
        if (maxConnections < 0) {
            throw new IllegalArgumentException("max_connections must be >= 0");
        }
        this.maxConnections = maxConnections;
        this.userLimit = userLimit;
    }

    /** Takes a global slot for a new connection, or returns null when the proxy is full. */
    public Permit tryAcquire() {
        return tryIncrement(open, maxConnections) ? new Permit() : null;
    }

    /** Connections holding a permit now. */
    public int openConnections() {
        return open.get();
    }

    /** Authenticated connections of {@code user} now. */
    public int openConnections(String user) {
        AtomicInteger c = perUser.get(user);
        return c == null ? 0 : c.get();
    }

    /** The configured limit of {@code user} (0 = none), for the error message. */
    public int limitOf(String user) {
        return userLimit.applyAsInt(user);
    }

    private static boolean tryIncrement(AtomicInteger counter, int limit) {
        while (true) {
            int n = counter.get();
            if (limit > 0 && n >= limit) {
                return false;
            }
            if (counter.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** One connection's slots; {@link #close()} gives them back (idempotent, from any thread). */
    public final class Permit implements AutoCloseable {
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile String user;

        private Permit() {}

        /**
         * Takes a slot of {@code user} once it is authenticated (again after COM_CHANGE_USER: the previous
         * user's slot is given back). Returns {@link Refusal#USER} when the user is at its limit, else null.
         */
        public Refusal tryBindUser(String user) {
            if (closed.get()) {
                throw new IllegalStateException("permit already released");
            }
            if (user.equals(this.user)) {
                return null;
            }
            // Counters are created on demand and never removed: one small object per configured user name.
            AtomicInteger c = perUser.computeIfAbsent(user, u -> new AtomicInteger());
            if (!tryIncrement(c, userLimit.applyAsInt(user))) {
                return Refusal.USER;
            }
            String previous = this.user;
            this.user = user;
            if (previous != null) {
                perUser.get(previous).decrementAndGet();
            }
            return null;
        }

        /** The user this permit counts for, or null before login. */
        public String user() {
            return user;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                String u = user;
                if (u != null) {
                    perUser.get(u).decrementAndGet();
                }
                open.decrementAndGet();
            }
        }
    }
}
