package io.lintas.router;

import java.util.EnumSet;
import java.util.Locale;

/**
 * Effects of a SET statement, read from the raw text because they depend on literal values
 * ({@code SET autocommit=0} vs {@code =1}) that the digest has replaced by {@code ?}. SET statements therefore
 * bypass the digest cache. Every SET routes to the writer; the effects tell the session what it changed.
 *
 * <p>A scope keyword (GLOBAL, SESSION, ...) applies to the following assignments until another one appears,
 * as in MySQL and MariaDB. Assignments to global variables have no session effect.
 */
final class SetStatementRules {

    private enum Scope { SESSION, GLOBAL }

    private SetStatementRules() {
    }

    /** Effects of the SET statement {@code sql}; {@code inner} classifies the statement of SET STATEMENT .. FOR. */
    static EnumSet<Effect> effects(String sql, java.util.function.Function<String, Classification> inner) {
        EnumSet<Effect> e = EnumSet.noneOf(Effect.class);
        SqlLexer lx = new SqlLexer().reset(sql);
        if (lx.next() != SqlLexer.WORD || !lx.is("SET")) {
            e.add(Effect.UNPARSEABLE);
            return e;
        }
        Scope scope = Scope.SESSION;
        boolean scopeNamed = false;
        int t = lx.next();
        if (t == SqlLexer.EOF || t == SqlLexer.SEMICOLON) {
            e.add(Effect.UNPARSEABLE); // a bare SET
            return e;
        }
        while (t != SqlLexer.EOF && t != SqlLexer.SEMICOLON) {
            if (t == SqlLexer.WORD) {
                Scope s = scopeKeyword(lx);
                if (s != null) {
                    scope = s;
                    scopeNamed = true;
                    t = lx.next();
                    continue;
                }
                if (lx.is("TRANSACTION")) {
                    if (!scopeNamed) {
                        // Without a scope it sets the next transaction's characteristics only: the server keeps
                        // them on this connection, reports nothing, and the next transaction of whichever
                        // session uses the connection gets them.
                        e.add(Effect.PIN_SESSION);
                    } else if (scope == Scope.SESSION) {
                        e.add(Effect.SESSION_VARIABLE);
                    }
                    return e; // its characteristics list uses commas of its own; nothing else may follow
                }
                if (lx.is("STATEMENT")) {
                    statementFor(lx, sql, inner, e);
                    return e;
                }
                if (lx.is("PASSWORD")) {
                    return e;
                }
                if (lx.is("ROLE")) {
                    // The current role is session state no tracker reports: it stays on the connection it was
                    // set on (and must never reach another session's statements there).
                    e.add(Effect.PIN_SESSION);
                    return e;
                }
                if (lx.is("DEFAULT")) {
                    return e; // SET DEFAULT ROLE changes the account, not this session
                }
                if (lx.is("NAMES") || lx.is("CHARSET") || lx.is("CHARACTER")) {
                    e.add(Effect.SESSION_VARIABLE);
                    t = skipToNextAssignment(lx);
                    continue;
                }
            }
            t = assignment(lx, t, scope, e);
        }
        return e;
    }

    private static Scope scopeKeyword(SqlLexer lx) {
        if (lx.is("GLOBAL") || lx.is("PERSIST") || lx.is("PERSIST_ONLY")) {
            return Scope.GLOBAL;
        }
        if (lx.is("SESSION") || lx.is("LOCAL")) {
            return Scope.SESSION;
        }
        return null;
    }

    /** Reads {@code target (=|:=) value}; returns the token after it (a comma is consumed). */
    private static int assignment(SqlLexer lx, int t, Scope scope, EnumSet<Effect> e) {
        String name;
        Scope effective = scope;
        if (t == SqlLexer.VARIABLE) {
            String v = lx.text();
            if (!v.startsWith("@@")) {
                e.add(Effect.PIN_SESSION); // user variable: lives on this backend connection only
                return skipValue(lx, e);
            }
            name = v.substring(2).toLowerCase(Locale.ROOT);
            // MariaDB's grammar gives @@name without a prefix its own scope (OPT_DEFAULT, i.e. session); a GLOBAL
            // keyword earlier in the list applies only to plain names: SET GLOBAL a = 1, @@b = 2 sets session b.
            effective = Scope.SESSION;
            int dot = name.indexOf('.');
            if (dot > 0) {
                String prefix = name.substring(0, dot);
                if (prefix.equals("global") || prefix.startsWith("persist")) {
                    effective = Scope.GLOBAL;
                    name = name.substring(dot + 1);
                } else if (prefix.equals("session") || prefix.equals("local")) {
                    effective = Scope.SESSION;
                    name = name.substring(dot + 1);
                }
            }
        } else if (t == SqlLexer.WORD || t == SqlLexer.QUOTED_IDENT) {
            name = lx.text().toLowerCase(Locale.ROOT);
            t = lx.next();
            while (t == SqlLexer.DOT) { // structured variables: SET keycache.key_buffer_size = ...
                if (lx.next() == SqlLexer.EOF) {
                    break;
                }
                name = name + "." + lx.text().toLowerCase(Locale.ROOT);
                t = lx.next();
            }
            return valueOf(lx, t, name, effective, e);
        } else {
            e.add(Effect.UNPARSEABLE);
            return skipToNextAssignment(lx);
        }
        return valueOf(lx, lx.next(), name, effective, e);
    }

