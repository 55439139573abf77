package io.lintas.admin.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies admin statements. Only the admin's own commands (LOAD/SAVE, SHOW …, KILL, SET, session selects) are
 * recognised here, with small anchored patterns; everything else is SQL for H2, restricted to data statements so
 * that an admin cannot drop the tables or reach H2's file functions.
 */
public final class AdminCommandParser {
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;

    private static final Pattern TRANSFER = Pattern.compile(
        "(LOAD|SAVE)\\s+MYSQL\\s+(SERVERS|USERS|QUERY\\s+RULES|VARIABLES)\\s+(TO|FROM)\\s+(RUNTIME|RUN|MEMORY|MEM|DISK)", FLAGS);
    private static final Pattern SHOW_DATABASES = Pattern.compile("SHOW\\s+(DATABASES|SCHEMAS)", FLAGS);
    private static final Pattern SHOW_TABLES = Pattern.compile(
        "SHOW\\s+(?:FULL\\s+)?TABLES(?:\\s+(?:FROM|IN)\\s+`?(\\w+)`?)?(?:\\s+LIKE\\s+'((?:[^']|'')*)')?", FLAGS);
    private static final Pattern SHOW_CREATE_TABLE = Pattern.compile("SHOW\\s+CREATE\\s+TABLE\\s+([`\\w.]+)", FLAGS);
    private static final Pattern SHOW_VARIABLES = Pattern.compile(
        "SHOW\\s+(?:GLOBAL\\s+|SESSION\\s+|LOCAL\\s+)?VARIABLES(?:\\s+LIKE\\s+'((?:[^']|'')*)')?", FLAGS);
    private static final Pattern SHOW_STATUS = Pattern.compile(
        "SHOW\\s+(?:GLOBAL\\s+|SESSION\\s+|LOCAL\\s+)?STATUS(?:\\s+LIKE\\s+'((?:[^']|'')*)')?", FLAGS);
    private static final Pattern SHOW_PROCESSLIST = Pattern.compile("SHOW\\s+(?:FULL\\s+)?PROCESSLIST", FLAGS);
    private static final Pattern SHOW_WARNINGS = Pattern.compile("SHOW\\s+(WARNINGS|ERRORS)(\\s+LIMIT\\s+.*)?", FLAGS);
    private static final Pattern KILL = Pattern.compile("KILL\\s+(?:(CONNECTION|QUERY)\\s+)?(\\d+)", FLAGS);
    private static final Pattern SET_GLOBAL_VARIABLE = Pattern.compile(
        "SET\\s+((?:mysql|admin|lintas)-[\\w.-]+)\\s*=\\s*(?:'((?:[^']|'')*)'|\"((?:[^\"]|\"\")*)\"|(\\S+))", FLAGS);
    private static final Pattern SET = Pattern.compile("SET\\s.*", FLAGS);
    private static final Pattern TRANSACTION = Pattern.compile(
        "(BEGIN|START\\s+TRANSACTION|COMMIT|ROLLBACK)(\\s+WORK)?(\\s.*)?", FLAGS);
    private static final Pattern DESCRIBE = Pattern.compile("(?:DESCRIBE|DESC)\\s+([`\\w.]+)", FLAGS);
    /** A bare {@code user} identifier (processlist column), which H2 would read as CURRENT_USER. */
    private static final Pattern BARE_USER = Pattern.compile("(?<![\\w.\"`])user(?![\\w\"`])(?!\\s*\\()", Pattern.CASE_INSENSITIVE);
    private static final Pattern USE = Pattern.compile("USE\\s+`?(\\w+)`?", FLAGS);
    private static final Pattern SELECT_LIST = Pattern.compile("SELECT\\s+(.+?)(?:\\s+LIMIT\\s+\\d+)?", FLAGS);
    private static final Pattern SESSION_ITEM = Pattern.compile(
        "(@@(?:(?:global|session|local)\\.)?\\w+|database\\(\\)|schema\\(\\)|user\\(\\)|current_user(?:\\(\\))?"
            + "|session_user\\(\\)|system_user\\(\\)|connection_id\\(\\)|version\\(\\))(?:\\s+(?:as\\s+)?`?(\\w+)`?)?", FLAGS);
    /** First keywords of statements passed to H2. */
    private static final Pattern DATA_STATEMENT = Pattern.compile(
        "(SELECT|INSERT|UPDATE|DELETE|REPLACE|MERGE|WITH|EXPLAIN|SHOW|DESCRIBE|DESC|VALUES|TABLE)\\b.*", FLAGS);
    /** Statements H2 would run that would change the schema or reach outside the database. */
    private static final Pattern REFUSED_STATEMENT = Pattern.compile(
        "(CREATE|DROP|ALTER|TRUNCATE|RENAME|RUNSCRIPT|SCRIPT|BACKUP|CALL|GRANT|REVOKE|SHUTDOWN|CHECKPOINT|COMMENT"
            + "|ANALYZE|PREPARE|EXECUTE|DEALLOCATE|HELP)\\b.*", FLAGS);
    /** H2 functions that touch files or other databases: not for an admin SQL interface. */
    private static final Pattern DANGEROUS = Pattern.compile(
        "\\b(FILE_READ|FILE_WRITE|CSVREAD|CSVWRITE|LINK_SCHEMA|DATABASE_PATH)\\s*\\(", FLAGS);
    private static final Pattern LEADING_COMMENTS = Pattern.compile("^(\\s*(/\\*.*?\\*/|--[^\\n]*\\n|#[^\\n]*\\n))*\\s*", Pattern.DOTALL);

