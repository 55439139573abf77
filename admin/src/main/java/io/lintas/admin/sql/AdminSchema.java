package io.lintas.admin.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin tables, with ProxySQL's names and columns (ProxySQL 2.x definitions, translated from SQLite to H2:
 * mixed-case column names are quoted so that they print as ProxySQL prints them, and SQLite-only checks such
 * as JSON_VALID are left out). Configuration tables and their {@code runtime_} twins live in schema
 * {@code main}, statistics in {@code stats}, monitor logs in {@code monitor}; the search path covers all three so
 * that unqualified names work as they do in ProxySQL.
 */
public final class AdminSchema {
    private AdminSchema() {}

    /** Schema of the configuration tables. */
    public static final String MAIN = "main";
    /** Schema of the statistics tables. */
    public static final String STATS = "stats";
    /** Schema of the monitor logs. */
    public static final String MONITOR = "monitor";
    /** Longest an admin statement may run in H2 before it is cancelled. */
    static final int QUERY_TIMEOUT_MS = 30_000;
    /** Schemas shown by SHOW DATABASES, in ProxySQL's order. */
    public static final List<String> SCHEMAS = List.of(MAIN, STATS, MONITOR);

    static final String MYSQL_SERVERS_COLUMNS = "(hostgroup_id INT CHECK (hostgroup_id>=0) NOT NULL DEFAULT 0,"
        + " hostname VARCHAR NOT NULL,"
        + " port INT CHECK (port >= 0 AND port <= 65535) NOT NULL DEFAULT 3306,"
        + " gtid_port INT CHECK ((gtid_port <> port OR gtid_port=0) AND gtid_port >= 0 AND gtid_port <= 65535) NOT NULL DEFAULT 0,"
        + " status VARCHAR CHECK (UPPER(status) IN ('ONLINE','SHUNNED','OFFLINE_SOFT','OFFLINE_HARD')) NOT NULL DEFAULT 'ONLINE',"
        + " weight INT CHECK (weight >= 0 AND weight <= 10000000) NOT NULL DEFAULT 1,"
        + " compression INT CHECK (compression IN (0,1)) NOT NULL DEFAULT 0,"
        + " max_connections INT CHECK (max_connections >= 0) NOT NULL DEFAULT 1000,"
        + " max_replication_lag INT CHECK (max_replication_lag >= 0 AND max_replication_lag <= 126144000) NOT NULL DEFAULT 0,"
        + " use_ssl INT CHECK (use_ssl IN (0,1)) NOT NULL DEFAULT 0,"
        + " max_latency_ms INT CHECK (max_latency_ms >= 0) NOT NULL DEFAULT 0,"
        + " comment VARCHAR NOT NULL DEFAULT '',"
        + " PRIMARY KEY (hostgroup_id, hostname, port))";

    static final String MYSQL_USERS_COLUMNS = "(username VARCHAR NOT NULL,"
        + " password VARCHAR,"
        + " active INT CHECK (active IN (0,1)) NOT NULL DEFAULT 1,"
        + " use_ssl INT CHECK (use_ssl IN (0,1)) NOT NULL DEFAULT 0,"
        + " default_hostgroup INT NOT NULL DEFAULT 0,"
        + " default_schema VARCHAR,"
        + " schema_locked INT CHECK (schema_locked IN (0,1)) NOT NULL DEFAULT 0,"
        + " transaction_persistent INT CHECK (transaction_persistent IN (0,1)) NOT NULL DEFAULT 1,"
        + " fast_forward INT CHECK (fast_forward IN (0,1)) NOT NULL DEFAULT 0,"
        + " backend INT CHECK (backend IN (0,1)) NOT NULL DEFAULT 1,"
        + " frontend INT CHECK (frontend IN (0,1)) NOT NULL DEFAULT 1,"
        + " max_connections INT CHECK (max_connections >= 0) NOT NULL DEFAULT 10000,"
        + " attributes VARCHAR NOT NULL DEFAULT '',"
        + " comment VARCHAR NOT NULL DEFAULT '',"
        + " PRIMARY KEY (username, backend), UNIQUE (username, frontend))";

