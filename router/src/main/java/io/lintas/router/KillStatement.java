package io.lintas.router;

import java.util.Locale;
import java.util.Optional;

/**
 * A {@code KILL} statement: the proxy must translate its thread id, because a client only knows the
 * proxy's connection ids and relaying the number raw would hit an unrelated thread on the node.
 * Grammar (MariaDB): {@code KILL [HARD|SOFT] [CONNECTION | QUERY [ID]] {id | USER user}}.
 *
 * @param modifier {@code HARD}, {@code SOFT} or empty
 * @param target   what the statement kills
 * @param id       the thread (or query) id; -1 for {@link Target#USER}
 */
public record KillStatement(String modifier, Target target, long id) {

    /** What a KILL statement names. */
    public enum Target {
        /** {@code KILL [CONNECTION] n}: the whole connection. */
        CONNECTION,
        /** {@code KILL QUERY n}: the statement running on connection n. */
        QUERY,
        /** {@code KILL QUERY ID n}: a query by its query id. */
        QUERY_ID,
        /** {@code KILL USER name}: every connection of a user. */
        USER
    }

    /** Parses {@code sql} as a KILL statement; empty when it is anything else. Never throws. */
    public static Optional<KillStatement> parse(String sql) {
        if (sql == null) {
            return Optional.empty();
        }
        int[] pos = {skipSpaceAndComments(sql, 0)};
        if (!"KILL".equals(word(sql, pos))) {
            return Optional.empty();
        }
        String w = word(sql, pos);
        String modifier = "";
        if ("HARD".equals(w) || "SOFT".equals(w)) {
            modifier = w;
            w = word(sql, pos);
        }
        Target target = Target.CONNECTION;
        if ("CONNECTION".equals(w)) {
            w = word(sql, pos);
        } else if ("QUERY".equals(w)) {
            target = Target.QUERY;
            w = word(sql, pos);
            if ("ID".equals(w)) {
                target = Target.QUERY_ID;
                w = word(sql, pos);
            }
        }
        if ("USER".equals(w) && target == Target.CONNECTION || "USER".equals(w) && target == Target.QUERY) {
            return Optional.of(new KillStatement(modifier, Target.USER, -1));
        }
        if (w == null || w.isEmpty() || !w.chars().allMatch(Character::isDigit) || w.length() > 19) {
            return Optional.empty();
        }
        int end = skipSpaceAndComments(sql, pos[0]);
        while (end < sql.length() && sql.charAt(end) == ';') {
            end = skipSpaceAndComments(sql, end + 1);
        }
        if (end != sql.length()) {
            return Optional.empty(); // e.g. "KILL 5; SELECT 1": not a plain KILL, leave it to the server
        }
        return Optional.of(new KillStatement(modifier, target, Long.parseLong(w)));
    }

    /** The statement with another thread id, e.g. {@code KILL QUERY 42}. */
    public String withId(long newId) {
        StringBuilder sb = new StringBuilder("KILL ");
        if (!modifier.isEmpty()) {
            sb.append(modifier).append(' ');
        }
        sb.append(switch (target) {
            case CONNECTION -> "CONNECTION ";
            case QUERY -> "QUERY ";
            case QUERY_ID -> "QUERY ID ";
            case USER -> throw new IllegalStateException("KILL USER has no id");
        });
        return sb.append(newId).toString();
    }

    /** Next word (letters, digits, '_'), upper-cased, or null at the end; skips comments before it. */
    private static String word(String sql, int[] pos) {
        int i = skipSpaceAndComments(sql, pos[0]);
        int start = i;
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        pos[0] = i;
        return i == start ? (i < sql.length() ? "" : null) : sql.substring(start, i).toUpperCase(Locale.ROOT);
    }

    private static int skipSpaceAndComments(String sql, int i) {
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                if (i + 2 < n && sql.charAt(i + 2) == '!') {
                    return i; // a version comment is code: not a plain KILL
                }
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (c == '#' || (c == '-' && i + 2 < n && sql.charAt(i + 1) == '-' && Character.isWhitespace(sql.charAt(i + 2)))) {
                int nl = sql.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
            } else {
                return i;
            }
        }
        return i;
    }
}