    private static int valueOf(SqlLexer lx, int t, String name, Scope scope, EnumSet<Effect> e) {
        if (t != SqlLexer.OPERATOR || !(lx.is("=") || lx.is(":="))) {
            e.add(Effect.UNPARSEABLE);
            return skipToNextAssignment(lx);
        }
        if (scope == Scope.GLOBAL) {
            return skipValue(lx, e);
        }
        boolean pins = pinsTheSession(name);
        if (pins) {
            e.add(Effect.PIN_SESSION);
        }
        if (name.equals("autocommit")) {
            return autocommit(lx, e);
        }
        if (!pins) {
            e.add(Effect.SESSION_VARIABLE);
        }
        return skipValue(lx, e);
    }

    /**
     * Variables whose session value cannot be replayed on another connection: {@code sql_log_bin} (binlog off for
     * this connection only; ProxySQL stops multiplexing too), and {@code insert_id}, {@code rand_seed1},
     * {@code rand_seed2}, which the next statement consumes (the server resets them without reporting it, so a
     * replay would hand the same id or seed to every later statement).
     */
    private static boolean pinsTheSession(String name) {
        return switch (name) {
            case "sql_log_bin", "insert_id", "rand_seed1", "rand_seed2" -> true;
            default -> false;
        };
    }

    /** Reads the autocommit value; anything but an obvious literal is assumed to turn autocommit off. */
    private static int autocommit(SqlLexer lx, EnumSet<Effect> e) {
        int t = lx.next();
        Boolean on = null;
        if (t == SqlLexer.NUMBER) {
            on = lx.is("1") ? Boolean.TRUE : lx.is("0") ? Boolean.FALSE : null;
        } else if (t == SqlLexer.WORD) {
            on = lx.is("ON") || lx.is("TRUE") || lx.is("DEFAULT") ? Boolean.TRUE
                    : lx.is("OFF") || lx.is("FALSE") ? Boolean.FALSE : null;
        } else if (t == SqlLexer.STRING && lx.length() >= 2) {
            String v = lx.source().substring(lx.start() + 1, lx.end() - 1).toUpperCase(Locale.ROOT);
            on = v.equals("ON") || v.equals("1") ? Boolean.TRUE : v.equals("OFF") || v.equals("0") ? Boolean.FALSE
                    : null;
        }
        int next = lx.next();
        if (next != SqlLexer.COMMA && next != SqlLexer.EOF && next != SqlLexer.SEMICOLON) {
            on = null; // an expression such as 1-1 or @x: cannot tell
            next = skipValueFrom(lx, next, e);
        } else if (next == SqlLexer.COMMA) {
            next = lx.next();
        }
        e.add(Boolean.TRUE.equals(on) ? Effect.SET_AUTOCOMMIT_ON : Effect.SET_AUTOCOMMIT_OFF);
        return next;
    }

    private static void statementFor(SqlLexer lx, String sql, java.util.function.Function<String, Classification> inner,
                                     EnumSet<Effect> e) {
        int depth = 0;
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            if (t == SqlLexer.LPAREN) {
                depth++;
            } else if (t == SqlLexer.RPAREN) {
                depth--;
            } else if (depth == 0 && t == SqlLexer.WORD && lx.is("FOR")) {
                Classification c = inner.apply(sql.substring(lx.end()));
                e.addAll(c.effects());
                return;
            }
        }
        e.add(Effect.UNPARSEABLE);
    }

    /** Skips the value after {@code =}; an embedded {@code :=} assigns a user variable. */
    private static int skipValue(SqlLexer lx, EnumSet<Effect> e) {
        return skipValueFrom(lx, lx.next(), e);
    }

    private static int skipValueFrom(SqlLexer lx, int t, EnumSet<Effect> e) {
        int depth = 0;
        while (t != SqlLexer.EOF && t != SqlLexer.SEMICOLON) {
            if (t == SqlLexer.LPAREN) {
                depth++;
            } else if (t == SqlLexer.RPAREN) {
                depth--;
            } else if (t == SqlLexer.COMMA && depth <= 0) {
                return lx.next();
            } else if (t == SqlLexer.OPERATOR && lx.is(":=")) {
                e.add(Effect.PIN_SESSION);
            } else if (t == SqlLexer.WORD && lx.is("GET_LOCK")) {
                e.add(Effect.PIN_SESSION);
            }
            t = lx.next();
        }
        return t;
    }

    private static int skipToNextAssignment(SqlLexer lx) {
        int depth = 0;
        for (int t = lx.next(); t != SqlLexer.EOF && t != SqlLexer.SEMICOLON; t = lx.next()) {
            if (t == SqlLexer.LPAREN) {
                depth++;
            } else if (t == SqlLexer.RPAREN) {
                depth--;
            } else if (t == SqlLexer.COMMA && depth <= 0) {
                return lx.next();
            }
        }
        return SqlLexer.EOF;
    }
}
