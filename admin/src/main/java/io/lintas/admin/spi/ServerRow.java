package io.lintas.admin.spi;

import java.util.Objects;

/**
 * One row of {@code mysql_servers}: a database node in a hostgroup.
 *
 * @param status ONLINE, SHUNNED, OFFLINE_SOFT or OFFLINE_HARD as configured (an operator takes a node out with
 *               OFFLINE_SOFT/OFFLINE_HARD); the monitor's verdict is reported in stats_mysql_connection_pool
 * @param useSsl connections to the node use TLS (ProxySQL's {@code use_ssl} 0/1)
 */
public record ServerRow(int hostgroupId, String hostname, int port, String status, int weight, int maxConnections,
                        String comment, boolean useSsl) {
    /** A row for a node reached over plain TCP. */
    public ServerRow(int hostgroupId, String hostname, int port, String status, int weight, int maxConnections,
                     String comment) {
        this(hostgroupId, hostname, port, status, weight, maxConnections, comment, false);
    }

    /** Validates the shape only; meaning (known hostgroups, reachable nodes) is the runtime's job. */
    public ServerRow {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(status, "status");
        comment = comment == null ? "" : comment;
    }
}
