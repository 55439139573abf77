package io.lintas.proxy.admin;

import io.lintas.admin.spi.VariableRow;
import io.lintas.proxy.config.LintasConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code global_variables} Lintas shows: each is named {@code lintas-} + its key path in the YAML config. The
 * routing ones apply at runtime ({@code LOAD MYSQL VARIABLES TO RUNTIME}); the monitor ones are read-only at
 * runtime (the monitor would have to restart): {@code LOAD … TO RUNTIME} refuses a change to them, while
 * {@code SAVE … TO DISK} writes it for the next start.
 */
final class RuntimeVariables {
    static final String CONSISTENCY = "lintas-routing.consistency";
    static final String FALL_BACK = "lintas-routing.reads_fall_back_to_writer";
    static final String FAILOVER_WAIT = "lintas-routing.failover_wait_ms";
    static final String WARNINGS_HOLD = "lintas-routing.warnings_hold_ms";
    static final String MONITOR_ENABLED = "lintas-monitor.enabled";
    static final String MONITOR_USER = "lintas-monitor.user";
    static final String MONITOR_INTERVAL = "lintas-monitor.interval_ms";
    static final String MONITOR_TIMEOUT = "lintas-monitor.timeout_ms";
    static final String MONITOR_MAX_FAILURES = "lintas-monitor.max_failures";
    static final String MONITOR_FAILBACK = "lintas-monitor.failback";
    static final String MONITOR_FAILBACK_AFTER = "lintas-monitor.failback_after_ms";

    /** Variables that apply at runtime. */
    static final Set<String> RUNTIME = Set.of(CONSISTENCY, FALL_BACK, FAILOVER_WAIT, WARNINGS_HOLD);
    /** Every variable, in display order. */
    static final List<String> ALL = List.of(CONSISTENCY, FALL_BACK, FAILOVER_WAIT, WARNINGS_HOLD, MONITOR_ENABLED,
        MONITOR_USER, MONITOR_INTERVAL, MONITOR_TIMEOUT, MONITOR_MAX_FAILURES, MONITOR_FAILBACK,
        MONITOR_FAILBACK_AFTER);

    private RuntimeVariables() {}

    /** The variables of {@code config}. */
    static Map<String, String> of(LintasConfig config) {
        Map<String, String> v = new LinkedHashMap<>();
        LintasConfig.RoutingSettings r = config.routing();
        v.put(CONSISTENCY, r.consistency() == LintasConfig.Consistency.EVENTUAL ? "eventual" : "read_your_writes");
        v.put(FALL_BACK, Boolean.toString(r.readsFallBackToWriter()));
        v.put(FAILOVER_WAIT, Integer.toString(r.failoverWaitMs()));
        v.put(WARNINGS_HOLD, Integer.toString(r.warningsHoldMs()));
        var m = config.monitor().settings();
        v.put(MONITOR_ENABLED, Boolean.toString(config.monitor().enabled()));
        v.put(MONITOR_USER, m.user());
        v.put(MONITOR_INTERVAL, Long.toString(m.intervalMs()));
        v.put(MONITOR_TIMEOUT, Long.toString(m.timeoutMs()));
        v.put(MONITOR_MAX_FAILURES, Integer.toString(m.maxFailures()));
        v.put(MONITOR_FAILBACK, Boolean.toString(m.failback()));
        v.put(MONITOR_FAILBACK_AFTER, Long.toString(m.failbackAfterMs()));
        return v;
    }

    static List<VariableRow> rows(LintasConfig config) {
        List<VariableRow> out = new ArrayList<>();
        of(config).forEach((k, val) -> out.add(new VariableRow(k, val)));
        return out;
    }

    /**
     * Checks the values of {@code rows} (unknown names, bad values) and returns every variable: the rows' values
     * over {@code current}'s (a variable without a row keeps its value).
     */
    static Map<String, String> parse(List<VariableRow> rows, LintasConfig current, List<String> problems) {
        Map<String, String> v = of(current);
        for (VariableRow row : rows) {
            String name = row.name().toLowerCase(java.util.Locale.ROOT);
            String value = row.value().trim();
            if (!v.containsKey(name)) {
                problems.add("global_variables: unknown variable '" + row.name() + "' (Lintas has " + String.join(", ", ALL) + ")");
                continue;
            }
            String problem = switch (name) {
                case CONSISTENCY -> value.equals("read_your_writes") || value.equals("eventual") ? null
                    : "must be read_your_writes or eventual";
                case FALL_BACK, MONITOR_ENABLED, MONITOR_FAILBACK -> value.equals("true") || value.equals("false") ? null
                    : "must be true or false";
                case FAILOVER_WAIT -> range(value, 0, 600_000);
                case WARNINGS_HOLD -> range(value, 0, 3_600_000);
                case MONITOR_INTERVAL, MONITOR_TIMEOUT -> range(value, 10, 600_000);
                case MONITOR_MAX_FAILURES -> range(value, 1, 1000);
                case MONITOR_FAILBACK_AFTER -> range(value, 0, 86_400_000);
                case MONITOR_USER -> value.isEmpty() ? "must not be empty" : null;
                default -> null;
            };
            if (problem != null) {
                problems.add("global_variables: bad value '" + row.value() + "' for " + name + " (" + problem + ")");
            } else {
                v.put(name, value);
            }
        }
        return v;
    }

    private static String range(String value, long min, long max) {
        try {
            long n = Long.parseLong(value);
            return n < min || n > max ? "must be " + min + ".." + max : null;
        } catch (NumberFormatException e) {
            return "must be an integer " + min + ".." + max;
        }
    }
}
