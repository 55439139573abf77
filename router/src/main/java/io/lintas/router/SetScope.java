package io.lintas.router;

import io.lintas.wire.SessionTracking;

/**
 * Gives unscoped {@code @@name} targets of a SET statement an explicit {@code @@session.} scope.
 *
 * <p>Why: MariaDB's session-state tracker ({@code session_track_system_variables}) reports {@code SET var=..},
 * {@code SET SESSION var=..} and {@code SET @@session.var=..} in the OK packet, but not {@code SET @@var=..} nor
 * {@code SET @@local.var=..}. The session relies on those reports to replay session variables on another backend
 * connection, so it rewrites the statement before sending it. The rewrite does not change what the server does:
 * an {@code @@name} without a scope is always session scope in MariaDB's grammar (even after a {@code GLOBAL}
 * keyword earlier in the list, which applies only to plain names), and a global-only variable fails with the same
 * error 1229 either way.
 *
 * <p>Only assignment targets change: {@code SET @@a = @@b} becomes {@code SET @@session.a = @@b}. Everything else
 * stays byte for byte: comments, version comments (a target inside {@code /*!40101 ..*}{@code /} is rewritten in
 * place), strings, the spelling of the name. {@code SET STATEMENT .. FOR ..} is left alone (its assignments last
 * one statement and are not tracked), as are {@code SET TRANSACTION}, {@code SET PASSWORD}, {@code SET ROLE} and
 * {@code SET DEFAULT ROLE}. Every SET statement of a multi-statement text is rewritten, but only when the text
 * starts with SET: the common case must stay one cheap look at the first keyword.
 *
 * <p>It also keeps the tracker itself on: a session-scope assignment to {@code session_track_system_variables},
 * {@code session_track_schema} or {@code session_track_state_change} gets the value Lintas's pooled connections
 * run with ({@code '*'}, {@code 1}, {@code 1}) instead of the client's. MariaDB Connector/J sends
 * {@code SET sql_mode=CONCAT(@@sql_mode,',STRICT_TRANS_TABLES'), session_track_system_variables=CONCAT(
 * @@global.session_track_system_variables,',tx_isolation'), NAMES utf8mb4} on every connect; relayed as it is,
 * the server would stop reporting sql_mode (in that very statement already) and most other variables, and
 * they would stay behind on the shared connection unseen. The client then gets reports of more variables than
 * it asked for, which drivers ignore.
 */
public final class SetScope {
    private static final String SESSION = "session";

    private SetScope() {
    }

    /**
     * The statement with every unscoped {@code @@name} SET target scoped {@code @@session.name} and every
     * session-tracking assignment given Lintas's value, or null if there is nothing to change.
     */
    public static String scopeAssignments(String sql) {
        if (sql == null || !startsWithSet(sql)) {
            return null; // no allocation on the common path
        }
        return new Rewriter(sql).run();
    }

    /** Whether the first token after whitespace, comments and version-comment openers is the word SET. */
    static boolean startsWithSet(String s) {
        int n = s.length();
        int p = 0;
        while (p < n) {
            char c = s.charAt(p);
            if (c <= ' ') {
                p++;
            } else if (c == '#' || (c == '-' && p + 1 < n && s.charAt(p + 1) == '-'
                    && (p + 2 >= n || s.charAt(p + 2) <= ' '))) {
                while (p < n && s.charAt(p) != '\n') {
                    p++;
                }
            } else if (c == '/' && p + 1 < n && s.charAt(p + 1) == '*') {
                p = afterCommentOpener(s, p + 2);
            } else {
                return p + 3 <= n && (s.charAt(p) | 0x20) == 's' && (s.charAt(p + 1) | 0x20) == 'e'
                        && (s.charAt(p + 2) | 0x20) == 't' && (p + 3 == n || !SqlLexer.isIdentPart(s.charAt(p + 3)));
            }
        }
        return false;
    }

    /**
     * Past a comment whose body starts at {@code p}: for a version comment ({@code /*!NNNNN}, {@code /*M!NNNNN})
     * only past its opener, since its body is code; for a plain comment past its end.
     */
    private static int afterCommentOpener(String s, int p) {
        int n = s.length();
        if (p < n && s.charAt(p) == '!') {
            return skipVersion(s, p + 1);
        }
        if (p + 1 < n && s.charAt(p) == 'M' && s.charAt(p + 1) == '!') {
            return skipVersion(s, p + 2);
        }
        int close = s.indexOf("*/", p);
        return close < 0 ? n : close + 2;
    }

    private static int skipVersion(String s, int p) {
        int digits = 0;
        while (p < s.length() && digits < 6 && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
            p++;
            digits++;
        }
        return p;
    }

    /** One pass of the lexer over a text that starts with SET; collects edits and applies them at the end. */
    private static final class Rewriter {
        private final String sql;
        private final SqlLexer lx;
        private StringBuilder out;
        private int copied;
        /** Where the last list item scanned by {@link #toEndOfItem} ends. */
        private int valueEnd;

        Rewriter(String sql) {
            this.sql = sql;
            this.lx = new SqlLexer().reset(sql);
        }

        String run() {
            int t = lx.next();
            while (t != SqlLexer.EOF) {
                if (t == SqlLexer.WORD && lx.is("SET")) {
                    t = setList(lx.next());
                } else {
                    t = skipStatement(t);
                }
                if (t == SqlLexer.SEMICOLON) {
                    t = lx.next();
                }
            }
            if (out == null) {
                return null;
            }
            out.append(sql, copied, sql.length());
            return out.toString();
        }

