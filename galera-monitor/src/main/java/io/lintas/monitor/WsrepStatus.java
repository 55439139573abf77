package io.lintas.monitor;

import java.util.Objects;

/**
 * The wsrep readings of one successful health check.
 *
 * <p>Status values come from {@code SHOW GLOBAL STATUS}; {@code wsrep_desync}, {@code wsrep_reject_queries},
 * {@code wsrep_sst_donor_rejects_queries} and {@code read_only} are server <em>variables</em> on MariaDB
 * 10.11 (checked against the sandbox), so they are read from the variables table.
 *
 * @param localState             wsrep_local_state: 1 Joining, 2 Donor/Desynced, 3 Joined, 4 Synced
 *                               (0 when the node has left the Primary component)
 * @param localStateComment      wsrep_local_state_comment, the text for {@code localState}
 * @param clusterStatus          wsrep_cluster_status: Primary, non-Primary or Disconnected
 * @param ready                  wsrep_ready: the node accepts queries
 * @param connected              wsrep_connected: the provider is connected to the group
 * @param desync                 wsrep_desync (variable): desynced on purpose, e.g. for a backup
 * @param rejectQueries          wsrep_reject_queries (variable): NONE, ALL or ALL_KILL
 * @param sstDonorRejectsQueries wsrep_sst_donor_rejects_queries (variable): a donor refuses queries during SST
 * @param readOnly               read_only (variable): the node refuses writes, so it cannot be the writer
 * @param localRecvQueue         wsrep_local_recv_queue: write-sets received but not applied yet
 * @param clusterSize            wsrep_cluster_size: members of the component this node sees
 * @param localIndex             wsrep_local_index: this node's index in the component, -1 when undefined
 */
public record WsrepStatus(int localState, String localStateComment, String clusterStatus, boolean ready,
                          boolean connected, boolean desync, String rejectQueries, boolean sstDonorRejectsQueries,
                          boolean readOnly, long localRecvQueue, int clusterSize, int localIndex) {

    /** wsrep_local_state while receiving a state transfer. */
    public static final int JOINING = 1;
    /** wsrep_local_state of a donor or a node desynced by hand. */
    public static final int DONOR_DESYNCED = 2;
    /** wsrep_local_state after a state transfer, while catching up. */
    public static final int JOINED = 3;
    /** wsrep_local_state of a node in step with the cluster. */
    public static final int SYNCED = 4;

    public WsrepStatus {
        Objects.requireNonNull(localStateComment, "localStateComment");
        Objects.requireNonNull(clusterStatus, "clusterStatus");
        Objects.requireNonNull(rejectQueries, "rejectQueries");
    }

    /** True when the node is part of a Primary component (the only one allowed to commit). */
    public boolean isPrimary() {
        return "Primary".equalsIgnoreCase(clusterStatus);
    }

    /** True when wsrep_reject_queries is NONE. */
    public boolean acceptsQueries() {
        return "NONE".equalsIgnoreCase(rejectQueries);
    }
}
