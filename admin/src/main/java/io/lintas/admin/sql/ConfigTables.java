package io.lintas.admin.sql;

import io.lintas.admin.spi.GaleraHostgroupRow;
import io.lintas.admin.spi.InvalidConfigException;
import io.lintas.admin.spi.QueryRuleRow;
import io.lintas.admin.spi.RuntimeConfigRows;
import io.lintas.admin.spi.ServerRow;
import io.lintas.admin.spi.UserRow;
import io.lintas.admin.spi.VariableRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Converts between the configuration tables and {@link RuntimeConfigRows}. A table is either the memory table
 * ({@code mysql_servers}) or its runtime twin ({@code runtime_mysql_servers}), chosen by a prefix.
 *
 * <p>ProxySQL columns that Lintas does not act on are kept in the tables so that existing scripts still insert
 * fine, but a row that sets one of them to anything but its default is refused on the way to the runtime, so a
 * setting is never silently ignored.
 */
final class ConfigTables {
    private ConfigTables() {}

    /** Prefix of the runtime twins. */
    static final String RUNTIME = "runtime_";

    private static final Map<String, Object> UNSUPPORTED_SERVER_COLUMNS = Map.of(
        "gtid_port", 0, "compression", 0, "max_replication_lag", 0, "max_latency_ms", 0);
    private static final Map<String, Object> UNSUPPORTED_USER_COLUMNS = Map.of(
        "use_ssl", 0, "schema_locked", 0, "fast_forward", 0, "backend", 1, "frontend", 1, "attributes", "");
    /** Query-rule columns Lintas does not act on; null means the column must be NULL. */
    private static final List<String> UNSUPPORTED_RULE_COLUMNS = List.of("client_addr", "proxy_addr", "proxy_port",
        "flagOUT", "replace_pattern", "cache_ttl", "cache_empty_result", "cache_timeout", "reconnect",
        "retries", "delay", "next_query_flagIN", "mirror_flagOUT", "mirror_hostgroup", "OK_msg", "sticky_conn",
        "multiplex", "gtid_from_hostgroup", "log");

    /** Reads the tables of {@code module} (with table prefix {@code prefix}) into {@code base}. */
    static RuntimeConfigRows read(Connection c, String prefix, ConfigModule module, RuntimeConfigRows base)
            throws SQLException, InvalidConfigException {
        return switch (module) {
            case SERVERS -> base.withServers(readServers(c, prefix), readGalera(c, prefix));
            case USERS -> base.withUsers(readUsers(c, prefix));
            case QUERY_RULES -> base.withQueryRules(readRules(c, prefix));
            case VARIABLES -> base.withVariables(readVariables(c, prefix));
        };
    }

    /** Replaces the content of the tables of {@code module} (with {@code prefix}) by the rows of {@code config}. */
    static void write(Connection c, String prefix, ConfigModule module, RuntimeConfigRows config) throws SQLException {
        switch (module) {
            case SERVERS -> {
                writeServers(c, prefix, config.servers());
                writeGalera(c, prefix, config.galeraHostgroups());
            }
            case USERS -> writeUsers(c, prefix, config.users());
            case QUERY_RULES -> writeRules(c, prefix, config.queryRules());
            case VARIABLES -> writeVariables(c, prefix, config.variables());
        }
    }

    /** Replaces every configuration table with that prefix. */
    static void writeAll(Connection c, String prefix, RuntimeConfigRows config) throws SQLException {
        for (ConfigModule m : ConfigModule.values()) {
            write(c, prefix, m, config);
        }
    }

    // ---- mysql_servers -----------------------------------------------------------------------------------