    static final String MYSQL_QUERY_RULES_COLUMNS = "(rule_id INT AUTO_INCREMENT NOT NULL PRIMARY KEY,"
        + " active INT CHECK (active IN (0,1)) NOT NULL DEFAULT 0,"
        + " username VARCHAR, schemaname VARCHAR,"
        + " \"flagIN\" INT CHECK (\"flagIN\" >= 0) NOT NULL DEFAULT 0,"
        + " client_addr VARCHAR, proxy_addr VARCHAR,"
        + " proxy_port INT CHECK (proxy_port >= 0 AND proxy_port <= 65535),"
        + " digest VARCHAR, match_digest VARCHAR, match_pattern VARCHAR,"
        + " negate_match_pattern INT CHECK (negate_match_pattern IN (0,1)) NOT NULL DEFAULT 0,"
        + " re_modifiers VARCHAR DEFAULT 'CASELESS',"
        + " \"flagOUT\" INT CHECK (\"flagOUT\" >= 0),"
        + " replace_pattern VARCHAR CHECK (replace_pattern IS NULL OR match_pattern IS NOT NULL),"
        + " destination_hostgroup INT DEFAULT NULL,"
        + " cache_ttl INT CHECK (cache_ttl > 0),"
        + " cache_empty_result INT CHECK (cache_empty_result IN (0,1)) DEFAULT NULL,"
        + " cache_timeout INT CHECK (cache_timeout >= 0),"
        + " reconnect INT CHECK (reconnect IN (0,1)) DEFAULT NULL,"
        + " timeout INT CHECK (timeout >= 0),"
        + " retries INT CHECK (retries >= 0 AND retries <= 1000),"
        + " delay INT CHECK (delay >= 0),"
        + " \"next_query_flagIN\" INT,"
        + " \"mirror_flagOUT\" INT,"
        + " mirror_hostgroup INT,"
        + " error_msg VARCHAR,"
        + " \"OK_msg\" VARCHAR,"
        + " sticky_conn INT CHECK (sticky_conn IN (0,1)),"
        + " multiplex INT CHECK (multiplex IN (0,1,2)),"
        + " gtid_from_hostgroup INT,"
        + " log INT CHECK (log IN (0,1)),"
        + " apply INT CHECK (apply IN (0,1)) NOT NULL DEFAULT 0,"
        + " attributes VARCHAR NOT NULL DEFAULT '',"
        + " comment VARCHAR)";

    static final String MYSQL_GALERA_HOSTGROUPS_COLUMNS = "(writer_hostgroup INT CHECK (writer_hostgroup >= 0) NOT NULL PRIMARY KEY,"
        + " backup_writer_hostgroup INT CHECK (backup_writer_hostgroup >= 0 AND backup_writer_hostgroup <> writer_hostgroup) NOT NULL,"
        + " reader_hostgroup INT NOT NULL CHECK (reader_hostgroup <> writer_hostgroup AND backup_writer_hostgroup <> reader_hostgroup AND reader_hostgroup > 0),"
        + " offline_hostgroup INT NOT NULL CHECK (offline_hostgroup <> writer_hostgroup AND offline_hostgroup <> reader_hostgroup AND backup_writer_hostgroup <> offline_hostgroup AND offline_hostgroup >= 0),"
        + " active INT CHECK (active IN (0,1)) NOT NULL DEFAULT 1,"
        + " max_writers INT NOT NULL CHECK (max_writers >= 0) DEFAULT 1,"
        + " writer_is_also_reader INT CHECK (writer_is_also_reader IN (0,1,2)) NOT NULL DEFAULT 0,"
        + " max_transactions_behind INT CHECK (max_transactions_behind >= 0) NOT NULL DEFAULT 0,"
        + " comment VARCHAR,"
        + " UNIQUE (reader_hostgroup), UNIQUE (offline_hostgroup), UNIQUE (backup_writer_hostgroup))";

    static final String GLOBAL_VARIABLES_COLUMNS = "(variable_name VARCHAR NOT NULL PRIMARY KEY, variable_value VARCHAR NOT NULL)";

    /** Configuration tables (each also exists as {@code runtime_NAME}), by name, with their column definitions. */
    static final Map<String, String> CONFIG_TABLES = orderedMap(
        "mysql_servers", MYSQL_SERVERS_COLUMNS,
        "mysql_users", MYSQL_USERS_COLUMNS,
        "mysql_query_rules", MYSQL_QUERY_RULES_COLUMNS,
        "mysql_galera_hostgroups", MYSQL_GALERA_HOSTGROUPS_COLUMNS,
        "global_variables", GLOBAL_VARIABLES_COLUMNS);

