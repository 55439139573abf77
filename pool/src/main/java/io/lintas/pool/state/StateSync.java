package io.lintas.pool.state;

import io.lintas.wire.Capabilities;
import io.lintas.wire.Collations;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Works out what a backend connection must run so that its session state equals what a client session
 * expects: a COM_INIT_DB for the schema and one combined {@code SET SESSION} for variables (and the last
 * insert id). Pure planning, no I/O: {@code BackendConnection} runs the plan.
 *
 * <p>A variable the connection changed but the session did not is put back to its login value: the
 * character-set variables to the collation of the connection's pool key (what the client logged in with),
 * {@code sql_mode} and {@code wait_timeout} to what the server gives a login with the key's
 * {@code CLIENT_IGNORE_SPACE} / {@code CLIENT_INTERACTIVE}, everything else to {@code DEFAULT} (the global
 * value, which is what a fresh login starts from).
 */
public final class StateSync {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    /** The steps to run; either may be null. */
    public record Plan(String schema, String setStatement, boolean needsFreshSession) {
        /** True when there is nothing to run. */
        public boolean isEmpty() {
            return schema == null && setStatement == null && !needsFreshSession;
        }
    }

    private StateSync() {}

    /**
     * True when {@code actual} already matches {@code expected} (plus {@code extra} variables just for the
     * next statement, may be null) — the common case, checked without allocating.
     */
    public static boolean inSync(SessionState expected, SessionState actual, Map<String, String> extra,
                                 boolean lastInsertIdMatters) {
        if (!sameSchema(expected.schema(), actual.schema())) {
            return false;
        }
        if (lastInsertIdMatters && expected.lastInsertId() != actual.lastInsertId()) {
            return false;
        }
        Map<String, String> want = expected.variables();
        Map<String, String> have = actual.variables();
        int extraNew = 0;
        if (extra != null) {
            for (Map.Entry<String, String> e : extra.entrySet()) {
                if (!e.getValue().equals(have.get(e.getKey()))) {
                    return false;
                }
                if (!want.containsKey(e.getKey())) {
                    extraNew++;
                }
            }
        }
        if (have.size() != want.size() + extraNew) {
            return false;
        }
        for (Map.Entry<String, String> e : want.entrySet()) {
            if (extra != null && extra.containsKey(e.getKey())) {
                continue;
            }
            if (!e.getValue().equals(have.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The steps that bring {@code actual} to {@code expected} (+{@code extra}) for a connection that logged in with
     * {@code characterSet} and {@code capabilities}.
     */
    public static Plan plan(SessionState expected, SessionState actual, Map<String, String> extra,
                            boolean lastInsertIdMatters, int characterSet, long capabilities) {
        boolean fresh = expected.schema() == null && actual.schema() != null;
        // A fresh session (COM_CHANGE_USER without a schema) has no variables changed and no schema.
        Map<String, String> have = fresh ? Map.of() : actual.variables();
        String schema = expected.schema() != null && !expected.schema().equals(fresh ? null : actual.schema())
            ? expected.schema() : null;
        List<String[]> assignments = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.variables().entrySet()) {
            String value = extra != null && extra.containsKey(e.getKey()) ? extra.get(e.getKey()) : e.getValue();
            if (!value.equals(have.get(e.getKey()))) {
                assignments.add(new String[] {e.getKey(), literal(e.getKey(), value)});
            }
        }
        if (extra != null) {
            for (Map.Entry<String, String> e : extra.entrySet()) {
                if (!expected.variables().containsKey(e.getKey()) && !e.getValue().equals(have.get(e.getKey()))) {
                    assignments.add(new String[] {e.getKey(), literal(e.getKey(), e.getValue())});
                }
            }
        }
        for (String name : have.keySet()) {
            if (!expected.variables().containsKey(name) && (extra == null || !extra.containsKey(name))) {
                assignments.add(new String[] {name, loginValue(name, characterSet, capabilities)});
            }
        }
        long haveId = fresh ? 0 : actual.lastInsertId();
        if (lastInsertIdMatters && expected.lastInsertId() != haveId) {
            assignments.add(new String[] {"last_insert_id", Long.toString(expected.lastInsertId())});
        }
        return new Plan(schema, assignments.isEmpty() ? null : setStatement(assignments), fresh);
    }

    /** Records in {@code actual} that the plan for {@code expected} (+{@code extra}) ran. */
    public static void applied(SessionState expected, SessionState actual, Map<String, String> extra,
                               boolean lastInsertIdMatters) {
        long id = actual.lastInsertId();
        actual.copyFrom(expected);
        if (!lastInsertIdMatters) {
            actual.setLastInsertId(id);
        }
        if (extra != null) {
            extra.forEach(actual::setVariable);
        }
    }

    private static String setStatement(List<String[]> assignments) {
        // SET character_set_connection resets collation_connection (and SET character_set_database
        // collation_database): assign collations after character sets.
        assignments.sort((a, b) -> Boolean.compare(a[0].startsWith("collation"), b[0].startsWith("collation")));
        StringBuilder sql = new StringBuilder("SET SESSION ");
        for (int i = 0; i < assignments.size(); i++) {
            if (i > 0) {
                sql.append(", ");
            }
            sql.append('`').append(assignments.get(i)[0].replace("`", "``")).append("`=").append(assignments.get(i)[1]);
        }
        return sql.toString();
    }

    /** The value a fresh login with {@code characterSet} and {@code capabilities} has for {@code name}, as SQL. */
    static String loginValue(String name, int characterSet, long capabilities) {
        if ("sql_mode".equals(name) && Capabilities.has(capabilities, Capabilities.CLIENT_IGNORE_SPACE)) {
            // The server adds IGNORE_SPACE to such a login's sql_mode; DEFAULT (the global value) lacks it.
            return "CONCAT_WS(',', NULLIF(@@global.sql_mode, ''), 'IGNORE_SPACE')";
        }
        if ("wait_timeout".equals(name) && Capabilities.has(capabilities, Capabilities.CLIENT_INTERACTIVE)) {
            // An interactive login starts with wait_timeout = interactive_timeout.
            return "@@global.interactive_timeout";
        }
        Collations.Collation c = Collations.byId(characterSet);
        if (c != null) {
            switch (name) {
                case "character_set_client", "character_set_connection", "character_set_results":
                    return quote(c.characterSet());
                case "collation_connection":
                    return quote(c.name());
                default:
                    break;
            }
        }
        return "DEFAULT";
    }

    /** A tracked value as an SQL literal the same variable accepts back. */
    static String literal(String name, String value) {
        if (NUMBER.matcher(value).matches()) {
            return value;
        }
        if ("character_set_results".equals(name) && (value.isEmpty() || "null".equals(value.toLowerCase(Locale.ROOT)))) {
            return "NULL";
        }
        return quote(value);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\'' || ch == '\\') {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.append('\'').toString();
    }

    private static boolean sameSchema(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }
}