    private static List<ServerRow> readServers(Connection c, String prefix) throws SQLException, InvalidConfigException {
        String table = prefix + "mysql_servers";
        List<ServerRow> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + AdminSchema.MAIN + "." + table
                 + " ORDER BY hostgroup_id, hostname, port")) {
            while (rs.next()) {
                String where = table + " row (hostgroup_id=" + rs.getInt("hostgroup_id") + ", hostname='"
                    + rs.getString("hostname") + "', port=" + rs.getInt("port") + ")";
                checkUnsupported(rs, UNSUPPORTED_SERVER_COLUMNS, where);
                rows.add(new ServerRow(rs.getInt("hostgroup_id"), rs.getString("hostname"), rs.getInt("port"),
                    rs.getString("status").toUpperCase(Locale.ROOT), rs.getInt("weight"), rs.getInt("max_connections"),
                    rs.getString("comment"), rs.getInt("use_ssl") != 0));
            }
        }
        return rows;
    }

    private static void writeServers(Connection c, String prefix, List<ServerRow> rows) throws SQLException {
        String table = AdminSchema.MAIN + "." + prefix + "mysql_servers";
        clear(c, table);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (hostgroup_id, hostname, port, status, weight, max_connections, comment, use_ssl) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ServerRow r : rows) {
                ps.setInt(1, r.hostgroupId());
                ps.setString(2, r.hostname());
                ps.setInt(3, r.port());
                ps.setString(4, r.status());
                ps.setInt(5, r.weight());
                ps.setInt(6, r.maxConnections());
                ps.setString(7, r.comment());
                ps.setInt(8, r.useSsl() ? 1 : 0);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ---- mysql_galera_hostgroups -------------------------------------------------------------------------

    private static List<GaleraHostgroupRow> readGalera(Connection c, String prefix) throws SQLException {
        List<GaleraHostgroupRow> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + AdminSchema.MAIN + "." + prefix
                 + "mysql_galera_hostgroups ORDER BY writer_hostgroup")) {
            while (rs.next()) {
                rows.add(new GaleraHostgroupRow(rs.getInt("writer_hostgroup"), rs.getInt("backup_writer_hostgroup"),
                    rs.getInt("reader_hostgroup"), rs.getInt("offline_hostgroup"), rs.getInt("active") == 1,
                    rs.getInt("max_writers"), rs.getInt("writer_is_also_reader"), rs.getInt("max_transactions_behind"),
                    rs.getString("comment")));
            }
        }
        return rows;
    }

    private static void writeGalera(Connection c, String prefix, List<GaleraHostgroupRow> rows) throws SQLException {
        String table = AdminSchema.MAIN + "." + prefix + "mysql_galera_hostgroups";
        clear(c, table);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (writer_hostgroup, backup_writer_hostgroup,"
                + " reader_hostgroup, offline_hostgroup, active, max_writers, writer_is_also_reader, max_transactions_behind,"
                + " comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (GaleraHostgroupRow r : rows) {
                ps.setInt(1, r.writerHostgroup());
                ps.setInt(2, r.backupWriterHostgroup());
                ps.setInt(3, r.readerHostgroup());
                ps.setInt(4, r.offlineHostgroup());
                ps.setInt(5, r.active() ? 1 : 0);
                ps.setInt(6, r.maxWriters());
                ps.setInt(7, r.writerIsAlsoReader());
                ps.setInt(8, r.maxTransactionsBehind());
                ps.setString(9, r.comment());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ---- mysql_users -------------------------------------------------------------------------------------

    private static List<UserRow> readUsers(Connection c, String prefix) throws SQLException, InvalidConfigException {
        String table = prefix + "mysql_users";
        List<UserRow> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + AdminSchema.MAIN + "." + table + " ORDER BY username")) {
            while (rs.next()) {
                checkUnsupported(rs, UNSUPPORTED_USER_COLUMNS, table + " row (username='" + rs.getString("username") + "')");
                rows.add(new UserRow(rs.getString("username"), PasswordHashTrigger.toStoredForm(rs.getString("password")),
                    rs.getInt("active") == 1, rs.getInt("default_hostgroup"), rs.getString("default_schema"),
                    rs.getInt("transaction_persistent") == 1, rs.getInt("max_connections"), rs.getString("comment")));
            }
        }
        return rows;
    }

    private static void writeUsers(Connection c, String prefix, List<UserRow> rows) throws SQLException {
        String table = AdminSchema.MAIN + "." + prefix + "mysql_users";
        clear(c, table);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (username, password, active,"
                + " default_hostgroup, default_schema, transaction_persistent, max_connections, comment)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (UserRow r : rows) {
                ps.setString(1, r.username());
                ps.setString(2, r.passwordHash());
                ps.setInt(3, r.active() ? 1 : 0);
                ps.setInt(4, r.defaultHostgroup());
                ps.setString(5, r.defaultSchema());
                ps.setInt(6, r.transactionPersistent() ? 1 : 0);
                ps.setInt(7, r.maxConnections());
                ps.setString(8, r.comment());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ---- mysql_query_rules -------------------------------------------------------------------------------

    private static List<QueryRuleRow> readRules(Connection c, String prefix) throws SQLException, InvalidConfigException {
        String table = prefix + "mysql_query_rules";
        List<QueryRuleRow> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + AdminSchema.MAIN + "." + table + " ORDER BY rule_id")) {
            while (rs.next()) {
                String where = table + " row (rule_id=" + rs.getInt("rule_id") + ")";
                for (String col : UNSUPPORTED_RULE_COLUMNS) {
                    Object v = rs.getObject(col);
                    if (v != null) {
                        throw unsupported(where, col, v);
                    }
                }
                if (rs.getInt("flagIN") != 0) {
                    throw unsupported(where, "flagIN", rs.getInt("flagIN"));
                }
                if (!rs.getString("attributes").isEmpty()) {
                    throw unsupported(where, "attributes", rs.getString("attributes"));
                }
                int dest = rs.getInt("destination_hostgroup");
                Integer destination = rs.wasNull() ? null : dest;
                int timeoutMs = rs.getInt("timeout");
                Integer timeout = rs.wasNull() ? null : timeoutMs;
                rows.add(new QueryRuleRow(rs.getInt("rule_id"), rs.getInt("active") == 1, rs.getString("username"),
                    rs.getString("schemaname"), rs.getString("digest"), rs.getString("match_digest"),
                    rs.getString("match_pattern"), rs.getInt("negate_match_pattern") == 1, rs.getString("re_modifiers"),
                    destination, rs.getString("error_msg"), rs.getInt("apply") == 1, rs.getString("comment"), timeout));
            }
        }
        return rows;
    }

    private static void writeRules(Connection c, String prefix, List<QueryRuleRow> rows) throws SQLException {
        String table = AdminSchema.MAIN + "." + prefix + "mysql_query_rules";
        clear(c, table);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (rule_id, active, username, schemaname,"
                + " digest, match_digest, match_pattern, negate_match_pattern, re_modifiers, destination_hostgroup, error_msg,"
                + " apply, comment, timeout) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (QueryRuleRow r : rows) {
                ps.setInt(1, r.ruleId());
                ps.setInt(2, r.active() ? 1 : 0);
                ps.setString(3, r.username());
                ps.setString(4, r.schemaname());
                ps.setString(5, r.digest());
                ps.setString(6, r.matchDigest());
                ps.setString(7, r.matchPattern());
                ps.setInt(8, r.negateMatchPattern() ? 1 : 0);
                ps.setString(9, r.reModifiers());
                if (r.destinationHostgroup() == null) {
                    ps.setNull(10, Types.INTEGER);
                } else {
                    ps.setInt(10, r.destinationHostgroup());
                }
                ps.setString(11, r.errorMsg());
                ps.setInt(12, r.apply() ? 1 : 0);
                ps.setString(13, r.comment());
                if (r.timeout() == null) {
                    ps.setNull(14, Types.INTEGER);
                } else {
                    ps.setInt(14, r.timeout());
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ---- global_variables --------------------------------------------------------------------------------

    private static List<VariableRow> readVariables(Connection c, String prefix) throws SQLException {
        List<VariableRow> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT variable_name, variable_value FROM " + AdminSchema.MAIN + "." + prefix
                 + "global_variables ORDER BY variable_name")) {
            while (rs.next()) {
                rows.add(new VariableRow(rs.getString(1), rs.getString(2)));
            }
        }
        return rows;
    }

    private static void writeVariables(Connection c, String prefix, List<VariableRow> rows) throws SQLException {
        String table = AdminSchema.MAIN + "." + prefix + "global_variables";
        clear(c, table);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (variable_name, variable_value) VALUES (?, ?)")) {
            for (VariableRow r : rows) {
                ps.setString(1, r.name());
                ps.setString(2, r.value());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static void clear(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + table);
        }
    }

    private static void checkUnsupported(ResultSet rs, Map<String, Object> defaults, String where)
            throws SQLException, InvalidConfigException {
        for (Map.Entry<String, Object> e : defaults.entrySet()) {
            Object v = rs.getObject(e.getKey());
            Object expected = e.getValue();
            boolean same = expected instanceof Integer i ? v instanceof Number n && n.intValue() == i : Objects.equals(expected, v);
            if (!same) {
                throw unsupported(where, e.getKey(), v);
            }
        }
    }

    private static InvalidConfigException unsupported(String where, String column, Object value) {
        return new InvalidConfigException(where + ": " + column + "=" + value
            + " is not supported by Lintas (leave it at its default)");
    }
}