    private static final String DIGEST_COLUMNS = "(hostgroup INT, schemaname VARCHAR NOT NULL, username VARCHAR NOT NULL,"
        + " client_address VARCHAR NOT NULL, digest VARCHAR NOT NULL, digest_text VARCHAR NOT NULL,"
        + " count_star BIGINT NOT NULL, first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL, sum_time BIGINT NOT NULL,"
        + " min_time BIGINT NOT NULL, max_time BIGINT NOT NULL, sum_rows_affected BIGINT NOT NULL, sum_rows_sent BIGINT NOT NULL)";

    /** Statistics tables in schema {@code stats}. Primary keys are left out: they are snapshots, never edited. */
    static final Map<String, String> STATS_TABLES = orderedMap(
        "stats_mysql_connection_pool", "(hostgroup INT, srv_host VARCHAR, srv_port INT, status VARCHAR,"
            + " \"ConnUsed\" BIGINT, \"ConnFree\" BIGINT, \"ConnOK\" BIGINT, \"ConnERR\" BIGINT, \"MaxConnUsed\" BIGINT,"
            + " \"Queries\" BIGINT, \"Queries_GTID_sync\" BIGINT, \"Bytes_data_sent\" BIGINT, \"Bytes_data_recv\" BIGINT,"
            + " \"Latency_us\" BIGINT)",
        "stats_mysql_query_digest", DIGEST_COLUMNS,
        "stats_mysql_query_digest_reset", DIGEST_COLUMNS,
        "stats_mysql_query_rules", "(rule_id INT PRIMARY KEY, hits BIGINT NOT NULL)",
        "stats_mysql_commands_counters", "(\"Command\" VARCHAR NOT NULL PRIMARY KEY, \"Total_Time_us\" BIGINT NOT NULL,"
            + " \"Total_cnt\" BIGINT NOT NULL, cnt_100us BIGINT NOT NULL, cnt_500us BIGINT NOT NULL, cnt_1ms BIGINT NOT NULL,"
            + " cnt_5ms BIGINT NOT NULL, cnt_10ms BIGINT NOT NULL, cnt_50ms BIGINT NOT NULL, cnt_100ms BIGINT NOT NULL,"
            + " cnt_500ms BIGINT NOT NULL, cnt_1s BIGINT NOT NULL, cnt_5s BIGINT NOT NULL, cnt_10s BIGINT NOT NULL,"
            + " \"cnt_INFs\" BIGINT NOT NULL)",
        "stats_mysql_processlist", "(\"ThreadID\" BIGINT NOT NULL, \"SessionID\" BIGINT, user VARCHAR, db VARCHAR,"
            + " cli_host VARCHAR, cli_port INT, hostgroup INT, l_srv_host VARCHAR, l_srv_port INT, srv_host VARCHAR,"
            + " srv_port INT, command VARCHAR, time_ms BIGINT NOT NULL, info VARCHAR, status_flags INT, extended_info VARCHAR)",
        "stats_mysql_global", "(\"Variable_Name\" VARCHAR NOT NULL PRIMARY KEY, \"Variable_Value\" VARCHAR NOT NULL)");

    /** Monitor logs in schema {@code monitor}. */
    static final Map<String, String> MONITOR_TABLES = orderedMap(
        "mysql_server_galera_log", "(hostname VARCHAR NOT NULL, port INT NOT NULL, time_start_us BIGINT NOT NULL DEFAULT 0,"
            + " success_time_us BIGINT DEFAULT 0, primary_partition VARCHAR NOT NULL DEFAULT 'NO',"
            + " read_only VARCHAR NOT NULL DEFAULT 'YES', wsrep_local_recv_queue BIGINT DEFAULT 0,"
            + " wsrep_local_state INT DEFAULT 0, wsrep_desync VARCHAR NOT NULL DEFAULT 'NO',"
            + " wsrep_reject_queries VARCHAR NOT NULL DEFAULT 'NO', wsrep_sst_donor_rejects_queries VARCHAR NOT NULL DEFAULT 'NO',"
            + " pxc_maint_mode VARCHAR NOT NULL DEFAULT 'NO', error VARCHAR)",
        "mysql_server_ping_log", "(hostname VARCHAR NOT NULL, port INT NOT NULL, time_start_us BIGINT NOT NULL DEFAULT 0,"
            + " ping_success_time_us BIGINT DEFAULT 0, ping_error VARCHAR)");

