package io.lintas.admin.sql;

import java.util.List;

/** A classified admin statement: either something the admin handles itself, or SQL for the table engine. */
public sealed interface AdminCommand {

    /** Direction of a LOAD/SAVE command between the three layers (disk, memory tables, runtime). */
    enum Transfer { MEMORY_TO_RUNTIME, RUNTIME_TO_MEMORY, DISK_TO_MEMORY, MEMORY_TO_DISK }

    /** {@code LOAD|SAVE <module> TO|FROM …}. */
    record ConfigTransfer(ConfigModule module, Transfer transfer) implements AdminCommand {}

    /** {@code SHOW DATABASES}. */
    record ShowDatabases() implements AdminCommand {}

    /** {@code SHOW TABLES [FROM schema] [LIKE 'pattern']}; schema null = current, like null = all. */
    record ShowTables(String schema, String like) implements AdminCommand {}

    /** {@code SHOW CREATE TABLE name}. */
    record ShowCreateTable(String table) implements AdminCommand {}

    /** {@code SHOW [GLOBAL|SESSION] VARIABLES [LIKE 'pattern']}. */
    record ShowVariables(String like) implements AdminCommand {}

    /** {@code SHOW [GLOBAL|SESSION] STATUS [LIKE 'pattern']}: stats_mysql_global. */
    record ShowStatus(String like) implements AdminCommand {}

    /** {@code SHOW WARNINGS} / {@code SHOW ERRORS}: always empty (admin statements either work or fail). */
    record ShowWarnings() implements AdminCommand {}

    /** {@code KILL [CONNECTION|QUERY] id}. */
    record Kill(long connectionId, boolean queryOnly) implements AdminCommand {}

    /** ProxySQL's {@code SET mysql-name = value}: updates global_variables in memory. */
    record SetGlobalVariable(String name, String value) implements AdminCommand {}

    /** Accepted and ignored: session SETs, transaction control (the admin tables are always in autocommit). */
    record Ignored() implements AdminCommand {}

    /** {@code USE schema}. */
    record Use(String schema) implements AdminCommand {}

    /** A SELECT of server variables and session functions only, answered without the table engine. */
    record SelectSessionValues(List<Item> items) implements AdminCommand {
        /** One select-list entry: what to evaluate and the column label. */
        public record Item(String expression, String label) {}
    }

    /** SQL for the table engine (after refreshing the tables it names). */
    record Sql(String sql) implements AdminCommand {}

    /** A statement the admin interface refuses, with the reason. */
    record Refused(int code, String message) implements AdminCommand {}
}