    private AdminCommandParser() {}

    /** Classifies one statement. */
    public static AdminCommand parse(String statement) {
        String sql = normalize(statement);
        Matcher m;
        if ((m = TRANSFER.matcher(sql)).matches()) {
            return transfer(m);
        }
        if (SHOW_DATABASES.matcher(sql).matches()) {
            return new AdminCommand.ShowDatabases();
        }
        if ((m = SHOW_TABLES.matcher(sql)).matches()) {
            return new AdminCommand.ShowTables(m.group(1), unquote(m.group(2)));
        }
        if ((m = SHOW_CREATE_TABLE.matcher(sql)).matches()) {
            return new AdminCommand.ShowCreateTable(m.group(1).replace("`", ""));
        }
        if ((m = SHOW_VARIABLES.matcher(sql)).matches()) {
            return new AdminCommand.ShowVariables(unquote(m.group(1)));
        }
        if ((m = SHOW_STATUS.matcher(sql)).matches()) {
            return new AdminCommand.ShowStatus(unquote(m.group(1)));
        }
        if (SHOW_PROCESSLIST.matcher(sql).matches()) {
            return new AdminCommand.Sql("SELECT * FROM stats.stats_mysql_processlist");
        }
        if (SHOW_WARNINGS.matcher(sql).matches()) {
            return new AdminCommand.ShowWarnings();
        }
        if ((m = KILL.matcher(sql)).matches()) {
            return new AdminCommand.Kill(Long.parseLong(m.group(2)), "QUERY".equalsIgnoreCase(m.group(1)));
        }
        if ((m = SET_GLOBAL_VARIABLE.matcher(sql)).matches()) {
            String value = m.group(2) != null ? m.group(2).replace("''", "'")
                : m.group(3) != null ? m.group(3).replace("\"\"", "\"") : m.group(4);
            return new AdminCommand.SetGlobalVariable(m.group(1).toLowerCase(Locale.ROOT), value);
        }
        if (SET.matcher(sql).matches() || TRANSACTION.matcher(sql).matches()) {
            return new AdminCommand.Ignored();
        }
        if ((m = USE.matcher(sql)).matches()) {
            return new AdminCommand.Use(m.group(1).toLowerCase(Locale.ROOT));
        }
        if ((m = DESCRIBE.matcher(sql)).matches()) {
            return new AdminCommand.Sql("SHOW COLUMNS FROM " + m.group(1));
        }
        AdminCommand.SelectSessionValues session = sessionSelect(sql);
        if (session != null) {
            return session;
        }
        if (REFUSED_STATEMENT.matcher(sql).matches()) {
            return new AdminCommand.Refused(AdminErrors.NOT_SUPPORTED, "Lintas admin: only SELECT, INSERT, UPDATE, DELETE,"
                + " REPLACE, SHOW, LOAD/SAVE … and KILL are supported here");
        }
        if (!DATA_STATEMENT.matcher(sql).matches()) {
            String near = sql.length() > 40 ? sql.substring(0, 40) : sql;
            return new AdminCommand.Refused(AdminErrors.PARSE_ERROR,
                "You have an error in your SQL syntax; unknown statement near '" + near + "'");
        }
        if (DANGEROUS.matcher(sql).find()) {
            return new AdminCommand.Refused(AdminErrors.NOT_SUPPORTED, "Lintas admin: file and link functions are disabled");
        }
        return new AdminCommand.Sql(quoteBareUser(sql));
    }

