package io.lintas.monitor;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one statement a health check runs, and the parsing of its rows into a {@link WsrepStatus}.
 *
 * <p>One statement means one round trip. It reads only information_schema, which MariaDB lets through
 * its wsrep gate even when the node is non-Primary, not ready or has wsrep_reject_queries set (SHOW and
 * information_schema reads are exempt, see mysql_execute_command): so an unhealthy node still tells us
 * <em>why</em> it is unhealthy instead of failing with error 1047.
 */
public final class WsrepQuery {
    private WsrepQuery() {
    }

    /** Status values read from information_schema.GLOBAL_STATUS. */
    static final List<String> STATUS = List.of("wsrep_local_state", "wsrep_local_state_comment", "wsrep_cluster_status",
        "wsrep_ready", "wsrep_connected", "wsrep_local_recv_queue", "wsrep_cluster_size", "wsrep_local_index");

    /** Server variables read from information_schema.GLOBAL_VARIABLES (not status on MariaDB 10.11). */
    static final List<String> VARIABLES = List.of("read_only", "wsrep_desync", "wsrep_reject_queries",
        "wsrep_sst_donor_rejects_queries");

    /** Returns rows of (VARIABLE_NAME, VARIABLE_VALUE). */
    public static final String SQL =
        "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ("
            + in(STATUS) + ") UNION ALL "
            + "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME IN ("
            + in(VARIABLES) + ")";

    private static String in(List<String> names) {
        List<String> quoted = new ArrayList<>();
        for (String n : names) {
            quoted.add("'" + n.toUpperCase(Locale.ROOT) + "'");
        }
        return String.join(",", quoted);
    }

    /**
     * Builds the status from name → value pairs (names in any case).
     *
     * @throws IllegalArgumentException when a value is missing (wsrep not enabled) or malformed
     */
    public static WsrepStatus parse(Map<String, String> raw) {
        Map<String, String> v = new HashMap<>();
        raw.forEach((k, val) -> v.put(k.toLowerCase(Locale.ROOT), val == null ? "" : val.trim()));
        List<String> missing = new ArrayList<>();
        for (String n : STATUS) {
            if (!v.containsKey(n)) {
                missing.add(n);
            }
        }
        for (String n : VARIABLES) {
            if (!v.containsKey(n)) {
                missing.add(n);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing " + String.join(", ", missing) + " (is wsrep enabled on this node?)");
        }
        return new WsrepStatus(
            (int) number(v, "wsrep_local_state"),
            v.get("wsrep_local_state_comment"),
            v.get("wsrep_cluster_status"),
            bool(v.get("wsrep_ready")),
            bool(v.get("wsrep_connected")),
            bool(v.get("wsrep_desync")),
            v.get("wsrep_reject_queries").toUpperCase(Locale.ROOT),
            bool(v.get("wsrep_sst_donor_rejects_queries")),
            bool(v.get("read_only")),
            number(v, "wsrep_local_recv_queue"),
            (int) number(v, "wsrep_cluster_size"),
            index(v.get("wsrep_local_index")));
    }

    /**
     * ON/OFF style flags. Anything but an explicit "off" counts as on, because newer MariaDB versions turn
     * read_only into an enum (ON, NO_LOCK, NO_LOCK_NO_ADMIN) whose non-OFF values all refuse writes.
     */
    static boolean bool(String s) {
        String u = s.toUpperCase(Locale.ROOT);
        return !(u.isEmpty() || u.equals("OFF") || u.equals("0") || u.equals("FALSE") || u.equals("NO"));
    }

    private static long number(Map<String, String> v, String name) {
        try {
            return Long.parseLong(v.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + v.get(name), e);
        }
    }

    /** wsrep_local_index is unsigned; outside a component it reads 18446744073709551615 (that is, -1). */
    private static int index(String s) {
        try {
            BigInteger b = new BigInteger(s);
            return b.bitLength() < 31 ? b.intValue() : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
