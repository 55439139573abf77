package io.lintas.admin.sql;

import org.h2.api.ErrorCode;

import java.sql.SQLException;
import java.util.Map;

/** Error codes the admin interface answers with, and the translation of H2's errors to MySQL ones. */
public final class AdminErrors {
    private AdminErrors() {}

    /** ER_UNKNOWN_ERROR: a command failed for a reason without a better code (invalid config, disk error). */
    public static final int UNKNOWN_ERROR = 1105;
    /** ER_PARSE_ERROR. */
    public static final int PARSE_ERROR = 1064;
    /** ER_NO_SUCH_THREAD. */
    public static final int NO_SUCH_THREAD = 1094;
    /** ER_UNKNOWN_SYSTEM_VARIABLE. */
    public static final int UNKNOWN_SYSTEM_VARIABLE = 1193;
    /** ER_BAD_DB_ERROR. */
    public static final int BAD_DB = 1049;
    /** ER_NOT_SUPPORTED_YET. */
    public static final int NOT_SUPPORTED = 1235;

    /** H2 error code to the MySQL/MariaDB code clients know for the same situation. */
    private static final Map<Integer, Integer> MYSQL_CODES = Map.ofEntries(
        Map.entry(ErrorCode.SYNTAX_ERROR_1, PARSE_ERROR),
        Map.entry(ErrorCode.SYNTAX_ERROR_2, PARSE_ERROR),
        Map.entry(ErrorCode.TABLE_OR_VIEW_ALREADY_EXISTS_1, 1050),
        Map.entry(ErrorCode.TABLE_OR_VIEW_NOT_FOUND_1, 1146),
        Map.entry(ErrorCode.TABLE_OR_VIEW_NOT_FOUND_WITH_CANDIDATES_2, 1146),
        Map.entry(ErrorCode.TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1, 1146),
        Map.entry(ErrorCode.COLUMN_NOT_FOUND_1, 1054),
        Map.entry(ErrorCode.DUPLICATE_KEY_1, 1062),
        Map.entry(ErrorCode.NULL_NOT_ALLOWED, 1048),
        Map.entry(ErrorCode.CHECK_CONSTRAINT_VIOLATED_1, 4025),
        Map.entry(ErrorCode.DATA_CONVERSION_ERROR_1, 1366),
        Map.entry(ErrorCode.SCHEMA_NOT_FOUND_1, BAD_DB),
        Map.entry(ErrorCode.COLUMN_COUNT_DOES_NOT_MATCH, 1136),
        Map.entry(ErrorCode.FUNCTION_NOT_FOUND_1, 1305));

    /** An ERR for an H2 failure: H2's message (without the echoed statement), its SQLSTATE, a MySQL code. */
    public static AdminResult.Error fromH2(SQLException e) {
        String state = e.getSQLState() != null && e.getSQLState().length() == 5 ? e.getSQLState() : "HY000";
        int code = MYSQL_CODES.getOrDefault(e.getErrorCode(), UNKNOWN_ERROR);
        return new AdminResult.Error(code, state, cleanMessage(e.getMessage()));
    }

    /** A generic failure with a message for the operator. */
    public static AdminResult.Error failure(String message) {
        return new AdminResult.Error(UNKNOWN_ERROR, "HY000", message);
    }

    /** H2 appends "; SQL statement: …" and "[code-version]"; the client already knows its statement. */
    static String cleanMessage(String message) {
        if (message == null) {
            return "unknown error";
        }
        String m = message;
        int cut = m.indexOf("; SQL statement:");
        if (cut >= 0) {
            m = m.substring(0, cut);
        }
        return m.replaceAll("\\s*\\[\\d+-\\d+]\\s*$", "").trim();
    }
}