    /** Creates every schema and table, and the trigger that hashes clear passwords in {@code mysql_users}. */
    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String schema : SCHEMAS) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            }
            for (Map.Entry<String, String> t : CONFIG_TABLES.entrySet()) {
                s.execute("CREATE TABLE " + MAIN + "." + t.getKey() + " " + forH2(t.getValue()));
                s.execute("CREATE TABLE " + MAIN + ".runtime_" + t.getKey() + " " + forH2(t.getValue()));
            }
            for (String users : List.of("mysql_users", "runtime_mysql_users")) {
                s.execute("CREATE TRIGGER " + MAIN + "." + users + "_hash_password BEFORE INSERT, UPDATE ON " + MAIN + "."
                    + users + " FOR EACH ROW CALL \"" + PasswordHashTrigger.class.getName() + "\"");
            }
            for (Map.Entry<String, String> t : STATS_TABLES.entrySet()) {
                s.execute("CREATE TABLE " + STATS + "." + t.getKey() + " " + forH2(t.getValue()));
            }
            for (Map.Entry<String, String> t : MONITOR_TABLES.entrySet()) {
                s.execute("CREATE TABLE " + MONITOR + "." + t.getKey() + " " + forH2(t.getValue()));
            }
            s.execute("SET SCHEMA " + MAIN);
            s.execute("SET SCHEMA_SEARCH_PATH " + String.join(", ", SCHEMAS));
            // One SQL thread serves every admin connection: a runaway query must not hold it for long.
            s.execute("SET QUERY_TIMEOUT " + QUERY_TIMEOUT_MS);
        }
    }

    private static final java.util.regex.Pattern DEFAULT_CLAUSE =
        java.util.regex.Pattern.compile("\\s+DEFAULT\\s+('[^']*'|-?\\d+|NULL)", java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * ProxySQL (SQLite) writes {@code DEFAULT} anywhere in a column definition; H2 wants it right after the type.
     * The definitions above keep ProxySQL's order (SHOW CREATE TABLE prints them); this moves each DEFAULT.
     */
    static String forH2(String columns) {
        String body = columns.substring(1, columns.length() - 1);
        List<String> parts = new java.util.ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char ch = body.charAt(i);
            if (ch == '\'') {
                quoted = !quoted;
            } else if (!quoted && ch == '(') {
                depth++;
            } else if (!quoted && ch == ')') {
                depth--;
            } else if (!quoted && depth == 0 && ch == ',') {
                parts.add(body.substring(start, i).trim());
                start = i + 1;
            }
        }
        parts.add(body.substring(start).trim());
        List<String> out = new java.util.ArrayList<>();
        for (String part : parts) {
            java.util.regex.Matcher m = DEFAULT_CLAUSE.matcher(part);
            if (m.find()) {
                String without = part.substring(0, m.start()) + part.substring(m.end());
                String[] words = without.split("\\s+", 3);
                part = words[0] + " " + words[1] + " DEFAULT " + m.group(1) + (words.length > 2 ? " " + words[2] : "");
            }
            out.add(part);
        }
        return "(" + String.join(", ", out) + ")";
    }

    /** The CREATE TABLE text of an admin table (for SHOW CREATE TABLE), or null when there is none. */
    static String createStatement(String table) {
        String name = table.toLowerCase(java.util.Locale.ROOT);
        int dot = name.indexOf('.');
        if (dot >= 0) {
            name = name.substring(dot + 1);
        }
        String base = name.startsWith("runtime_") ? name.substring("runtime_".length()) : name;
        String cols = CONFIG_TABLES.get(base);
        if (cols == null) {
            cols = STATS_TABLES.get(name);
        }
        if (cols == null) {
            cols = MONITOR_TABLES.get(name);
        }
        return cols == null ? null : "CREATE TABLE " + name + " " + cols;
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
