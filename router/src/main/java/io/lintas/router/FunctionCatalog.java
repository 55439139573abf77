package io.lintas.router;

import java.util.Locale;
import java.util.Set;

/**
 * Which function calls keep a SELECT on a reader.
 *
 * <p>Like MaxScale, a SELECT is READ only if every function it calls is a known built-in whose result does not
 * depend on writer-side session state: an unknown name may be a stored function that writes, so it routes the
 * statement to the writer.
 */
final class FunctionCatalog {

    /** What calling a function means for routing. */
    enum Kind {
        /** Built-in, deterministic enough to answer from any synced node. */
        SAFE,
        /** Reads or changes state of this session on the writer (locks, last insert id, sequences, waits). */
        WRITE,
        /**
         * Like WRITE, and also creates state bound to one backend connection: GET_LOCK's lock, NEXTVAL's value
         * that LASTVAL / PREVIOUS VALUE FOR read back on that connection only.
         */
        PIN,
        /** Not known: may be a stored function. */
        UNKNOWN
    }

    private static final Set<String> PIN_FUNCTIONS = Set.of("GET_LOCK", "NEXTVAL");

    private static final Set<String> WRITE_FUNCTIONS = Set.of(
            "RELEASE_LOCK", "RELEASE_ALL_LOCKS", "IS_FREE_LOCK", "IS_USED_LOCK",
            "LAST_INSERT_ID", "FOUND_ROWS", "ROW_COUNT",
            "LASTVAL", "SETVAL", "CURRVAL",
            "SLEEP", "MASTER_POS_WAIT", "MASTER_GTID_WAIT", "SOURCE_POS_WAIT",
            "WAIT_FOR_EXECUTED_GTID_SET", "WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS",
            "LOAD_FILE");

    /** Names that are glued to a parenthesis without being calls: types, constructors, clauses. */
    private static final Set<String> NOT_CALLS = Set.of(
            "CHAR", "VARCHAR", "NCHAR", "NVARCHAR", "BINARY", "VARBINARY", "DECIMAL", "DEC", "NUMERIC", "FIXED",
            "FLOAT", "DOUBLE", "REAL", "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "MEDIUMINT", "BIT",
            "DATETIME", "TIMESTAMP", "TIME", "YEAR", "ENUM", "SIGNED", "UNSIGNED", "ROW", "KEY",
            "VALUES", "VALUE", "IN", "USING", "EXISTS", "OVER", "PARTITION", "COLUMNS", "AGAINST", "ANY", "SOME",
            "ALL", "AS", "ON", "LATERAL", "WITH", "SELECT", "INDEX", "NOT", "AND", "OR", "XOR", "WHERE", "FROM",
            "JOIN", "UNION", "EXCEPT", "INTERSECT", "WINDOW", "PRIMARY", "UNIQUE", "CHECK", "INTERVAL");

