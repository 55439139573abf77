package io.lintas.router;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Case-insensitive lookup of SQL keywords and built-in function names straight from a source range, so the
 * normalizer can upper-case them without allocating.
 *
 * <p>A <em>clause</em> keyword (SELECT, FROM, IN, VALUES, ...) is written with a space before a following
 * parenthesis and around operators; every other word is glued to a following parenthesis. That makes
 * {@code name(} in a digest mean "call or type", which the classifier relies on.
 */
final class KeywordTable {

    private static final String[] CLAUSE_WORDS = {
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "XOR", "IN", "AS", "ON", "USING", "JOIN", "INNER", "OUTER",
        "CROSS", "NATURAL", "STRAIGHT_JOIN", "UNION", "EXCEPT", "INTERSECT", "ALL", "DISTINCT", "DISTINCTROW", "ANY",
        "SOME", "EXISTS", "WITH", "RECURSIVE", "GROUP", "ORDER", "BY", "HAVING", "LIMIT", "OFFSET", "WINDOW", "OVER",
        "PARTITION", "ROWS", "RANGE", "PRECEDING", "FOLLOWING", "UNBOUNDED", "AGAINST", "BETWEEN", "LIKE", "RLIKE",
        "REGEXP", "SOUNDS", "IS", "WHEN", "THEN", "ELSE", "END", "INTO", "VALUES", "VALUE", "SET", "UPDATE", "DELETE",
        "FOR", "LOCK", "SHARE", "MODE", "DUPLICATE", "IGNORE", "RETURNING", "TABLE", "TABLES", "INDEX", "FORCE",
        "USE", "CALL", "DO", "HANDLER", "LATERAL", "ESCAPE", "COLLATE", "DIV", "CHECK", "COLUMNS", "PATH", "NESTED",
        "ORDINALITY", "HIGH_PRIORITY", "LOW_PRIORITY", "DELAYED", "QUICK", "SQL_CALC_FOUND_ROWS", "SQL_NO_CACHE",
        "SQL_CACHE", "SQL_SMALL_RESULT", "SQL_BIG_RESULT", "SQL_BUFFER_RESULT", "ROLLUP", "ASC", "DESC", "EXPLAIN",
        "DESCRIBE", "SHOW", "BEGIN", "START", "TRANSACTION", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "WORK",
        "CHAIN", "NO", "READ", "WRITE", "ONLY", "CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME", "TEMPORARY",
        "GLOBAL", "SESSION", "LOCAL", "NAMES", "ISOLATION", "LEVEL", "PREPARE", "EXECUTE", "DEALLOCATE",
        "IMMEDIATE", "XA", "FLUSH", "UNLOCK", "GRANT", "REVOKE", "ANALYZE", "OPTIMIZE", "REPAIR", "CHECKSUM",
        "KILL", "LOAD", "DATA", "INFILE", "OUTFILE", "DUMPFILE", "FIELDS", "LINES", "TERMINATED", "ENCLOSED",
        "ESCAPED", "STARTING", "OPTIONALLY", "CONCURRENT", "HELP", "DUAL", "EXTENDED", "PARTITIONS", "REFERENCES",
        "FOREIGN", "CONSTRAINT", "UNIQUE", "FULLTEXT", "SPATIAL", "ADD", "MODIFY", "CHANGE", "COLUMN", "AFTER",
        "BEFORE", "EACH", "ROW_FORMAT", "ENGINE", "TO", "OF", "WAIT", "NOWAIT", "SKIP", "LOCKED", "FETCH", "FIRST",
        "NEXT", "PREVIOUS"
    };

    private static final String[] OTHER_WORDS = {
        "NULL", "TRUE", "FALSE", "UNKNOWN", "DEFAULT", "CASE", "INTERVAL", "KEY", "PRIMARY", "IF", "REPLACE",
        "INSERT", "LEFT", "RIGHT", "BINARY", "MOD", "ROW", "CONVERT", "CAST", "CHARACTER", "CHARSET", "AUTOCOMMIT",
        "SQL_LOG_BIN", "PERSIST", "PERSIST_ONLY", "PASSWORD", "ROLE", "STATEMENT", "CONSISTENT", "SNAPSHOT",
        "COMMITTED", "UNCOMMITTED", "REPEATABLE", "SERIALIZABLE", "STATUS", "VARIABLES", "PROCESSLIST", "FULL",
        "DATABASES", "SCHEMAS", "WARNINGS", "ERRORS", "PROFILE", "PROFILES", "ENGINES", "PLUGINS", "GRANTS",
        "MASTER", "SLAVE", "REPLICA", "BINLOG", "LOGS", "EVENTS", "TRIGGERS", "PROCEDURE", "FUNCTION", "VIEW",
        "EVENT", "TRIGGER", "SEQUENCE", "USER", "IDENTIFIED", "DEFINER", "INCREMENT", "CACHE", "CYCLE", "NOCACHE",
        "NOCYCLE", "MINVALUE", "MAXVALUE", "EXPORT", "BACKUP", "STAGE", "PURGE", "RESET", "STOP", "SHUTDOWN",
        "INSTALL", "UNINSTALL", "PLUGIN", "SONAME", "SIGNAL", "RESIGNAL", "DECLARE", "CURSOR", "OPEN", "CLOSE",
        "CONTINUE", "EXIT", "LOOP", "WHILE", "UNTIL", "LEAVE", "ITERATE", "RETURN", "RETURNS", "DETERMINISTIC",
        "ATOMIC", "AUTO_INCREMENT", "COMMENT", "CASCADE", "RESTRICT", "SYSTEM_TIME", "VERSIONING", "SYSTEM",
        "PERIOD", "PORTION", "GENERATED", "ALWAYS", "VIRTUAL", "STORED", "PERSISTENT", "ZEROFILL", "DATABASE",
        "SCHEMA", "CONNECTION", "QUERY", "MEMBER", "BOOLEAN", "BOOL", "TEXT", "TINYTEXT", "MEDIUMTEXT",
        "LONGTEXT", "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "JSON", "DATE", "HOUR", "MINUTE", "SECOND",
        "DAY", "WEEK", "MONTH", "QUARTER", "MICROSECOND", "DAY_HOUR", "DAY_MINUTE", "DAY_SECOND", "HOUR_MINUTE",
        "HOUR_SECOND", "MINUTE_SECOND", "YEAR_MONTH", "SEPARATOR", "IMMEDIATE", "MATCHED", "LAST", "NULLS",
        "ZONE", "CURRENT", "OWNER", "OPTION", "PRIVILEGES", "ADMIN", "ACCOUNT", "UNDO", "REDO", "SUSPEND",
        "RESUME", "RECOVER"
    };

    /** Column types whose parenthesised numbers are lengths and precisions, not values. */
    private static final String[] TYPE_WORDS = {
        "DECIMAL", "DEC", "NUMERIC", "FIXED", "FLOAT", "DOUBLE", "REAL", "CHAR", "VARCHAR", "NCHAR", "NVARCHAR",
        "BINARY", "VARBINARY", "DATETIME", "TIMESTAMP", "TIME", "BIT", "INT", "INTEGER", "BIGINT", "SMALLINT",
        "TINYINT", "MEDIUMINT"
    };

    private static final int FLAG_CLAUSE = 1;
    private static final int FLAG_TYPE = 2;

    private static final char[][] WORDS;
    /** Keywords with every char OR 0x20: letters lower-cased, so one OR folds the input for comparison. */
    private static final char[][] FOLDED;
    private static final String[] CANONICAL;
    private static final int[] HASHES;
    private static final int[] FLAGS;
    private static final int MASK;
    private static final int MAX_LENGTH = 40;

    static {
        Map<String, Integer> all = new LinkedHashMap<>();
        for (String w : OTHER_WORDS) {
            all.put(w, 0);
        }
        for (String w : FunctionCatalog.knownNames()) {
            all.putIfAbsent(w, 0);
        }
        for (String w : CLAUSE_WORDS) {
            all.put(w, FLAG_CLAUSE);
        }
        for (String w : TYPE_WORDS) {
            all.put(w, FLAG_TYPE);
        }
        int size = Integer.highestOneBit(all.size() * 4 - 1) << 1;
        MASK = size - 1;
        WORDS = new char[size][];
        FOLDED = new char[size][];
        CANONICAL = new String[size];
        HASHES = new int[size];
        FLAGS = new int[size];
        for (Map.Entry<String, Integer> e : all.entrySet()) {
            String w = e.getKey().toUpperCase(Locale.ROOT);
            char[] chars = w.toCharArray();
            int h = hash(chars, 0, chars.length);
            int slot = h & MASK;
            while (WORDS[slot] != null) {
                slot = (slot + 1) & MASK;
            }
            WORDS[slot] = chars;
            char[] folded = new char[chars.length];
            for (int i = 0; i < chars.length; i++) {
                folded[i] = (char) (chars[i] | 0x20);
            }
            FOLDED[slot] = folded;
            CANONICAL[slot] = w.intern();
            HASHES[slot] = h;
            FLAGS[slot] = e.getValue();
        }
    }

    private KeywordTable() {
    }

    /** Slot of the word {@code src[start, end)} ignoring case, or -1 if it is not a keyword. */
    static int lookup(char[] src, int start, int end) {
        return lookup(src, start, end, hash(src, start, end));
    }

    /**
     * Like {@link #lookup(char[], int, int)} with the word's hash already computed by {@link #fold} over its
     * chars and finished by {@link #finish} (the lexer does this while it scans the word).
     */
    static int lookup(char[] src, int start, int end, int hash) {
        int n = end - start;
        if (n == 0 || n > MAX_LENGTH) {
            return -1;
        }
        int slot = hash & MASK;
        while (true) {
            char[] w = FOLDED[slot];
            if (w == null) {
                return -1;
            }
            if (HASHES[slot] == hash && w.length == n && sameFolded(w, src, start)) {
                return slot;
            }
            slot = (slot + 1) & MASK;
        }
    }

    /** One step of the case-insensitive word hash: letters hash the same in either case. */
    static int fold(int h, char c) {
        return 31 * h + (c | 0x20);
    }

    /** Spreads the bits of a {@link #fold} result over the table. */
    static int finish(int h) {
        h ^= h >>> 15;
        h *= 0x2c1b3c6d;
        h ^= h >>> 12;
        return h;
    }

    /** Upper-case spelling of the keyword in {@code slot}; the same instance every time. */
    static String canonical(int slot) {
        return CANONICAL[slot];
    }

    /** Upper-case spelling of the keyword in {@code slot} as chars (shared: do not modify). */
    static char[] chars(int slot) {
        return WORDS[slot];
    }

    /** Whether the keyword in {@code slot} is a clause keyword (spaced before parentheses and operators). */
    static boolean isClause(int slot) {
        return (FLAGS[slot] & FLAG_CLAUSE) != 0;
    }

    /** Whether the keyword in {@code slot} is a column type taking a length or precision. */
    static boolean isType(int slot) {
        return (FLAGS[slot] & FLAG_TYPE) != 0;
    }

    /** Upper-case spelling of {@code word} if it is a keyword, else null. */
    static String canonical(String word) {
        int slot = lookup(word.toCharArray(), 0, word.length());
        return slot < 0 ? null : CANONICAL[slot];
    }

    private static int hash(char[] s, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = fold(h, s[i]);
        }
        return finish(h);
    }

    /**
     * Compares against a folded keyword. Keyword chars are A-Z, 0-9 and _, and within an identifier only those
     * chars OR 0x20 to the folded values, so no other input can match.
     */
    private static boolean sameFolded(char[] folded, char[] src, int start) {
        for (int i = 0; i < folded.length; i++) {
            if ((src[start + i] | 0x20) != folded[i]) {
                return false;
            }
        }
        return true;
    }
}
