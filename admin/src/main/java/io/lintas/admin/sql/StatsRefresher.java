package io.lintas.admin.sql;

import io.lintas.admin.spi.AdminRuntime;
import io.lintas.admin.spi.StatsRows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Refreshes the runtime, stats and monitor tables from the running proxy just before a statement that names
 * them, as ProxySQL does: the tables are snapshots taken on demand, so nothing is copied while nobody looks.
 */
final class StatsRefresher {
    private final AdminRuntime runtime;

    StatsRefresher(AdminRuntime runtime) {
        this.runtime = runtime;
    }

    /** Refreshes every table that {@code sql} names. */
    void refreshFor(Connection c, String sql) throws SQLException {
        String text = sql.toLowerCase(Locale.ROOT);
        if (names(text, "runtime_[a-z_]+")) {
            ConfigTables.writeAll(c, ConfigTables.RUNTIME, runtime.runtimeConfig());
        }
        if (names(text, "stats_mysql_connection_pool")) {
            fillConnectionPool(c);
        }
        // _reset resets the counters, so it is read only when named; reading it also refreshes the plain table.
        if (names(text, "stats_mysql_query_digest_reset")) {
            List<StatsRows.QueryDigest> rows = runtime.queryDigests(true);
            fillDigests(c, "stats_mysql_query_digest_reset", rows);
            fillDigests(c, "stats_mysql_query_digest", rows);
        } else if (names(text, "stats_mysql_query_digest")) {
            fillDigests(c, "stats_mysql_query_digest", runtime.queryDigests(false));
        }
        if (names(text, "stats_mysql_query_rules")) {
            fillRuleHits(c);
        }
        if (names(text, "stats_mysql_commands_counters")) {
            fillCommandCounters(c);
        }
        if (names(text, "stats_mysql_processlist")) {
            fillProcessList(c);
        }
        if (names(text, "stats_mysql_global")) {
            fillGlobal(c);
        }
        if (names(text, "mysql_server_galera_log")) {
            fillGaleraLog(c);
        }
        if (names(text, "mysql_server_ping_log")) {
            fillPingLog(c);
        }
    }

    private static boolean names(String text, String table) {
        // A table name is a whole identifier: stats_mysql_query_digest must not match inside ..._digest_reset.
        return Pattern.compile("(?<![a-z0-9_$])" + table + "(?![a-z0-9_$])").matcher(text).find();
    }

    private void fillConnectionPool(Connection c) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (StatsRows.ConnectionPool r : runtime.connectionPool()) {
            rows.add(new Object[] {r.hostgroup(), r.srvHost(), r.srvPort(), r.status(), r.connUsed(), r.connFree(),
                r.connOk(), r.connErr(), r.maxConnUsed(), r.queries(), 0L, r.bytesDataSent(), r.bytesDataRecv(), r.latencyUs()});
        }
        replace(c, AdminSchema.STATS + ".stats_mysql_connection_pool", 14, rows);
    }

    private static void fillDigests(Connection c, String table, List<StatsRows.QueryDigest> digests) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (StatsRows.QueryDigest r : digests) {
            rows.add(new Object[] {r.hostgroup(), r.schemaname(), r.username(), r.clientAddress(), r.digest(),
                r.digestText(), r.countStar(), r.firstSeen(), r.lastSeen(), r.sumTimeUs(), r.minTimeUs(), r.maxTimeUs(),
                r.sumRowsAffected(), r.sumRowsSent()});
        }
        replace(c, AdminSchema.STATS + "." + table, 14, rows);
    }

    private void fillRuleHits(Connection c) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (StatsRows.RuleHits r : runtime.ruleHits()) {
            rows.add(new Object[] {r.ruleId(), r.hits()});
        }
        replace(c, AdminSchema.STATS + ".stats_mysql_query_rules", 2, rows);
    }

    private void fillCommandCounters(Connection c) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (StatsRows.CommandCounter r : runtime.commandCounters()) {
            Object[] row = new Object[3 + StatsRows.CommandCounter.BUCKETS];
            row[0] = r.command();
            row[1] = r.totalTimeUs();
            row[2] = r.totalCount();
            long[] b = r.buckets();
            for (int i = 0; i < b.length; i++) {
                row[3 + i] = b[i];
            }
            rows.add(row);
        }
        replace(c, AdminSchema.STATS + ".stats_mysql_commands_counters", 3 + StatsRows.CommandCounter.BUCKETS, rows);
    }

    private void fillProcessList(Connection c) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (StatsRows.Process r : runtime.processList()) {
            rows.add(new Object[] {r.threadId(), r.sessionId(), r.user(), r.db(), r.cliHost(), r.cliPort(), r.hostgroup(),
                r.lSrvHost(), r.lSrvPort(), r.srvHost(), r.srvPort(), r.command(), r.timeMs(), r.info(), null, null});
        }
        replace(c, AdminSchema.STATS + ".stats_mysql_processlist", 16, rows);
    }

    private void fillGlobal(Connection c) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (StatsRows.GlobalStatus r : runtime.globalStatus()) {
            rows.add(new Object[] {r.name(), r.value()});
        }
        replace(c, AdminSchema.STATS + ".stats_mysql_global", 2, rows);
    }

    private void fillGaleraLog(Connection c) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (StatsRows.GaleraCheck r : runtime.galeraLog()) {
            rows.add(new Object[] {r.hostname(), r.port(), r.timeStartUs(), r.successTimeUs(), yesNo(r.primaryPartition()),
                yesNo(r.readOnly()), r.wsrepLocalRecvQueue(), r.wsrepLocalState(), yesNo(r.wsrepDesync()),
                yesNo(r.wsrepRejectQueries()), yesNo(r.wsrepSstDonorRejectsQueries()), "NO", r.error()});
        }
        replace(c, AdminSchema.MONITOR + ".mysql_server_galera_log", 13, rows);
    }

    private void fillPingLog(Connection c) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (StatsRows.Ping r : runtime.pingLog()) {
            rows.add(new Object[] {r.hostname(), r.port(), r.timeStartUs(), r.pingSuccessTimeUs(), r.pingError()});
        }
        replace(c, AdminSchema.MONITOR + ".mysql_server_ping_log", 5, rows);
    }

    private static String yesNo(boolean b) {
        return b ? "YES" : "NO";
    }

    private static void replace(Connection c, String table, int columns, List<Object[]> rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + table);
        }
        if (rows.isEmpty()) {
            return;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(columns, "?"));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (" + marks + ")")) {
            for (Object[] row : rows) {
                for (int i = 0; i < columns; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
