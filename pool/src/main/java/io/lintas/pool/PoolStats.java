package io.lintas.pool;

/**
 * A snapshot of one node's pool (all backend users and capability profiles together): the data behind
 * ProxySQL's {@code stats_mysql_connection_pool}. Counters count since the pool started.
 *
 * @param used           connections lent to sessions right now (ConnUsed)
 * @param free           idle connections ready to be lent (ConnFree)
 * @param pending        connections being opened or checked (ping) right now
 * @param ok             connections opened and logged in successfully (ConnOK)
 * @param err            failed attempts to open a connection (ConnERR)
 * @param maxUsed        the largest number of connections lent at the same time (MaxConnUsed)
 * @param queries        commands relayed ({@link BackendConnection#startCommand} calls) (Queries)
 * @param bytesSent      frame bytes written to the node, headers included (Bytes_data_sent)
 * @param bytesReceived  frame bytes read from the node, headers included (Bytes_data_recv)
 * @param latencyUs      duration of the last connect+login or ping, in microseconds (Latency_us)
 * @param waiting        requests queued for a connection right now
 * @param queueTimeouts  requests that failed with {@link PoolExhaustedException}
 */
public record PoolStats(String node, String address, int maxConnections, int used, int free, int pending, long ok,
                        long err, int maxUsed, long queries, long bytesSent, long bytesReceived, long latencyUs,
                        int waiting, long queueTimeouts) {
}
