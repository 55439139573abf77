package io.lintas.admin.sql;

import io.lintas.admin.spi.AdminRuntime;
import io.lintas.admin.spi.InvalidConfigException;
import io.lintas.admin.spi.RuntimeConfigRows;
import io.lintas.admin.spi.StatsRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Runs admin statements against an embedded H2 database (MySQL mode) that holds ProxySQL's tables, and carries
 * configuration between those tables, the running proxy ({@link AdminRuntime}) and the config file.
 *
 * <p>Not thread-safe: one H2 connection, used by one thread (the admin server's SQL executor) only.
 */
public final class AdminSqlEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminSqlEngine.class);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final AdminRuntime runtime;
    private final Connection connection;
    private final StatsRefresher refresher;

    /** Creates the tables and fills memory and runtime tables from the running configuration. */
    public AdminSqlEngine(AdminRuntime runtime) throws SQLException {
        this.runtime = runtime;
        // A private in-memory database per engine; DATABASE_TO_LOWER + case-insensitive identifiers make
        // "mysql_servers", "MYSQL_SERVERS" and "ConnUsed"/"connused" all work as in ProxySQL's SQLite.
        String url = "jdbc:h2:mem:lintas_admin_" + DATABASES.incrementAndGet()
            + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;NON_KEYWORDS=USER;DB_CLOSE_DELAY=0";
        this.connection = new org.h2.Driver().connect(url, new java.util.Properties());
        if (connection == null) {
            throw new SQLException("H2 refused " + url);
        }
        this.refresher = new StatsRefresher(runtime);
        AdminSchema.create(connection);
        RuntimeConfigRows current = runtime.runtimeConfig();
        ConfigTables.writeAll(connection, "", current);
        ConfigTables.writeAll(connection, ConfigTables.RUNTIME, current);
    }

    /** Executes one statement of {@code session}; never throws for bad input, which becomes an ERR result. */
    public AdminResult execute(SessionContext session, String statement) {
        AdminCommand command = AdminCommandParser.parse(statement);
        try {
            return dispatch(session, command);
        } catch (SQLException e) {
            rollbackQuietly();
            return AdminErrors.fromH2(e);
        } catch (InvalidConfigException e) {
            rollbackQuietly();
            return AdminErrors.failure(e.getMessage());
        } catch (IOException e) {
            rollbackQuietly();
            return AdminErrors.failure("config file: " + e.getMessage());
        } catch (RuntimeException e) {
            // A bug in the runtime's implementation must not take the admin interface down with it.
            rollbackQuietly();
            log.warn("admin statement failed: {}", e.toString());
            return AdminErrors.failure("internal error: " + e);
        }
    }

    private AdminResult dispatch(SessionContext session, AdminCommand command)
            throws SQLException, InvalidConfigException, IOException {
        // Java 17 has no pattern matching in switch; the command types are few and sealed.
        if (command instanceof AdminCommand.Sql s) {
            return sql(s.sql());
        } else if (command instanceof AdminCommand.ConfigTransfer t) {
            return transfer(t);
        } else if (command instanceof AdminCommand.SelectSessionValues s) {
            return sessionValues(session, s);
        } else if (command instanceof AdminCommand.ShowDatabases) {
            return showDatabases();
        } else if (command instanceof AdminCommand.ShowTables s) {
            return showTables(s.schema() == null ? session.schema() : s.schema(), s.like());
        } else if (command instanceof AdminCommand.ShowCreateTable s) {
            return showCreateTable(s.table());
        } else if (command instanceof AdminCommand.ShowVariables s) {
            return showVariables(s.like());
        } else if (command instanceof AdminCommand.ShowStatus s) {
            return showStatus(s.like());
        } else if (command instanceof AdminCommand.ShowWarnings) {
            return new AdminResult.Rows(List.of(AdminResult.Column.text("Level"),
                new AdminResult.Column("", "", "Code", AdminResult.ColumnType.LONGLONG),
                AdminResult.Column.text("Message")), List.of());
        } else if (command instanceof AdminCommand.Kill k) {
            return kill(k);
        } else if (command instanceof AdminCommand.SetGlobalVariable v) {
            return setGlobalVariable(v);
        } else if (command instanceof AdminCommand.Use u) {
            return use(session, u.schema());
        } else if (command instanceof AdminCommand.Refused r) {
            return new AdminResult.Error(r.code(), "42000", r.message());
        }
        return AdminResult.Ok.EMPTY; // Ignored
    }

    /** Whether {@code schema} is one of the admin schemas. */
    public static boolean isSchema(String schema) {
        return schema != null && AdminSchema.SCHEMAS.contains(schema.toLowerCase(Locale.ROOT));
    }

    // ---- LOAD / SAVE -------------------------------------------------------------------------------------

    private AdminResult transfer(AdminCommand.ConfigTransfer t) throws SQLException, InvalidConfigException, IOException {
        ConfigModule module = t.module();
        switch (t.transfer()) {
            case MEMORY_TO_RUNTIME -> {
                RuntimeConfigRows candidate = ConfigTables.read(connection, "", module, runtime.runtimeConfig());
                runtime.apply(candidate);
                log.info("admin: LOAD {} TO RUNTIME applied ({})", module.sqlName(), candidate);
            }
            case RUNTIME_TO_MEMORY -> inTransaction(() -> ConfigTables.write(connection, "", module, runtime.runtimeConfig()));
            case DISK_TO_MEMORY -> {
                RuntimeConfigRows disk = runtime.loadFromDisk();
                inTransaction(() -> ConfigTables.write(connection, "", module, disk));
            }
            case MEMORY_TO_DISK -> {
                // The file holds every module; only this module's part changes, as with ProxySQL's disk tables.
                RuntimeConfigRows merged = ConfigTables.read(connection, "", module, runtime.loadFromDisk());
                runtime.saveToDisk(merged);
                log.info("admin: SAVE {} TO DISK written", module.sqlName());
            }
        }
        return AdminResult.Ok.EMPTY;
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    private void inTransaction(SqlWork work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            work.run();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private void rollbackQuietly() {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException ignored) {
            // nothing more to undo
        }
    }

    // ---- SHOW --------------------------------------------------------------------------------------------

    private AdminResult showDatabases() {
        List<String[]> rows = new ArrayList<>();
        String[][] dbs = {{"0", AdminSchema.MAIN}, {"3", AdminSchema.STATS}, {"4", AdminSchema.MONITOR}};
        for (String[] db : dbs) {
            rows.add(new String[] {db[0], db[1], ""});
        }
        return new AdminResult.Rows(List.of(new AdminResult.Column("", "", "seq", AdminResult.ColumnType.LONGLONG),
            AdminResult.Column.text("name"), AdminResult.Column.text("file")), rows);
    }

    private AdminResult showTables(String schema, String like) throws SQLException {
        String s = schema.toLowerCase(Locale.ROOT);
        if (!isSchema(s)) {
            return new AdminResult.Error(AdminErrors.BAD_DB, "42000", "Unknown database '" + schema + "'");
        }
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = ? AND (? IS NULL OR table_name LIKE ?) ORDER BY table_name")) {
            ps.setString(1, s);
            ps.setString(2, like);
            ps.setString(3, like);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1)});
                }
            }
        }
        return new AdminResult.Rows(List.of(AdminResult.Column.text("tables")), rows);
    }

    private AdminResult showCreateTable(String table) {
        String ddl = AdminSchema.createStatement(table);
        if (ddl == null) {
            return new AdminResult.Error(1146, "42S02", "Table '" + table + "' doesn't exist");
        }
        String name = table.contains(".") ? table.substring(table.indexOf('.') + 1) : table;
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {name, ddl});
        return new AdminResult.Rows(List.of(AdminResult.Column.text("table"), AdminResult.Column.text("Create Table")), rows);
    }

    private AdminResult showVariables(String like) throws SQLException {
        Pattern p = likePattern(like);
        List<String[]> rows = new ArrayList<>();
        SessionVariables.all().forEach((k, v) -> {
            if (p.matcher(k).matches()) {
                rows.add(new String[] {k, v});
            }
        });
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT variable_name, variable_value FROM main.global_variables ORDER BY 1")) {
            while (rs.next()) {
                if (p.matcher(rs.getString(1)).matches()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return new AdminResult.Rows(List.of(AdminResult.Column.text("Variable_name"), AdminResult.Column.text("Value")), rows);
    }

    private AdminResult showStatus(String like) {
        Pattern p = likePattern(like);
        List<String[]> rows = new ArrayList<>();
        for (StatsRows.GlobalStatus g : runtime.globalStatus()) {
            if (p.matcher(g.name()).matches()) {
                rows.add(new String[] {g.name(), g.value()});
            }
        }
        return new AdminResult.Rows(List.of(AdminResult.Column.text("Variable_name"), AdminResult.Column.text("Value")), rows);
    }

    /** SQL LIKE to a case-insensitive regex ({@code %} any run, {@code _} one character, backslash escapes). */
    static Pattern likePattern(String like) {
        if (like == null) {
            return Pattern.compile(".*", Pattern.DOTALL);
        }
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char ch = like.charAt(i);
            if (ch == '\\' && i + 1 < like.length()) {
                re.append(Pattern.quote(String.valueOf(like.charAt(++i))));
            } else if (ch == '%') {
                re.append(".*");
            } else if (ch == '_') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }

    // ---- KILL, SET, USE, session values ------------------------------------------------------------------

    private AdminResult kill(AdminCommand.Kill k) {
        if (!runtime.kill(k.connectionId(), k.queryOnly())) {
            return new AdminResult.Error(AdminErrors.NO_SUCH_THREAD, "HY000", "Unknown thread id: " + k.connectionId());
        }
        return AdminResult.Ok.EMPTY;
    }

    private AdminResult setGlobalVariable(AdminCommand.SetGlobalVariable v) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "MERGE INTO main.global_variables (variable_name, variable_value) KEY (variable_name) VALUES (?, ?)")) {
            ps.setString(1, v.name());
            ps.setString(2, v.value());
            return new AdminResult.Ok(ps.executeUpdate(), "");
        }
    }

    private static AdminResult use(SessionContext session, String schema) {
        if (!isSchema(schema)) {
            return new AdminResult.Error(AdminErrors.BAD_DB, "42000", "Unknown database '" + schema + "'");
        }
        session.schema(schema);
        return AdminResult.Ok.EMPTY;
    }

    private static AdminResult sessionValues(SessionContext session, AdminCommand.SelectSessionValues s) {
        List<AdminResult.Column> columns = new ArrayList<>();
        String[] row = new String[s.items().size()];
        for (int i = 0; i < row.length; i++) {
            AdminCommand.SelectSessionValues.Item item = s.items().get(i);
            String expr = item.expression().toLowerCase(Locale.ROOT);
            String value;
            if (expr.startsWith("@@")) {
                String name = expr.substring(2).replaceFirst("^(global|session|local)\\.", "");
                value = SessionVariables.get(name);
                if (value == null) {
                    return new AdminResult.Error(AdminErrors.UNKNOWN_SYSTEM_VARIABLE, "HY000", "Unknown system variable '" + name + "'");
                }
            } else if (expr.startsWith("database") || expr.startsWith("schema")) {
                value = session.schema();
            } else if (expr.startsWith("connection_id")) {
                value = Long.toString(session.connectionId());
            } else if (expr.startsWith("version")) {
                value = SessionVariables.VERSION;
            } else {
                value = session.user() + "@localhost";
            }
            row[i] = value;
            boolean number = value.matches("-?\\d{1,18}");
            columns.add(new AdminResult.Column("", "", item.label(),
                number ? AdminResult.ColumnType.LONGLONG : AdminResult.ColumnType.VAR_STRING));
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(row);
        return new AdminResult.Rows(columns, rows);
    }

    // ---- SQL on the tables -------------------------------------------------------------------------------

    private AdminResult sql(String sql) throws SQLException {
        refresher.refreshFor(connection, sql);
        try (Statement s = connection.createStatement()) {
            if (s.execute(sql)) {
                try (ResultSet rs = s.getResultSet()) {
                    return rows(rs);
                }
            }
            return new AdminResult.Ok(Math.max(0, s.getUpdateCount()), "");
        }
    }

    private static AdminResult.Rows rows(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<AdminResult.Column> columns = new ArrayList<>(n);
        AdminResult.ColumnType[] types = new AdminResult.ColumnType[n];
        for (int i = 1; i <= n; i++) {
            types[i - 1] = mysqlType(md.getColumnType(i));
            columns.add(new AdminResult.Column(nullToEmpty(md.getSchemaName(i)), nullToEmpty(md.getTableName(i)),
                md.getColumnLabel(i), types[i - 1]));
        }
        List<String[]> rows = new ArrayList<>();
        while (rs.next()) {
            String[] row = new String[n];
            for (int i = 1; i <= n; i++) {
                String v = rs.getString(i);
                if (v != null && types[i - 1] == AdminResult.ColumnType.TINY) {
                    v = rs.getBoolean(i) ? "1" : "0";
                }
                row[i - 1] = v;
            }
            rows.add(row);
        }
        return new AdminResult.Rows(columns, rows);
    }

    private static AdminResult.ColumnType mysqlType(int jdbcType) {
        return switch (jdbcType) {
            case Types.BOOLEAN, Types.BIT -> AdminResult.ColumnType.TINY;
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> AdminResult.ColumnType.LONGLONG;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> AdminResult.ColumnType.DOUBLE;
            case Types.DECIMAL, Types.NUMERIC -> AdminResult.ColumnType.NEWDECIMAL;
            case Types.DATE -> AdminResult.ColumnType.DATE;
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> AdminResult.ColumnType.TIME;
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> AdminResult.ColumnType.DATETIME;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> AdminResult.ColumnType.BLOB;
            default -> AdminResult.ColumnType.VAR_STRING;
        };
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Drops the in-memory database. */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("closing the admin database: {}", e.toString());
        }
    }
}
