package io.lintas.admin.spi;

import java.io.IOException;
import java.util.List;

/**
 * What the admin interface needs from the running proxy. The proxy implements it; every method is called on the
 * admin's own SQL thread (never on a client event loop), one call at a time, so implementations may block
 * briefly but must be thread-safe with respect to the proxy's own threads.
 */
public interface AdminRuntime {

    /**
     * The configuration in force, as it was applied: a server's {@code status} is the configured one, not the
     * monitor's verdict (that one belongs in {@link #connectionPool()}), so that {@code SAVE … TO MEMORY} and
     * {@code SAVE … TO DISK} never persist a node as OFFLINE_HARD just because it was down at that moment.
     */
    RuntimeConfigRows runtimeConfig();

    /**
     * Validates {@code config} as a whole and, when valid, makes it the running configuration without dropping
     * client connections. When invalid, throws and changes nothing.
     */
    void apply(RuntimeConfigRows config) throws InvalidConfigException;

    /** Reads the configuration file (what {@code LOAD … FROM DISK} copies into memory). */
    RuntimeConfigRows loadFromDisk() throws IOException, InvalidConfigException;

    /**
     * Writes {@code config} to the configuration file atomically, keeping the previous file as a backup
     * (see {@link io.lintas.admin.AtomicFileWriter}); throws when the rows cannot be expressed in the file.
     */
    void saveToDisk(RuntimeConfigRows config) throws IOException, InvalidConfigException;

    /** {@code stats_mysql_connection_pool}. */
    List<StatsRows.ConnectionPool> connectionPool();

    /** {@code stats_mysql_query_digest}; with {@code reset} the counters restart from zero after the read. */
    List<StatsRows.QueryDigest> queryDigests(boolean reset);

    /** {@code stats_mysql_query_rules}. */
    List<StatsRows.RuleHits> ruleHits();

    /** {@code stats_mysql_commands_counters}. */
    List<StatsRows.CommandCounter> commandCounters();

    /** {@code stats_mysql_processlist}. */
    List<StatsRows.Process> processList();

    /** {@code stats_mysql_global}. */
    List<StatsRows.GlobalStatus> globalStatus();

    /** {@code monitor.mysql_server_galera_log}, oldest first. */
    List<StatsRows.GaleraCheck> galeraLog();

    /** {@code monitor.mysql_server_ping_log}, oldest first. */
    List<StatsRows.Ping> pingLog();

    /**
     * Kills a client session ({@code queryOnly=false}) or only the statement it runs on its node
     * ({@code queryOnly=true}).
     *
     * @return false when no session has that id
     */
    boolean kill(long connectionId, boolean queryOnly);
}
