package io.lintas.admin.spi;

import java.util.Objects;

/**
 * One row of {@code mysql_servers}: a database node in a hostgroup.
 *
 * @param status ONLINE, SHUNNED, OFFLINE_SOFT or OFFLINE_HARD (configured state in memory; the monitor's
 *               verdict in {@code runtime_mysql_servers})
 */
public record ServerRow(int hostgroupId, String hostname, int port, String status, int weight, int maxConnections,
                        String comment) {
    /** Validates the shape only; meaning (known hostgroups, reachable nodes) is the runtime's job. */
    public ServerRow {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(status, "status");
        comment = comment == null ? "" : comment;
    }
}
