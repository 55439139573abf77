package io.lintas.router;

import java.util.Locale;

/**
 * Recognises MariaDB compound statements, whose bodies contain semicolons although the server runs the whole
 * text as one statement: stored-program definitions ({@code CREATE PROCEDURE .. BEGIN ..; ..; END}) and
 * anonymous blocks ({@code BEGIN NOT ATOMIC}, top-level IF/CASE/LOOP/REPEAT/WHILE). They must not be split
 * at their semicolons like a real multi-statement text.
 */
final class CompoundStatements {
    private static final int LOOKAHEAD_WORDS = 8;

    /** What kind of compound statement a text starts with. */
    enum Kind {
        /** Not a compound statement. */
        NONE,
        /** Defines a stored program; nothing in the body runs now. */
        DEFINITION,
        /** A block that runs now and may do anything to the session. */
        BLOCK
    }

    private CompoundStatements() {
    }

    /** The kind of compound statement {@code sql} starts with, judged from its first words. */
    static Kind kindOf(String sql) {
        SqlLexer lx = new SqlLexer().reset(sql);
        String first = null;
        int words = 0;
        for (int t = lx.next(); t != SqlLexer.EOF && t != SqlLexer.SEMICOLON && words < LOOKAHEAD_WORDS;
             t = lx.next()) {
            if (t != SqlLexer.WORD) {
                if (first != null && !first.equals("CREATE")) {
                    break;
                }
                continue;
            }
            String w = upper(lx);
            words++;
            if (first == null) {
                first = w;
                if (isBlockStart(w)) {
                    return Kind.BLOCK;
                }
                if (!w.equals("BEGIN") && !w.equals("CREATE")) {
                    return Kind.NONE;
                }
                continue;
            }
            if (first.equals("BEGIN")) {
                return w.equals("NOT") ? Kind.BLOCK : Kind.NONE;
            }
            switch (w) {
                case "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE" -> {
                    return Kind.DEFINITION;
                }
                case "TABLE", "VIEW", "INDEX", "DATABASE", "SCHEMA", "USER", "ROLE", "SEQUENCE", "SERVER" -> {
                    return Kind.NONE;
                }
                default -> {
                }
            }
        }
        return Kind.NONE;
    }

    /** First words of top-level flow-control blocks (MariaDB runs these outside stored programs too). */
    static boolean isBlockStart(String upperWord) {
        return switch (upperWord) {
            case "IF", "CASE", "LOOP", "REPEAT", "WHILE" -> true;
            default -> false;
        };
    }

    private static String upper(SqlLexer lx) {
        String k = KeywordTable.canonical(lx.text());
        return k != null ? k : lx.text().toUpperCase(Locale.ROOT);
    }
}
