package io.lintas.monitor;

import java.util.Objects;

/**
 * Tunables of the Galera monitor. Build with {@link #builder()}; every value has the documented default.
 *
 * @param intervalMs            how often each node is checked (default 250)
 * @param timeoutMs             a check slower than this counts as failed (default 200)
 * @param maxFailures           failed checks in a row that make a node OFFLINE_HARD (default 2)
 * @param maxTransactionsBehind wsrep_local_recv_queue above this makes a node OFFLINE_SOFT (default 100)
 * @param failback              move writes back to a more-preferred node once it is healthy again (default true)
 * @param failbackAfterMs       how long that node must have been ONLINE without a break first (default 5000)
 * @param writerIsAlsoReader    whether the writer serves reads (default WHEN_ONLY_NODE)
 * @param user                  the monitor user (needs only USAGE; PROCESS/REPLICATION CLIENT do no harm)
 * @param password              its password; never logged, hidden by {@link #toString()}
 * @param historySize           state-change events kept in memory (default 1000)
 * @param checkLogSize          check results kept per node (default 100, 25 s at the default interval)
 * @param tls                   how checks of nodes with {@link BackendNode#useSsl()} verify the node (default: the
 *                              JDK trust store, certificate and host name checked)
 */
public record MonitorSettings(long intervalMs, long timeoutMs, int maxFailures, long maxTransactionsBehind,
                              boolean failback, long failbackAfterMs, WriterIsAlsoReader writerIsAlsoReader,
                              String user, String password, int historySize, int checkLogSize, NodeTls tls) {

    /** Default check interval. */
    public static final long DEFAULT_INTERVAL_MS = 250;
    /** Default check timeout. */
    public static final long DEFAULT_TIMEOUT_MS = 200;
    /** Default failed checks in a row before OFFLINE_HARD. */
    public static final int DEFAULT_MAX_FAILURES = 2;
    /**
     * Default lag limit. Galera's flow control (gcs.fc_limit 16, scaled with cluster size) normally keeps
     * the receive queue well below this, so it trips only when flow control was relaxed and a node is
     * really behind; lower it for fresher reads.
     */
    public static final long DEFAULT_MAX_TRANSACTIONS_BEHIND = 100;
    /** Default failback delay. */
    public static final long DEFAULT_FAILBACK_AFTER_MS = 5000;
    /** Default size of the state-change history. */
    public static final int DEFAULT_HISTORY_SIZE = 1000;
    /** Default number of check results kept per node. */
    public static final int DEFAULT_CHECK_LOG_SIZE = 100;

    public MonitorSettings {
        positive("interval_ms", intervalMs);
        positive("timeout_ms", timeoutMs);
        positive("max_failures", maxFailures);
        notNegative("max_transactions_behind", maxTransactionsBehind);
        notNegative("failback_after_ms", failbackAfterMs);
        positive("history_size", historySize);
        positive("check_log_size", checkLogSize);
        Objects.requireNonNull(writerIsAlsoReader, "writer_is_also_reader");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(tls, "tls");
    }

    /** A builder preset with the defaults (user {@code monitor}, empty password). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with these settings, to change a few. */
    public Builder toBuilder() {
        return new Builder().intervalMs(intervalMs).timeoutMs(timeoutMs).maxFailures(maxFailures)
            .maxTransactionsBehind(maxTransactionsBehind).failback(failback).failbackAfterMs(failbackAfterMs)
            .writerIsAlsoReader(writerIsAlsoReader).user(user).password(password).historySize(historySize)
            .checkLogSize(checkLogSize).tls(tls);
    }

    /** All settings except the password, which shows as {@code ***}. */
    @Override
    public String toString() {
        return "MonitorSettings[interval_ms=" + intervalMs + ", timeout_ms=" + timeoutMs + ", max_failures=" + maxFailures
            + ", max_transactions_behind=" + maxTransactionsBehind + ", failback=" + failback
            + ", failback_after_ms=" + failbackAfterMs + ", writer_is_also_reader=" + writerIsAlsoReader.configValue()
            + ", user=" + user + ", password=***, history_size=" + historySize + ", check_log_size=" + checkLogSize + ", tls=" + tls + "]";
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + v);
        }
    }

    private static void notNegative(String name, long v) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " must be >= 0: " + v);
        }
    }

    /** Builds {@link MonitorSettings}; starts from the defaults. */
    public static final class Builder {
        private long intervalMs = DEFAULT_INTERVAL_MS;
        private long timeoutMs = DEFAULT_TIMEOUT_MS;
        private int maxFailures = DEFAULT_MAX_FAILURES;
        private long maxTransactionsBehind = DEFAULT_MAX_TRANSACTIONS_BEHIND;
        private boolean failback = true;
        private long failbackAfterMs = DEFAULT_FAILBACK_AFTER_MS;
        private WriterIsAlsoReader writerIsAlsoReader = WriterIsAlsoReader.WHEN_ONLY_NODE;
        private String user = "monitor";
        private String password = "";
        private int historySize = DEFAULT_HISTORY_SIZE;
        private int checkLogSize = DEFAULT_CHECK_LOG_SIZE;
        private NodeTls tls = NodeTls.DEFAULT;

        private Builder() {
        }

        /** Sets interval_ms. */
        public Builder intervalMs(long v) { intervalMs = v; return this; }

        /** Sets timeout_ms. */
        public Builder timeoutMs(long v) { timeoutMs = v; return this; }

        /** Sets max_failures. */
        public Builder maxFailures(int v) { maxFailures = v; return this; }

        /** Sets max_transactions_behind. */
        public Builder maxTransactionsBehind(long v) { maxTransactionsBehind = v; return this; }

        /** Sets failback. */
        public Builder failback(boolean v) { failback = v; return this; }

        /** Sets failback_after_ms. */
        public Builder failbackAfterMs(long v) { failbackAfterMs = v; return this; }

        /** Sets writer_is_also_reader. */
        public Builder writerIsAlsoReader(WriterIsAlsoReader v) { writerIsAlsoReader = v; return this; }

        /** Sets the monitor user. */
        public Builder user(String v) { user = v; return this; }

        /** Sets the monitor password. */
        public Builder password(String v) { password = v; return this; }

        /** Sets how many state-change events are kept. */
        public Builder historySize(int v) { historySize = v; return this; }

        /** Sets how many check results are kept per node. */
        public Builder checkLogSize(int v) { checkLogSize = v; return this; }

        /** Sets how TLS checks verify nodes. */
        public Builder tls(NodeTls v) { tls = v; return this; }

        /** Validates and builds the settings. */
        public MonitorSettings build() {
            return new MonitorSettings(intervalMs, timeoutMs, maxFailures, maxTransactionsBehind, failback,
                failbackAfterMs, writerIsAlsoReader, user, password, historySize, checkLogSize, tls);
        }
    }
}
