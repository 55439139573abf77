package io.lintas.monitor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MonitorSettingsTest {
    @Test
    void defaults() {
        MonitorSettings s = MonitorSettings.builder().build();
        assertEquals(250, s.intervalMs());
        assertEquals(200, s.timeoutMs());
        assertEquals(2, s.maxFailures());
        assertEquals(100, s.maxTransactionsBehind());
        assertTrue(s.failback());
        assertEquals(5000, s.failbackAfterMs());
        assertEquals(WriterIsAlsoReader.WHEN_ONLY_NODE, s.writerIsAlsoReader());
        assertEquals(1000, s.historySize());
        assertEquals(100, s.checkLogSize());
    }

    @Test
    void toStringHidesPassword() {
        MonitorSettings s = MonitorSettings.builder().user("monitor").password("s3cret-pw").build();
        assertFalse(s.toString().contains("s3cret-pw"), s.toString());
        assertTrue(s.toString().contains("password=***"));
        assertTrue(s.toString().contains("user=monitor"));
    }

    @Test
    void toBuilderCopies() {
        MonitorSettings s = MonitorSettings.builder().intervalMs(100).password("p").build();
        MonitorSettings t = s.toBuilder().failback(false).build();
        assertEquals(100, t.intervalMs());
        assertEquals("p", t.password());
        assertFalse(t.failback());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> MonitorSettings.builder().intervalMs(0).build());
        assertThrows(IllegalArgumentException.class, () -> MonitorSettings.builder().timeoutMs(-1).build());
        assertThrows(IllegalArgumentException.class, () -> MonitorSettings.builder().maxFailures(0).build());
        assertThrows(IllegalArgumentException.class, () -> MonitorSettings.builder().maxTransactionsBehind(-1).build());
        assertThrows(IllegalArgumentException.class, () -> MonitorSettings.builder().failbackAfterMs(-1).build());
        assertThrows(IllegalArgumentException.class, () -> MonitorSettings.builder().historySize(0).build());
        assertThrows(NullPointerException.class, () -> MonitorSettings.builder().password(null).build());
    }

    @Test
    void writerIsAlsoReaderParsesConfigSpelling() {
        assertEquals(WriterIsAlsoReader.NEVER, WriterIsAlsoReader.parse("never"));
        assertEquals(WriterIsAlsoReader.WHEN_ONLY_NODE, WriterIsAlsoReader.parse("when_only_node"));
        assertEquals(WriterIsAlsoReader.WHEN_ONLY_NODE, WriterIsAlsoReader.parse("When-Only-Node"));
        assertEquals(WriterIsAlsoReader.ALWAYS, WriterIsAlsoReader.parse(" ALWAYS "));
        assertEquals("when_only_node", WriterIsAlsoReader.WHEN_ONLY_NODE.configValue());
        assertThrows(IllegalArgumentException.class, () -> WriterIsAlsoReader.parse("1"));
    }

    @Test
    void layoutValidation() {
        assertThrows(IllegalArgumentException.class, () -> new ClusterLayout(
            java.util.List.of(Fixtures.N1), java.util.List.of(Fixtures.N2), java.util.List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ClusterLayout(
            java.util.List.of(Fixtures.N1, new BackendNode("node1", "h", 1)), java.util.List.of(), java.util.List.of()));
    }
}
