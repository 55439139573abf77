package io.lintas.monitor;

/** Checks one node once. {@link HealthChecker} is the real one; tests plug in fakes. */
public interface HealthProbe extends AutoCloseable {

    /** Runs one check; blocking, bounded by the check timeout; reports errors as a Failure, never throws. */
    CheckResult check();

    /** Releases connections and threads; the default has none. */
    @Override
    default void close() {
    }
}
