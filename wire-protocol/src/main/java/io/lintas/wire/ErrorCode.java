package io.lintas.wire;

/** MySQL error codes the proxy itself answers with, each with its SQLSTATE. */
public enum ErrorCode {
    ER_CON_COUNT_ERROR(1040, "08004"),
    ER_HANDSHAKE_ERROR(1043, "08S01"),
    ER_DBACCESS_DENIED_ERROR(1044, "42000"),
    ER_ACCESS_DENIED_ERROR(1045, "28000"),
    ER_NO_DB_ERROR(1046, "3D000"),
    ER_UNKNOWN_COM_ERROR(1047, "08S01"),
    ER_BAD_DB_ERROR(1049, "42000"),
    ER_NET_PACKET_TOO_LARGE(1153, "08S01"),
    ER_NET_READ_ERROR_FROM_PIPE(1154, "08S01"),
    ER_NET_FCNTL_ERROR(1155, "08S01"),
    ER_NET_PACKETS_OUT_OF_ORDER(1156, "08S01"),
    ER_NET_UNCOMPRESS_ERROR(1157, "08S01"),
    ER_NET_READ_ERROR(1158, "08S01"),
    ER_NET_READ_INTERRUPTED(1159, "08S01"),
    ER_NET_ERROR_ON_WRITE(1160, "08S01"),
    ER_NOT_SUPPORTED_YET(1235, "42000"),
    ER_NOT_SUPPORTED_AUTH_MODE(1251, "08004"),
    ER_MALFORMED_PACKET(1835, "HY000"),
    ER_QUERY_INTERRUPTED(1317, "70100"),
    ER_USER_LIMIT_REACHED(1226, "42000"),
    ER_NO_SUCH_THREAD(1094, "HY000"),
    ER_KILL_DENIED_ERROR(1095, "HY000"),
    /** What a query rule's {@code error_msg} answers with (ProxySQL uses the same code). */
    ER_NOT_ALLOWED_COMMAND(1148, "42000"),
    ER_UNKNOWN_STMT_HANDLER(1243, "HY000"),
    /** A node's pool stayed at max_connections for queue_timeout_ms; the session stays usable. */
    BACKEND_BUSY(9002, "HY000"),
    /**
     * No database node could be reached (ProxySQL answers the same situation with 9001). Client-range
     * codes such as 2003 or 2013 must not be sent by a server: libmariadb reports them as "malformed packet".
     */
    BACKEND_UNREACHABLE(9001, "08S01");

    private final int code;
    private final String sqlState;

    ErrorCode(int code, String sqlState) {
        this.code = code;
        this.sqlState = sqlState;
    }

    /** The numeric error code. */
    public int code() {
        return code;
    }

    /** The five-character SQLSTATE. */
    public String sqlState() {
        return sqlState;
    }
}
