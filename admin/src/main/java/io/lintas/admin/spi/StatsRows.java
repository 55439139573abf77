package io.lintas.admin.spi;

/** Row types of the stats and monitor tables; each mirrors ProxySQL's columns of the same table. */
public final class StatsRows {
    private StatsRows() {}

    /** {@code stats_mysql_connection_pool}: one node in one hostgroup. */
    public record ConnectionPool(int hostgroup, String srvHost, int srvPort, String status, long connUsed,
                                 long connFree, long connOk, long connErr, long maxConnUsed, long queries,
                                 long bytesDataSent, long bytesDataRecv, long latencyUs) {}

    /**
     * {@code stats_mysql_query_digest}: one digest per hostgroup, schema, user and client address.
     *
     * @param digest    {@code 0x} + 16 hex digits
     * @param firstSeen epoch seconds
     * @param sumTimeUs total execution time in microseconds
     */
    public record QueryDigest(int hostgroup, String schemaname, String username, String clientAddress, String digest,
                              String digestText, long countStar, long firstSeen, long lastSeen, long sumTimeUs,
                              long minTimeUs, long maxTimeUs, long sumRowsAffected, long sumRowsSent) {}

    /** {@code stats_mysql_query_rules}: how often a rule matched. */
    public record RuleHits(int ruleId, long hits) {}

    /**
     * {@code stats_mysql_commands_counters}: one statement type, with a latency histogram in ProxySQL's buckets
     * (each {@code cnt_*} counts statements that took at most that long and more than the previous bucket).
     *
     * @param buckets 12 counts, for cnt_100us, cnt_500us, cnt_1ms, cnt_5ms, cnt_10ms, cnt_50ms, cnt_100ms,
     *                cnt_500ms, cnt_1s, cnt_5s, cnt_10s and cnt_INFs (over 10 s), in that order
     */
    public record CommandCounter(String command, long totalTimeUs, long totalCount, long[] buckets) {
        /** Number of latency buckets, as in ProxySQL. */
        public static final int BUCKETS = 12;

        /** Checks the bucket count and copies the array. */
        public CommandCounter {
            if (buckets.length != BUCKETS) {
                throw new IllegalArgumentException("expected " + BUCKETS + " buckets, got " + buckets.length);
            }
            buckets = buckets.clone();
        }
    }

    /** {@code stats_mysql_processlist}: one client session. */
    public record Process(long threadId, long sessionId, String user, String db, String cliHost, int cliPort,
                          int hostgroup, String lSrvHost, int lSrvPort, String srvHost, int srvPort, String command,
                          long timeMs, String info) {}

    /** {@code stats_mysql_global}: one global counter or gauge. */
    public record GlobalStatus(String name, String value) {}

    /**
     * {@code monitor.mysql_server_galera_log}: one Galera health check.
     *
     * @param timeStartUs epoch microseconds when the check started
     * @param successTimeUs check duration in microseconds, 0 when it failed
     */
    public record GaleraCheck(String hostname, int port, long timeStartUs, long successTimeUs,
                              boolean primaryPartition, boolean readOnly, long wsrepLocalRecvQueue,
                              int wsrepLocalState, boolean wsrepDesync, boolean wsrepRejectQueries,
                              boolean wsrepSstDonorRejectsQueries, String error) {}

    /** {@code monitor.mysql_server_ping_log}: one ping of a node (0 µs and an error when it failed). */
    public record Ping(String hostname, int port, long timeStartUs, long pingSuccessTimeUs, String pingError) {}
}
