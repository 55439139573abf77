package io.lintas.proxy.session;

import io.lintas.wire.Command;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What one client session is doing, for {@code stats_mysql_processlist}: written by the session on its event loop
 * (a few volatile writes per command, no allocation), read by the admin interface on its own thread. The fields
 * are read one by one, so a row may mix two consecutive commands; that is what a processlist is.
 */
final class SessionActivity {
    private static final int IDLE = -1;

    private volatile String clientHost = "";
    private volatile int clientPort;
    private volatile int command = IDLE;
    private volatile long startNanos = System.nanoTime();
    private volatile String schema;
    private volatile String info;

    /** The client's address (called once the channel is active). */
    void client(SocketAddress address) {
        if (address instanceof InetSocketAddress isa) {
            clientHost = isa.getAddress() == null ? isa.getHostString() : isa.getAddress().getHostAddress();
            clientPort = isa.getPort();
        } else {
            clientHost = address == null ? "unix-socket" : String.valueOf(address);
        }
    }

    /** A command starts (on the session's loop). */
    void started(int cmd, String currentSchema, long nanos) {
        schema = currentSchema;
        info = null;
        startNanos = nanos;
        // Commands Lintas answers at once never reach the end-of-command hook: they are not "running".
        command = switch (cmd) {
            case Command.COM_PING, Command.COM_QUIT, Command.COM_RESET_CONNECTION, Command.COM_STMT_CLOSE -> IDLE;
            default -> cmd;
        };
    }

    /** The text of the running COM_QUERY. */
    void query(String sql) {
        info = sql;
    }

    /** True when no command has run for {@code nanos} (a command Lintas answers itself, such as COM_PING, counts). */
    boolean idleFor(long nanos) {
        return command == IDLE && System.nanoTime() - startNanos >= nanos;
    }

    /** The command ended at {@code nanos} ({@link System#nanoTime()}). */
    void idle(long nanos) {
        if (command != IDLE) {
            command = IDLE;
            info = null;
            startNanos = nanos;
        }
    }

    String clientHost() {
        return clientHost;
    }

    int clientPort() {
        return clientPort;
    }

    String schema() {
        return schema;
    }

    /** ProxySQL's command column: {@code Sleep} when idle, {@code Query}, {@code Execute}, … otherwise. */
    String commandName() {
        int c = command;
        if (c == IDLE) {
            return "Sleep";
        }
        String name = Command.name(c);
        String bare = name.startsWith("COM_") ? name.substring(4) : name;
        if (bare.startsWith("STMT_")) {
            bare = bare.substring(5);
        }
        return bare.isEmpty() ? name : bare.charAt(0) + bare.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    boolean running() {
        return command != IDLE;
    }

    String info() {
        return info;
    }

    long elapsedMs() {
        return Math.max(0, (System.nanoTime() - startNanos) / 1_000_000);
    }
}
