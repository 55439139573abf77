package io.lintas.monitor;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WsrepQueryTest {
    /** Rows as MariaDB 10.11 returns them from information_schema (upper-case names, ON/OFF). */
    static Map<String, String> rows() {
        Map<String, String> m = new HashMap<>();
        m.put("WSREP_LOCAL_STATE", "4");
        m.put("WSREP_LOCAL_STATE_COMMENT", "Synced");
        m.put("WSREP_CLUSTER_STATUS", "Primary");
        m.put("WSREP_READY", "ON");
        m.put("WSREP_CONNECTED", "ON");
        m.put("WSREP_LOCAL_RECV_QUEUE", "3");
        m.put("WSREP_CLUSTER_SIZE", "3");
        m.put("WSREP_LOCAL_INDEX", "1");
        m.put("READ_ONLY", "OFF");
        m.put("WSREP_DESYNC", "OFF");
        m.put("WSREP_REJECT_QUERIES", "NONE");
        m.put("WSREP_SST_DONOR_REJECTS_QUERIES", "OFF");
        return m;
    }

    @Test
    void parsesHealthyNode() {
        WsrepStatus s = WsrepQuery.parse(rows());
        assertEquals(4, s.localState());
        assertEquals("Synced", s.localStateComment());
        assertTrue(s.isPrimary());
        assertTrue(s.ready());
        assertTrue(s.connected());
        assertFalse(s.desync());
        assertTrue(s.acceptsQueries());
        assertFalse(s.sstDonorRejectsQueries());
        assertFalse(s.readOnly());
        assertEquals(3, s.localRecvQueue());
        assertEquals(3, s.clusterSize());
        assertEquals(1, s.localIndex());
    }

    @Test
    void parsesIsolatedNode() {
        Map<String, String> m = rows();
        m.put("WSREP_CLUSTER_STATUS", "non-Primary");
        m.put("WSREP_READY", "OFF");
        m.put("WSREP_LOCAL_STATE", "0");
        m.put("WSREP_LOCAL_INDEX", "18446744073709551615");
        m.put("READ_ONLY", "ON");
        m.put("WSREP_REJECT_QUERIES", "all");
        WsrepStatus s = WsrepQuery.parse(m);
        assertFalse(s.isPrimary());
        assertFalse(s.ready());
        assertEquals(-1, s.localIndex());
        assertTrue(s.readOnly());
        assertEquals("ALL", s.rejectQueries());
    }

    @Test
    void acceptsLowerCaseNamesAndNumericFlags() {
        Map<String, String> m = new HashMap<>();
        rows().forEach((k, v) -> m.put(k.toLowerCase(), v));
        m.put("read_only", "1");
        m.put("wsrep_desync", "0");
        WsrepStatus s = WsrepQuery.parse(m);
        assertTrue(s.readOnly());
        assertFalse(s.desync());
    }

    @Test
    void readOnlyEnumValuesOfNewerServersCountAsReadOnly() {
        assertTrue(WsrepQuery.bool("NO_LOCK"));
        assertFalse(WsrepQuery.bool("OFF"));
    }

    @Test
    void missingWsrepValuesAreReported() {
        Map<String, String> m = rows();
        m.remove("WSREP_LOCAL_STATE");
        m.remove("WSREP_DESYNC");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WsrepQuery.parse(m));
        assertTrue(e.getMessage().contains("wsrep_local_state"), e.getMessage());
        assertTrue(e.getMessage().contains("wsrep_desync"), e.getMessage());
    }

    @Test
    void malformedNumberIsReported() {
        Map<String, String> m = rows();
        m.put("WSREP_LOCAL_RECV_QUEUE", "lots");
        assertThrows(IllegalArgumentException.class, () -> WsrepQuery.parse(m));
    }

    @Test
    void sqlReadsStatusAndVariablesInOneStatement() {
        assertTrue(WsrepQuery.SQL.contains("information_schema.GLOBAL_STATUS"));
        assertTrue(WsrepQuery.SQL.contains("information_schema.GLOBAL_VARIABLES"));
        assertTrue(WsrepQuery.SQL.contains("'WSREP_REJECT_QUERIES'"));
        assertFalse(WsrepQuery.SQL.contains(";"));
    }
}
