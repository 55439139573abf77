package io.lintas.pool.state;

import io.lintas.wire.Capabilities;
import io.lintas.wire.message.SessionStateChange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateSyncTest {
    private static final int UTF8MB4_GENERAL = 45;

    private static SessionState state(String schema, String... vars) {
        SessionState s = new SessionState(schema);
        for (int i = 0; i < vars.length; i += 2) {
            s.setVariable(vars[i], vars[i + 1]);
        }
        return s;
    }

    @Test
    void equalStatesNeedNothing() {
        SessionState want = state("app", "time_zone", "+03:00");
        SessionState have = state("app", "time_zone", "+03:00");
        assertTrue(StateSync.inSync(want, have, null, false));
        assertTrue(StateSync.plan(want, have, null, false, UTF8MB4_GENERAL, 0).isEmpty());
    }

    @Test
    void schemaAndVariablesInOneSet() {
        SessionState want = state("app", "time_zone", "+03:00", "sql_mode", "ANSI_QUOTES", "max_sort_length", "2048");
        SessionState have = state("other", "time_zone", "SYSTEM");
        assertFalse(StateSync.inSync(want, have, null, false));
        StateSync.Plan plan = StateSync.plan(want, have, null, false, UTF8MB4_GENERAL, 0);
        assertEquals("app", plan.schema());
        assertFalse(plan.needsFreshSession());
        String set = plan.setStatement();
        assertTrue(set.startsWith("SET SESSION "), set);
        assertTrue(set.contains("`time_zone`='+03:00'"), set);
        assertTrue(set.contains("`sql_mode`='ANSI_QUOTES'"), set);
        assertTrue(set.contains("`max_sort_length`=2048"), set);
        StateSync.applied(want, have, null, false);
        assertTrue(StateSync.inSync(want, have, null, false));
    }

    @Test
    void variablesTheSessionDidNotChangeGoBackToTheirLoginValue() {
        SessionState want = state("app");
        SessionState have = state("app", "time_zone", "+03:00", "character_set_client", "latin1",
            "collation_connection", "latin1_swedish_ci");
        String set = StateSync.plan(want, have, null, false, UTF8MB4_GENERAL, 0).setStatement();
        assertTrue(set.contains("`time_zone`=DEFAULT"), set);
        assertTrue(set.contains("`character_set_client`='utf8mb4'"), set);
        assertTrue(set.contains("`collation_connection`='utf8mb4_general_ci'"), set);
        // Collations after character sets: SET character_set_connection would reset collation_connection.
        assertTrue(set.indexOf("collation_connection") > set.indexOf("character_set_client"), set);
    }

    @Test
    void variablesGoBackToWhatTheConnectionsLoginHad() {
        SessionState want = state("app");
        SessionState have = state("app", "sql_mode", "ANSI_QUOTES", "wait_timeout", "10", "time_zone", "+01:00");
        String plain = StateSync.plan(want, have, null, false, UTF8MB4_GENERAL, 0).setStatement();
        assertTrue(plain.contains("`sql_mode`=DEFAULT") && plain.contains("`wait_timeout`=DEFAULT"), plain);
        long caps = Capabilities.CLIENT_IGNORE_SPACE | Capabilities.CLIENT_INTERACTIVE;
        String set = StateSync.plan(want, have, null, false, UTF8MB4_GENERAL, caps).setStatement();
        assertTrue(set.contains("`sql_mode`=CONCAT_WS(',', NULLIF(@@global.sql_mode, ''), 'IGNORE_SPACE')"), set);
        assertTrue(set.contains("`wait_timeout`=@@global.interactive_timeout"), set);
        assertTrue(set.contains("`time_zone`=DEFAULT"), set);
    }

    @Test
    void leavingASchemaNeedsAFreshSession() {
        StateSync.Plan plan = StateSync.plan(state(null, "time_zone", "+01:00"), state("app", "time_zone", "+01:00"),
            null, false, UTF8MB4_GENERAL, 0);
        assertTrue(plan.needsFreshSession());
        assertNull(plan.schema());
        // After the fresh login nothing is set any more: the session's variables must be set again.
        assertEquals("SET SESSION `time_zone`='+01:00'", plan.setStatement());
    }

    @Test
    void extraVariablesForOneStatementAndTheLastInsertId() {
        SessionState want = state("app");
        want.setLastInsertId(42);
        SessionState have = state("app");
        Map<String, String> extra = Map.of("wsrep_sync_wait", "1");
        assertFalse(StateSync.inSync(want, have, extra, false));
        assertTrue(StateSync.inSync(want, have, null, false), "the last insert id only matters when asked");
        String set = StateSync.plan(want, have, extra, true, UTF8MB4_GENERAL, 0).setStatement();
        assertTrue(set.contains("`wsrep_sync_wait`=1") && set.contains("`last_insert_id`=42"), set);
        StateSync.applied(want, have, extra, true);
        assertTrue(StateSync.inSync(want, have, extra, true));
        assertFalse(StateSync.inSync(want, have, null, false), "the extra variable is still set on the connection");
    }

    @Test
    void literalsComeBackAsTheServerAcceptsThem() {
        assertEquals("2048", StateSync.literal("max_sort_length", "2048"));
        assertEquals("10.000000", StateSync.literal("long_query_time", "10.000000"));
        assertEquals("'it\\'s'", StateSync.literal("x", "it's"));
        assertEquals("'a\\\\b'", StateSync.literal("x", "a\\b"));
        assertEquals("NULL", StateSync.literal("character_set_results", ""));
        assertEquals("''", StateSync.literal("sql_mode", ""));
    }

    @Test
    void trackerReportsApplyToTheState() {
        SessionState s = state(null);
        s.apply(List.of(new SessionStateChange.SystemVariable("TIME_ZONE", "+02:00"),
            new SessionStateChange.Schema("app")));
        assertEquals("+02:00", s.variable("time_zone"));
        assertEquals("app", s.schema());
        s.reset("app");
        assertTrue(s.variables().isEmpty());
    }
}