        /** Walks the assignment list of one SET; returns the SEMICOLON or EOF that ends it. */
        private int setList(int t) {
            boolean first = true;
            // The last scope keyword applies to the plain names after it, until the next one.
            boolean global = false;
            while (t != SqlLexer.EOF && t != SqlLexer.SEMICOLON) {
                if (t == SqlLexer.WORD) {
                    if (lx.is("GLOBAL") || lx.is("PERSIST") || lx.is("PERSIST_ONLY")) {
                        global = true;
                        t = lx.next();
                        continue;
                    }
                    if (lx.is("SESSION") || lx.is("LOCAL")) {
                        global = false;
                        t = lx.next();
                        continue;
                    }
                    if (first && (lx.is("STATEMENT") || lx.is("TRANSACTION") || lx.is("PASSWORD") || lx.is("ROLE")
                            || lx.is("DEFAULT"))) {
                        return skipStatement(t); // no system-variable assignments to track
                    }
                    String required = global ? null : SessionTracking.requiredValue(sql, lx.start(), lx.end());
                    if (required != null) {
                        first = false;
                        t = lx.next();
                        if (t == SqlLexer.OPERATOR && (lx.is("=") || lx.is(":="))) {
                            t = replaceValue(required);
                        }
                        t = skipToNextItem(t);
                        continue;
                    }
                }
                first = false;
                if (t == SqlLexer.VARIABLE) {
                    t = variableTarget();
                }
                t = skipToNextItem(t);
            }
            return t;
        }

        /** Handles a VARIABLE at the start of a list item; returns the token after what it consumed. */
        private int variableTarget() {
            int start = lx.start();
            int end = lx.end();
            if (end - start < 3 || sql.charAt(start + 1) != '@') {
                return lx.next(); // a user variable
            }
            int nameStart = start + 2;
            char c = sql.charAt(nameStart);
            if (c != '`' && !SqlLexer.isIdentStart(c)) {
                return lx.next(); // @@'x' or similar: not a system variable name
            }
            int dot = -1;
            if (c != '`') {
                for (int p = nameStart; p < end; p++) {
                    if (sql.charAt(p) == '.') {
                        dot = p;
                        break;
                    }
                }
            }
            int prefixEnd = dot < 0 ? end : dot;
            int t = lx.next();
            // @@global.`x` is lexed as VARIABLE @@global, DOT, QUOTED_IDENT.
            boolean quotedAfterScope = dot < 0 && t == SqlLexer.DOT && lx.start() == end;
            if (quotedAfterScope) {
                dot = end;
                t = lx.next();
                if (t == SqlLexer.QUOTED_IDENT || t == SqlLexer.WORD) {
                    t = lx.next();
                }
            }
            if (t != SqlLexer.OPERATOR || !(lx.is("=") || lx.is(":="))) {
                return t; // not an assignment target
            }
            boolean session = true;
            if (dot >= 0) {
                if (regionIs(nameStart, prefixEnd, "LOCAL")) {
                    replace(nameStart, prefixEnd, SESSION); // @@local.x is session scope, but not tracked
                } else if (!isScope(nameStart, prefixEnd)) {
                    insert(nameStart, "session."); // a structured name such as @@cache1.key_buffer_size
                } else {
                    session = regionIs(nameStart, prefixEnd, "SESSION");
                }
            } else {
                insert(nameStart, "session.");
            }
            String required = session && !quotedAfterScope
                ? SessionTracking.requiredValue(sql, dot < 0 ? nameStart : dot + 1, end) : null;
            return required == null ? t : replaceValue(required);
        }

        /**
         * With the lexer on the {@code =} of an assignment: replaces its value (up to the next top-level comma,
         * semicolon or the end) with {@code value}; returns the token that ended the value.
         */
        private int replaceValue(String value) {
            int t = lx.next();
            int from = lx.start();
            valueEnd = -1;
            t = toEndOfItem(t);
            if (valueEnd > from) {
                replace(from, valueEnd, value);
            }
            return t;
        }

        private boolean isScope(int from, int to) {
            return regionIs(from, to, "SESSION") || regionIs(from, to, "GLOBAL") || regionIs(from, to, "PERSIST")
                    || regionIs(from, to, "PERSIST_ONLY");
        }

        private boolean regionIs(int from, int to, String upper) {
            return to - from == upper.length() && sql.regionMatches(true, from, upper, 0, upper.length());
        }

        /** Skips the rest of a list item (its value) up to the next top-level comma, which it consumes. */
        private int skipToNextItem(int t) {
            t = toEndOfItem(t);
            return t == SqlLexer.COMMA ? lx.next() : t;
        }

        /**
         * Moves to the top-level comma, semicolon or end after the rest of a list item and returns it; the end of
         * the item's last token is left in {@link #valueEnd}.
         */
        private int toEndOfItem(int t) {
            int depth = 0;
            while (t != SqlLexer.EOF && t != SqlLexer.SEMICOLON) {
                if (t == SqlLexer.LPAREN) {
                    depth++;
                } else if (t == SqlLexer.RPAREN) {
                    depth--;
                } else if (t == SqlLexer.COMMA && depth <= 0) {
                    return t;
                }
                valueEnd = lx.end();
                t = lx.next();
            }
            return t;
        }

        private int skipStatement(int t) {
            while (t != SqlLexer.EOF && t != SqlLexer.SEMICOLON) {
                t = lx.next();
            }
            return t;
        }

        private void insert(int at, String text) {
            builder().append(sql, copied, at).append(text);
            copied = at;
        }

        private void replace(int from, int to, String text) {
            builder().append(sql, copied, from).append(text);
            copied = to;
        }

        private StringBuilder builder() {
            if (out == null) {
                out = new StringBuilder(sql.length() + 16);
            }
            return out;
        }
    }
}
