package io.lintas.wire;

/** Command bytes that open a client request in the command phase. */
public final class Command {
    private Command() {}

    public static final int COM_SLEEP = 0x00;
    public static final int COM_QUIT = 0x01;
    public static final int COM_INIT_DB = 0x02;
    public static final int COM_QUERY = 0x03;
    public static final int COM_FIELD_LIST = 0x04;
    public static final int COM_CREATE_DB = 0x05;
    public static final int COM_DROP_DB = 0x06;
    public static final int COM_REFRESH = 0x07;
    public static final int COM_SHUTDOWN = 0x08;
    public static final int COM_STATISTICS = 0x09;
    public static final int COM_PROCESS_INFO = 0x0a;
    public static final int COM_CONNECT = 0x0b;
    public static final int COM_PROCESS_KILL = 0x0c;
    public static final int COM_DEBUG = 0x0d;
    public static final int COM_PING = 0x0e;
    public static final int COM_TIME = 0x0f;
    public static final int COM_DELAYED_INSERT = 0x10;
    public static final int COM_CHANGE_USER = 0x11;
    public static final int COM_BINLOG_DUMP = 0x12;
    public static final int COM_TABLE_DUMP = 0x13;
    public static final int COM_CONNECT_OUT = 0x14;
    public static final int COM_REGISTER_SLAVE = 0x15;
    public static final int COM_STMT_PREPARE = 0x16;
    public static final int COM_STMT_EXECUTE = 0x17;
    public static final int COM_STMT_SEND_LONG_DATA = 0x18;
    public static final int COM_STMT_CLOSE = 0x19;
    public static final int COM_STMT_RESET = 0x1a;
    public static final int COM_SET_OPTION = 0x1b;
    public static final int COM_STMT_FETCH = 0x1c;
    public static final int COM_DAEMON = 0x1d;
    public static final int COM_BINLOG_DUMP_GTID = 0x1e;
    public static final int COM_RESET_CONNECTION = 0x1f;

    /** COM_STMT_EXECUTE flag asking for a read-only cursor. */
    public static final int CURSOR_TYPE_READ_ONLY = 0x01;

    private static final String[] NAMES = {
        "SLEEP", "QUIT", "INIT_DB", "QUERY", "FIELD_LIST", "CREATE_DB", "DROP_DB", "REFRESH", "SHUTDOWN",
        "STATISTICS", "PROCESS_INFO", "CONNECT", "PROCESS_KILL", "DEBUG", "PING", "TIME", "DELAYED_INSERT",
        "CHANGE_USER", "BINLOG_DUMP", "TABLE_DUMP", "CONNECT_OUT", "REGISTER_SLAVE", "STMT_PREPARE",
        "STMT_EXECUTE", "STMT_SEND_LONG_DATA", "STMT_CLOSE", "STMT_RESET", "SET_OPTION", "STMT_FETCH",
        "DAEMON", "BINLOG_DUMP_GTID", "RESET_CONNECTION"
    };

    /** Human-readable name of a command byte, e.g. {@code COM_QUERY}. */
    public static String name(int command) {
        return command >= 0 && command < NAMES.length ? "COM_" + NAMES[command] : "COM_0x" + Integer.toHexString(command);
    }
}
