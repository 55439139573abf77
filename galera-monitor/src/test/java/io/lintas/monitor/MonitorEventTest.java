package io.lintas.monitor;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static io.lintas.monitor.Fixtures.N2;
import static io.lintas.monitor.Fixtures.N3;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MonitorEventTest {
    private static final Instant AT = Instant.parse("2025-03-04T05:06:07.123456Z");

    @Test
    void stateChangeLine() {
        MonitorEvent e = new MonitorEvent.StateChange(AT, N3, NodeState.ONLINE, NodeState.OFFLINE_HARD,
            "2 failed checks in a row (max_failures=2): \"Connection refused\"\nmore");
        assertEquals("node=node3 state ONLINE -> OFFLINE_HARD reason=\"2 failed checks in a row (max_failures=2): "
            + "'Connection refused' more\" at=2025-03-04T05:06:07.123Z", e.logLine());
    }

    @Test
    void writerChangeLine() {
        assertEquals("writer node3 -> node2 reason=\"node3 is OFFLINE_HARD\" at=2025-03-04T05:06:07.123Z",
            new MonitorEvent.WriterChange(AT, Optional.of(N3), Optional.of(N2), "node3 is OFFLINE_HARD").logLine());
        assertEquals("writer node2 -> none reason=\"x\" at=2025-03-04T05:06:07.123Z",
            new MonitorEvent.WriterChange(AT, Optional.of(N2), Optional.empty(), "x").logLine());
    }

    @Test
    void membershipLine() {
        assertEquals("node=node2 added address=127.0.0.1:3312 at=2025-03-04T05:06:07.123Z",
            new MonitorEvent.Membership(AT, N2, true).logLine());
    }
}
