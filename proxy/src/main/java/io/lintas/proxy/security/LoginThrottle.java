package io.lintas.proxy.security;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing: after a few failed logins from one client address, every further login
 * attempt from it is answered only after a delay that doubles with each failure, up to a cap. The delay
 * applies to successes too, so a client cannot learn the verdict early by timing out.
 *
 * <p>Never sleeps: callers schedule the answer after {@link #delayFor}. Memory is bounded (least recently
 * failing addresses are forgotten first) and an address is forgotten after {@code forgetAfter} without
 * failures. Thread-safe; the lock is held only for a map lookup.
 */
public final class LoginThrottle {

    /**
     * Tuning.
     *
     * @param freeFailures   failures in a row an address may have before any delay
     * @param firstDelay     delay after the first failure beyond the free ones; doubles with each further one
     * @param maxDelay       cap (keep it below the handshake timeout)
     * @param forgetAfter    an address with no failure for this long starts from zero again
     * @param maxAddresses   addresses tracked at most
     */
    public record Settings(int freeFailures, Duration firstDelay, Duration maxDelay, Duration forgetAfter, int maxAddresses) {
        /** 3 free failures, then 250 ms doubling to 5 s; forgotten after 15 min; 10 000 addresses. */
        public static final Settings DEFAULT = new Settings(3, Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofMinutes(15), 10_000);

        public Settings {
            if (freeFailures < 0 || firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0 || forgetAfter.isNegative() || maxAddresses < 1) {
                throw new IllegalArgumentException("bad login throttle settings");
            }
        }
    }

    private static final class Failures {
        int count;
        long lastNanos;
    }

    private final Settings settings;
    private final LongSupplier nanoClock;
    private final Map<String, Failures> byAddress;

    /** A throttle on the system clock. */
    public LoginThrottle(Settings settings) {
        this(settings, System::nanoTime);
    }

    /** A throttle on {@code nanoClock} (tests). */
    public LoginThrottle(Settings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        int max = settings.maxAddresses();
        this.byAddress = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > max;
            }
        };
    }

    /** How long to hold back the answer to a login attempt from {@code address} (zero when it has no recent failures). */
    public Duration delayFor(String address) {
        synchronized (byAddress) {
            Failures f = current(address);
            return f == null ? Duration.ZERO : delay(f.count);
        }
    }

    /** Counts a failed login from {@code address}; returns the delay its next attempt will get. */
    public Duration recordFailure(String address) {
        synchronized (byAddress) {
            Failures f = current(address);
            if (f == null) {
                f = new Failures();
                byAddress.put(address, f);
            }
            if (f.count < Integer.MAX_VALUE) {
                f.count++;
            }
            f.lastNanos = nanoClock.getAsLong();
            return delay(f.count);
        }
    }

    /** A successful login from {@code address} clears its failures. */
    public void recordSuccess(String address) {
        synchronized (byAddress) {
            byAddress.remove(address);
        }
    }

    /** Number of addresses currently tracked. */
    public int trackedAddresses() {
        synchronized (byAddress) {
            return byAddress.size();
        }
    }

    /** The entry for {@code address} unless it has expired (then it is dropped). */
    private Failures current(String address) {
        Failures f = byAddress.get(address);
        if (f != null && nanoClock.getAsLong() - f.lastNanos >= settings.forgetAfter().toNanos()) {
            byAddress.remove(address);
            return null;
        }
        return f;
    }

    private Duration delay(int failures) {
        int beyond = failures - settings.freeFailures();
        if (beyond <= 0) {
            return Duration.ZERO;
        }
        long ms = settings.firstDelay().toMillis();
        long max = settings.maxDelay().toMillis();
        for (int i = 1; i < beyond && ms > 0 && ms < max; i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, max));
    }
}