    /**
     * Quotes bare {@code user} identifiers outside string literals: ProxySQL's processlist has a column of that
     * name, and H2 would otherwise read it as the CURRENT_USER function.
     */
    static String quoteBareUser(String sql) {
        if (!sql.toLowerCase(Locale.ROOT).contains("user")) {
            return sql;
        }
        StringBuilder out = new StringBuilder(sql.length() + 8);
        int i = 0;
        while (i < sql.length()) {
            char ch = sql.charAt(i);
            if (ch == '\'' || ch == '"' || ch == '`') {
                int end = i + 1;
                while (end < sql.length() && sql.charAt(end) != ch) {
                    end += sql.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, sql.length());
                out.append(sql, i, end);
                i = end;
                continue;
            }
            int next = i;
            while (next < sql.length() && "'\"`".indexOf(sql.charAt(next)) < 0) {
                next++;
            }
            out.append(BARE_USER.matcher(sql.substring(i, next)).replaceAll("\"user\""));
            i = next;
        }
        return out.toString();
    }

    /** Drops leading comments, surrounding blanks and trailing semicolons. */
    static String normalize(String statement) {
        String s = LEADING_COMMENTS.matcher(statement).replaceFirst("").trim();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        return s;
    }

    private static AdminCommand transfer(Matcher m) {
        boolean load = m.group(1).equalsIgnoreCase("LOAD");
        String module = m.group(2).toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        boolean to = m.group(3).equalsIgnoreCase("TO");
        String layer = m.group(4).toUpperCase(Locale.ROOT);
        ConfigModule mod = switch (module) {
            case "SERVERS" -> ConfigModule.SERVERS;
            case "USERS" -> ConfigModule.USERS;
            case "QUERY RULES" -> ConfigModule.QUERY_RULES;
            default -> ConfigModule.VARIABLES;
        };
        boolean runtime = layer.startsWith("RUN");
        boolean memory = layer.startsWith("MEM");
        AdminCommand.Transfer t = null;
        // ProxySQL's synonyms: LOAD … TO RUNTIME = LOAD … FROM MEMORY, SAVE … TO MEMORY = SAVE … FROM RUNTIME,
        // LOAD … FROM DISK = LOAD … TO MEMORY, SAVE … TO DISK = SAVE … FROM MEMORY.
        if (load && ((to && runtime) || (!to && memory))) {
            t = AdminCommand.Transfer.MEMORY_TO_RUNTIME;
        } else if (!load && ((to && memory) || (!to && runtime))) {
            t = AdminCommand.Transfer.RUNTIME_TO_MEMORY;
        } else if (load && ((!to && !runtime && !memory) || (to && memory))) {
            t = AdminCommand.Transfer.DISK_TO_MEMORY;
        } else if (!load && ((to && !runtime && !memory) || (!to && memory))) {
            t = AdminCommand.Transfer.MEMORY_TO_DISK;
        }
        if (t == null) {
            return new AdminCommand.Refused(AdminErrors.PARSE_ERROR, "'" + m.group() + "' is not a valid direction: use "
                + "LOAD … TO RUNTIME, SAVE … TO MEMORY, LOAD … FROM DISK or SAVE … TO DISK");
        }
        return new AdminCommand.ConfigTransfer(mod, t);
    }

    private static AdminCommand.SelectSessionValues sessionSelect(String sql) {
        Matcher m = SELECT_LIST.matcher(sql);
        if (!m.matches() || containsQuoteOrParenList(m.group(1))) {
            return null;
        }
        List<AdminCommand.SelectSessionValues.Item> items = new ArrayList<>();
        for (String part : m.group(1).split(",")) {
            Matcher im = SESSION_ITEM.matcher(part.trim());
            if (!im.matches()) {
                return null;
            }
            items.add(new AdminCommand.SelectSessionValues.Item(im.group(1), im.group(2) != null ? im.group(2) : im.group(1)));
        }
        return new AdminCommand.SelectSessionValues(items);
    }

    private static boolean containsQuoteOrParenList(String list) {
        // Quotes or FROM mean real SQL; leave it to H2.
        return list.indexOf('\'') >= 0 || list.indexOf('"') >= 0 || list.toUpperCase(Locale.ROOT).contains(" FROM ");
    }

    private static String unquote(String like) {
        return like == null ? null : like.replace("''", "'");
    }
}
