package io.lintas.monitor;

import java.util.Objects;
import java.util.Optional;

/**
 * Turns the latest check of a node into its next state. Pure: no clock, no I/O, no mutable state.
 *
 * <p>Rules, hardest first, so a node with several problems reports the most severe one:
 * <ul>
 *   <li>OFFLINE_HARD: not in a Primary component, wsrep_connected=OFF, wsrep_ready=OFF,
 *       wsrep_reject_queries other than NONE, Joining (state 1) or any state other than 2/3/4, an SST donor
 *       with wsrep_sst_donor_rejects_queries=ON, or {@code maxFailures} failed checks in a row.</li>
 *   <li>OFFLINE_SOFT: Donor/Desynced (state 2), wsrep_desync=ON, Joined (state 3, still applying its
 *       backlog), or wsrep_local_recv_queue above {@code maxTransactionsBehind}.</li>
 *   <li>ONLINE: everything else, i.e. Synced, Primary, ready, connected, not desynced, not rejecting.</li>
 * </ul>
 * {@code read_only=ON} does not change the state: the node still serves reads, and the election keeps it
 * from being the writer.
 *
 * <p>Failed checks: fewer than {@code maxFailures} in a row keep the previous state, so one lost packet
 * does not close every connection to a healthy node. Two exceptions go OFFLINE_HARD on the first failure:
 * a node never seen healthy (UNKNOWN: there is no good state to hold on to), and a failure that confirms
 * what the data path just reported (connection refused, reset, error 1047...). The latter are two
 * independent observations of the same fault, which is what {@code maxFailures} exists to demand.
 */
public final class NodeHealthEvaluator {
    private final int maxFailures;
    private final long maxTransactionsBehind;

    /** An evaluator with the given thresholds. */
    public NodeHealthEvaluator(int maxFailures, long maxTransactionsBehind) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be >= 1: " + maxFailures);
        }
        if (maxTransactionsBehind < 0) {
            throw new IllegalArgumentException("maxTransactionsBehind must be >= 0: " + maxTransactionsBehind);
        }
        this.maxFailures = maxFailures;
        this.maxTransactionsBehind = maxTransactionsBehind;
    }

    /** An evaluator using the thresholds of {@code settings}. */
    public static NodeHealthEvaluator from(MonitorSettings settings) {
        return new NodeHealthEvaluator(settings.maxFailures(), settings.maxTransactionsBehind());
    }

    /** Next state from a regular check (no data-path report pending). */
    public HealthVerdict evaluate(NodeState previous, int consecutiveFailures, CheckResult latest) {
        return evaluate(previous, consecutiveFailures, latest, Optional.empty());
    }

    /**
     * Next state of a node.
     *
     * @param previous            the node's current state
     * @param consecutiveFailures failed checks in a row before {@code latest}
     * @param latest              the newest check
     * @param dataPathReport      what the data path reported, when {@code latest} is the re-check it triggered
     */
    public HealthVerdict evaluate(NodeState previous, int consecutiveFailures, CheckResult latest,
                                  Optional<String> dataPathReport) {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(latest, "latest");
        Objects.requireNonNull(dataPathReport, "dataPathReport");
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures < 0");
        }
        if (latest instanceof CheckResult.Success ok) {
            HealthVerdict v = judge(ok.status());
            return new HealthVerdict(v.state(), 0, v.reason());
        }
        String why = ((CheckResult.Failure) latest).reason();
        int failures = consecutiveFailures + 1;
        if (dataPathReport.isPresent()) {
            return new HealthVerdict(NodeState.OFFLINE_HARD, failures,
                "data path reported \"" + dataPathReport.get() + "\" and the re-check failed: " + why);
        }
        if (failures >= maxFailures) {
            return new HealthVerdict(NodeState.OFFLINE_HARD, failures,
                failures + " failed checks in a row (max_failures=" + maxFailures + "): " + why);
        }
        if (previous == NodeState.UNKNOWN) {
            return new HealthVerdict(NodeState.OFFLINE_HARD, failures, "first check failed: " + why);
        }
        return new HealthVerdict(previous, failures,
            "check failed (" + failures + " of max_failures=" + maxFailures + "), staying " + previous + ": " + why);
    }

    /** The state the readings alone call for; the failure count of the result is always 0. */
    public HealthVerdict judge(WsrepStatus s) {
        Objects.requireNonNull(s, "status");
        if (!s.isPrimary()) {
            return hard("wsrep_cluster_status=" + s.clusterStatus() + " (not in a Primary component)");
        }
        if (!s.connected()) {
            return hard("wsrep_connected=OFF");
        }
        if (!s.ready()) {
            return hard("wsrep_ready=OFF");
        }
        if (!s.acceptsQueries()) {
            return hard("wsrep_reject_queries=" + s.rejectQueries());
        }
        switch (s.localState()) {
            case WsrepStatus.SYNCED:
                break;
            case WsrepStatus.DONOR_DESYNCED:
                // With wsrep_desync=OFF a node in state 2 is donating; if it then also rejects queries it is
                // serving a blocking SST and will refuse our statements. A hand-desynced node keeps serving.
                if (!s.desync() && s.sstDonorRejectsQueries()) {
                    return hard(state(s) + " with wsrep_sst_donor_rejects_queries=ON");
                }
                return soft(state(s) + (s.desync() ? ", wsrep_desync=ON" : ""));
            case WsrepStatus.JOINED:
                // Joined nodes have their data and serve queries, just stale: finish running work, take no new.
                return soft(state(s) + ": catching up");
            default:
                return hard(state(s));
        }
        if (s.desync()) {
            return soft("wsrep_desync=ON");
        }
        if (s.localRecvQueue() > maxTransactionsBehind) {
            return soft("wsrep_local_recv_queue=" + s.localRecvQueue() + " > max_transactions_behind=" + maxTransactionsBehind);
        }
        return new HealthVerdict(NodeState.ONLINE, 0,
            "Synced, Primary, ready" + (s.readOnly() ? "; read_only=ON: not eligible as writer" : ""));
    }

    private static String state(WsrepStatus s) {
        return "wsrep_local_state=" + s.localState() + " (" + s.localStateComment() + ")";
    }

    private static HealthVerdict hard(String reason) {
        return new HealthVerdict(NodeState.OFFLINE_HARD, 0, reason);
    }

    private static HealthVerdict soft(String reason) {
        return new HealthVerdict(NodeState.OFFLINE_SOFT, 0, reason);
    }
}
