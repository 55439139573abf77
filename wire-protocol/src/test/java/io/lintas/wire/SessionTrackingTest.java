package io.lintas.wire;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionTrackingTest {
    @Test
    void setupStatement() {
        assertEquals("SET SESSION session_track_system_variables='*', session_track_schema=1, "
            + "session_track_state_change=1", SessionTracking.SETUP_STATEMENT);
    }

    @Test
    void requiredValuesByNameInPlace() {
        String sql = "SET SESSION_TRACK_SCHEMA=0, session_track_system_variables='', x=1";
        assertEquals("1", SessionTracking.requiredValue(sql, 4, 24));
        assertEquals("'*'", SessionTracking.requiredValue(sql, 28, 58));
        assertNull(SessionTracking.requiredValue(sql, 62, 63));
        assertNull(SessionTracking.requiredValue("session_track_transaction_info", 0, 30));
    }

    @Test
    void trackingSetupValuesAreRecognised() {
        assertTrue(SessionTracking.isSetUp("session_track_system_variables", "*"));
        assertTrue(SessionTracking.isSetUp("SESSION_TRACK_SCHEMA", "ON"));
        assertTrue(SessionTracking.isSetUp("session_track_state_change", "1"));
        assertFalse(SessionTracking.isSetUp("session_track_system_variables", "autocommit,tx_isolation"));
        assertFalse(SessionTracking.isSetUp("session_track_schema", "OFF"));
        assertFalse(SessionTracking.isSetUp("session_track_transaction_info", "STATE"));
        assertFalse(SessionTracking.isSetUp("sql_mode", "*"));
    }
}
