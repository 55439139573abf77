package io.lintas.admin.sql;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server variables clients read at connect time ({@code SELECT @@version_comment}, {@code @@max_allowed_packet},
 * {@code SHOW VARIABLES LIKE …}). They describe the admin interface itself, not the database nodes, and are fixed:
 * {@code SET} of them is accepted and ignored, as the admin connection has no session state worth keeping.
 */
public final class SessionVariables {
    /** Version announced in the greeting and in {@code @@version}. */
    public static final String VERSION = "5.5.30-lintas-admin";

    private static final Map<String, String> VALUES = build();

    private SessionVariables() {}

    private static Map<String, String> build() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("auto_increment_increment", "1");
        m.put("autocommit", "1");
        m.put("character_set_client", "utf8mb4");
        m.put("character_set_connection", "utf8mb4");
        m.put("character_set_database", "utf8mb4");
        m.put("character_set_results", "utf8mb4");
        m.put("character_set_server", "utf8mb4");
        m.put("character_set_system", "utf8");
        m.put("collation_connection", "utf8mb4_general_ci");
        m.put("collation_database", "utf8mb4_general_ci");
        m.put("collation_server", "utf8mb4_general_ci");
        m.put("init_connect", "");
        m.put("interactive_timeout", "28800");
        m.put("license", "GPL");
        m.put("lower_case_table_names", "0");
        m.put("max_allowed_packet", "67108864");
        m.put("net_buffer_length", "16384");
        m.put("net_write_timeout", "60");
        m.put("performance_schema", "0");
        m.put("query_cache_size", "0");
        m.put("query_cache_type", "OFF");
        m.put("sql_mode", "");
        m.put("system_time_zone", "UTC");
        m.put("time_zone", "SYSTEM");
        m.put("transaction_isolation", "REPEATABLE-READ");
        m.put("tx_isolation", "REPEATABLE-READ");
        m.put("transaction_read_only", "0");
        m.put("tx_read_only", "0");
        m.put("version", VERSION);
        m.put("version_comment", "Lintas admin interface");
        m.put("wait_timeout", "28800");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The value of a variable (name without {@code @@} or scope), or null when unknown. */
    public static String get(String name) {
        return VALUES.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** Every variable, in name order. */
    public static Map<String, String> all() {
        return VALUES;
    }
}
