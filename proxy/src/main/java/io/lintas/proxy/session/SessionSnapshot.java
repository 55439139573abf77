package io.lintas.proxy.session;

import io.lintas.monitor.BackendNode;

/**
 * One client session as the admin processlist shows it.
 *
 * @param node    the node running its statement now, or null when idle
 * @param command {@code Sleep}, {@code Query}, {@code Execute}, …
 * @param info    the running statement's text, or null
 */
public record SessionSnapshot(long connectionId, String user, String schema, String clientHost, int clientPort,
                              String command, long timeMs, String info, BackendNode node) {
}
