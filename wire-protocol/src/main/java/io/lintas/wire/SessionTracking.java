package io.lintas.wire;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The session-state tracking a pooled backend connection runs with, so that every OK reports the variables and
 * schema a statement changed. One place for it: the pool sets it up, and the router gives a client's own
 * assignments to these variables the same values, since a client that narrows the tracked list would hide its
 * later changes from Lintas.
 */
public final class SessionTracking {
    /**
     * A tracking variable, the value Lintas sets (as SQL) and how the server reports that value back.
     */
    private record Setting(String name, String value, List<String> reportedAs) {}

    private static final List<Setting> SETTINGS = List.of(
        new Setting("session_track_system_variables", "'*'", List.of("*")),
        new Setting("session_track_schema", "1", List.of("ON", "1")),
        new Setting("session_track_state_change", "1", List.of("ON", "1")));

    /**
     * What a pooled connection runs after login, a reset or a change of user:
     * {@code SET SESSION session_track_system_variables='*', session_track_schema=1, session_track_state_change=1}.
     */
    public static final String SETUP_STATEMENT = SETTINGS.stream().map(s -> s.name() + "=" + s.value())
        .collect(Collectors.joining(", ", "SET SESSION ", ""));

    private SessionTracking() {}

    /**
     * The value (as SQL) Lintas sets for the tracking variable named by {@code sql[from, to)}, compared without
     * case and without allocating; null for any other name.
     */
    public static String requiredValue(String sql, int from, int to) {
        Setting s = setting(sql, from, to);
        return s == null ? null : s.value();
    }

    /**
     * True when the server reported {@code name = value} as the setup leaves it: a client's assignment given
     * Lintas's value changes nothing (MariaDB reports it all the same).
     */
    public static boolean isSetUp(String name, String value) {
        Setting s = setting(name, 0, name.length());
        String v = value == null ? "" : value.trim();
        return s != null && s.reportedAs().stream().anyMatch(v::equalsIgnoreCase);
    }

    private static Setting setting(String sql, int from, int to) {
        for (Setting s : SETTINGS) {
            if (to - from == s.name().length() && sql.regionMatches(true, from, s.name(), 0, s.name().length())) {
                return s;
            }
        }
        return null;
    }
}
