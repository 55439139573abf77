package io.lintas.admin.sql;

import java.util.List;

/** The units ProxySQL loads and saves as a whole, with the tables each one covers. */
public enum ConfigModule {
    /** {@code MYSQL SERVERS}: servers and Galera hostgroups. */
    SERVERS("MYSQL SERVERS", List.of("mysql_servers", "mysql_galera_hostgroups")),
    /** {@code MYSQL USERS}. */
    USERS("MYSQL USERS", List.of("mysql_users")),
    /** {@code MYSQL QUERY RULES}. */
    QUERY_RULES("MYSQL QUERY RULES", List.of("mysql_query_rules")),
    /** {@code MYSQL VARIABLES}. */
    VARIABLES("MYSQL VARIABLES", List.of("global_variables"));

    private final String sqlName;
    private final List<String> tables;

    ConfigModule(String sqlName, List<String> tables) {
        this.sqlName = sqlName;
        this.tables = tables;
    }

    /** The name as written in LOAD/SAVE commands. */
    public String sqlName() {
        return sqlName;
    }

    /** The memory tables of this module. */
    public List<String> tables() {
        return tables;
    }
}