    private static final Set<String> SAFE_FUNCTIONS = Set.of(
            // aggregate and window
            "AVG", "BIT_AND", "BIT_OR", "BIT_XOR", "COUNT", "GROUP_CONCAT", "MAX", "MIN", "STD", "STDDEV",
            "STDDEV_POP", "STDDEV_SAMP", "SUM", "VAR_POP", "VAR_SAMP", "VARIANCE", "PERCENTILE_CONT",
            "PERCENTILE_DISC", "MEDIAN", "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE",
            "LAG", "LEAD", "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE", "GROUPING", "ANY_VALUE",
            // string
            "ASCII", "BIN", "BIT_LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH", "CHR", "CONCAT", "CONCAT_WS", "ELT",
            "EXPORT_SET", "EXTRACTVALUE", "FIELD", "FIND_IN_SET", "FORMAT", "FROM_BASE64", "HEX", "INSERT", "INSTR",
            "LCASE", "LEFT", "LENGTH", "LENGTHB", "LOCATE", "LOWER", "LPAD", "LTRIM", "MAKE_SET", "MID",
            "NATURAL_SORT_KEY", "OCT", "OCTET_LENGTH", "ORD", "POSITION", "QUOTE", "REPEAT", "REPLACE", "REVERSE",
            "RIGHT", "RPAD", "RTRIM", "SFORMAT", "SOUNDEX", "SPACE", "STRCMP", "SUBSTR", "SUBSTRING",
            "SUBSTRING_INDEX", "TO_BASE64", "TO_CHAR", "TRIM", "UCASE", "UNHEX", "UPDATEXML", "UPPER",
            "WEIGHT_STRING", "REGEXP_REPLACE", "REGEXP_INSTR", "REGEXP_SUBSTR", "REGEXP_LIKE", "CONVERT", "CAST",
            "COLLATION", "CHARSET", "COERCIBILITY", "MATCH", "FORMAT_BYTES", "FORMAT_PICO_TIME",
            // numeric
            "ABS", "ACOS", "ASIN", "ATAN", "ATAN2", "CEIL", "CEILING", "CONV", "COS", "COT", "CRC32", "CRC32C",
            "DEGREES", "EXP", "FLOOR", "GREATEST", "LEAST", "LN", "LOG", "LOG10", "LOG2", "MOD", "PI", "POW",
            "POWER", "RADIANS", "RAND", "ROUND", "SIGN", "SIN", "SQRT", "TAN", "TRUNCATE", "BIT_COUNT",
            // date and time
            "ADDDATE", "ADDTIME", "ADD_MONTHS", "CONVERT_TZ", "CURDATE", "CURRENT_DATE", "CURRENT_TIME",
            "CURRENT_TIMESTAMP", "CURTIME", "DATE", "DATEDIFF", "DATE_ADD", "DATE_FORMAT", "DATE_SUB", "DAY",
            "DAYNAME", "DAYOFMONTH", "DAYOFWEEK", "DAYOFYEAR", "EXTRACT", "FROM_DAYS", "FROM_UNIXTIME",
            "GET_FORMAT", "HOUR", "LAST_DAY", "LOCALTIME", "LOCALTIMESTAMP", "MAKEDATE", "MAKETIME", "MICROSECOND",
            "MINUTE", "MONTH", "MONTHNAME", "NOW", "PERIOD_ADD", "PERIOD_DIFF", "QUARTER", "SEC_TO_TIME", "SECOND",
            "STR_TO_DATE", "SUBDATE", "SUBTIME", "SYSDATE", "TIME_FORMAT", "TIME_TO_SEC", "TIMEDIFF",
            "TIMESTAMPADD", "TIMESTAMPDIFF", "TO_DAYS", "TO_SECONDS", "UNIX_TIMESTAMP", "UTC_DATE", "UTC_TIME",
            "UTC_TIMESTAMP", "WEEK", "WEEKDAY", "WEEKOFYEAR", "YEARWEEK", "TIMESTAMP", "TIME", "YEAR",
            // control flow
            "IF", "IFNULL", "NULLIF", "COALESCE", "ISNULL", "NVL", "NVL2", "DECODE", "DECODE_ORACLE", "INTERVAL",
            "CASE", "DEFAULT",
            // hashing, encryption, compression
            "AES_DECRYPT", "AES_ENCRYPT", "COMPRESS", "DES_DECRYPT", "DES_ENCRYPT", "ENCODE", "ENCRYPT", "KDF",
            "MD5", "OLD_PASSWORD", "PASSWORD", "RANDOM_BYTES", "SHA", "SHA1", "SHA2", "UNCOMPRESS",
            "UNCOMPRESSED_LENGTH",
            // information (answered the same by every node for this session's user and schema)
            "BENCHMARK", "CONNECTION_ID", "CURRENT_ROLE", "CURRENT_USER", "DATABASE", "SCHEMA", "SESSION_USER",
            "SYSTEM_USER", "USER", "VERSION", "BINLOG_GTID_POS", "DECODE_HISTOGRAM",
            // miscellaneous
            "INET_ATON", "INET_NTOA", "INET6_ATON", "INET6_NTOA", "IS_IPV4", "IS_IPV4_COMPAT", "IS_IPV4_MAPPED",
            "IS_IPV6", "NAME_CONST", "SYS_GUID", "UUID", "UUID_SHORT", "UUID_TO_BIN", "BIN_TO_UUID", "VALUES",
            "COLUMN_ADD", "COLUMN_CHECK", "COLUMN_CREATE", "COLUMN_DELETE", "COLUMN_EXISTS", "COLUMN_GET",
            "COLUMN_JSON", "COLUMN_LIST", "ROW");

    private FunctionCatalog() {
    }

    /** Classifies a function name; qualified ({@code db.f}) or quoted names are stored functions, so UNKNOWN. */
    static Kind kindOf(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (PIN_FUNCTIONS.contains(n)) {
            return Kind.PIN;
        }
        if (WRITE_FUNCTIONS.contains(n)) {
            return Kind.WRITE;
        }
        if (SAFE_FUNCTIONS.contains(n) || NOT_CALLS.contains(n)) {
            return Kind.SAFE;
        }
        // Every JSON_*, spatial ST_* and MBR* built-in is a pure function of its arguments.
        if (n.startsWith("JSON_") || n.startsWith("ST_") || n.startsWith("MBR")) {
            return Kind.SAFE;
        }
        return Kind.UNKNOWN;
    }

    /** All names this catalog knows, so the digest can upper-case them. */
    static Set<String> knownNames() {
        java.util.HashSet<String> all = new java.util.HashSet<>(SAFE_FUNCTIONS);
        all.addAll(WRITE_FUNCTIONS);
        all.addAll(PIN_FUNCTIONS);
        all.addAll(NOT_CALLS);
        return all;
    }
}
