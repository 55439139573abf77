package io.lintas.monitor;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.lintas.monitor.Fixtures.N1;
import static io.lintas.monitor.Fixtures.N2;
import static io.lintas.monitor.Fixtures.N3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyTest {
    @Test
    void initialTakesHeadOfWriterOrder() {
        Topology t = Topology.initial(List.of(N3, N2, N1), List.of(N1, N2));
        assertEquals(1, t.version());
        assertEquals(Optional.of(N3), t.writer());
        assertEquals(List.of(N1, N2), t.readers());
        assertEquals(NodeState.UNKNOWN, t.stateOf(N3));
    }

    @Test
    void threeArgumentConstructorStillWorks() {
        Topology t = new Topology(7, Optional.empty(), List.of(N1));
        assertEquals(7, t.version());
        assertEquals(Map.of(), t.states());
    }

    @Test
    void snapshotIsImmutableAndDefensivelyCopied() {
        Map<BackendNode, NodeState> states = new HashMap<>();
        states.put(N1, NodeState.ONLINE);
        Topology t = new Topology(2, Optional.of(N1), List.of(N1), states, "r");
        states.put(N1, NodeState.OFFLINE_HARD);
        assertEquals(NodeState.ONLINE, t.stateOf(N1));
        assertThrows(UnsupportedOperationException.class, () -> t.states().put(N2, NodeState.ONLINE));
        assertThrows(UnsupportedOperationException.class, () -> t.readers().add(N2));
    }

    @Test
    void sameRoutingIgnoresVersionAndReason() {
        Topology a = new Topology(2, Optional.of(N3), List.of(N1), Map.of(N3, NodeState.ONLINE), "a");
        Topology b = new Topology(9, Optional.of(N3), List.of(N1), Map.of(N3, NodeState.ONLINE), "b");
        assertTrue(a.sameRoutingAs(b));
        Topology c = new Topology(3, Optional.of(N3), List.of(N1), Map.of(N3, NodeState.OFFLINE_SOFT), "a");
        assertFalse(a.sameRoutingAs(c));
    }
}
