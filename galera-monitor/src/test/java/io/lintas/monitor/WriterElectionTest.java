package io.lintas.monitor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.lintas.monitor.Fixtures.N1;
import static io.lintas.monitor.Fixtures.N2;
import static io.lintas.monitor.Fixtures.N3;
import static io.lintas.monitor.NodeState.OFFLINE_HARD;
import static io.lintas.monitor.NodeState.OFFLINE_SOFT;
import static io.lintas.monitor.NodeState.ONLINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriterElectionTest {
    private static final List<BackendNode> ORDER = List.of(N3, N2, N1);
    private static final List<BackendNode> READERS = List.of(N1, N2);
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final WriterElection failback = new WriterElection(true, Duration.ofMillis(5000), WriterIsAlsoReader.WHEN_ONLY_NODE);
    private final WriterElection noFailback = new WriterElection(false, Duration.ofMillis(5000), WriterIsAlsoReader.WHEN_ONLY_NODE);

    /** Health map builder: every node ONLINE and writable since T0 unless changed. */
    private static final class Cluster {
        final Map<BackendNode, NodeHealth> h = new LinkedHashMap<>();

        Cluster() {
            for (BackendNode n : List.of(N1, N2, N3)) {
                online(n, T0);
            }
        }

        Cluster online(BackendNode n, Instant since) {
            h.put(n, new NodeHealth(n, ONLINE, false, Optional.of(since)));
            return this;
        }

        Cluster state(BackendNode n, NodeState s) {
            h.put(n, new NodeHealth(n, s, false, Optional.empty()));
            return this;
        }

        Cluster readOnly(BackendNode n) {
            h.put(n, new NodeHealth(n, ONLINE, true, Optional.empty()));
            return this;
        }
    }

    private static Election elect(WriterElection e, Cluster c, Optional<BackendNode> current, Instant now) {
        return e.elect(ORDER, READERS, c.h, current, now);
    }

    @Test
    void healthyClusterWritesToNode3ReadsFromNode1And2() {
        Election e = elect(failback, new Cluster(), Optional.empty(), T0);
        assertEquals(Optional.of(N3), e.writer());
        assertEquals(List.of(N1, N2), e.readers());
    }

    @Test
    void failoverWalksDownTheWriterOrder() {
        Cluster c = new Cluster().state(N3, OFFLINE_HARD);
        Election e = elect(failback, c, Optional.of(N3), T0);
        assertEquals(Optional.of(N2), e.writer());
        assertTrue(e.reason().contains("node3 is OFFLINE_HARD"), e.reason());
        // node2 writes, so node1 alone serves reads (writer_is_also_reader=when_only_node).
        assertEquals(List.of(N1), e.readers());

        c.state(N2, OFFLINE_HARD);
        e = elect(failback, c, Optional.of(N2), T0);
        assertEquals(Optional.of(N1), e.writer());
        // node1 is the only node left: it serves reads too.
        assertEquals(List.of(N1), e.readers());
    }

    @Test
    void softOfflineWriterAlsoMovesWrites() {
        Election e = elect(failback, new Cluster().state(N3, OFFLINE_SOFT), Optional.of(N3), T0);
        assertEquals(Optional.of(N2), e.writer());
    }

    @Test
    void failbackWaitsUntilPreferredNodeWasOnlineLongEnough() {
        Instant back = T0.plusSeconds(60);
        Cluster c = new Cluster().online(N3, back);
        Election e = elect(failback, c, Optional.of(N2), back.plusMillis(4999));
        assertEquals(Optional.of(N2), e.writer(), "too early for failback");

        e = elect(failback, c, Optional.of(N2), back.plusMillis(5000));
        assertEquals(Optional.of(N3), e.writer());
        assertTrue(e.reason().startsWith("failback: node3 writable for 5000 ms"), e.reason());
        assertEquals(List.of(N1, N2), e.readers());
    }

    @Test
    void failbackClockRestartsWhenNodeFlaps() {
        // node3 came back at +60 s, failed again, came back at +63 s: the 5 s count from +63 s.
        Cluster c = new Cluster().online(N3, T0.plusSeconds(63));
        assertEquals(Optional.of(N2), elect(failback, c, Optional.of(N2), T0.plusSeconds(66)).writer());
        assertEquals(Optional.of(N3), elect(failback, c, Optional.of(N2), T0.plusSeconds(68)).writer());
    }

    @Test
    void failbackGoesToTheMostPreferredReadyNodeOnly() {
        // Writer node1; node2 has been back long enough, node3 only just.
        Instant now = T0.plusSeconds(100);
        Cluster c = new Cluster().online(N2, now.minusSeconds(10)).online(N3, now.minusSeconds(1));
        assertEquals(Optional.of(N2), elect(failback, c, Optional.of(N1), now).writer());
    }

    @Test
    void withoutFailbackTheWriterStaysUntilItFails() {
        Cluster c = new Cluster().online(N3, T0);
        Election e = elect(noFailback, c, Optional.of(N2), T0.plusSeconds(3600));
        assertEquals(Optional.of(N2), e.writer());
        assertTrue(e.reason().contains("failback=false"), e.reason());

        c.state(N2, OFFLINE_HARD);
        assertEquals(Optional.of(N3), elect(noFailback, c, Optional.of(N2), T0.plusSeconds(3600)).writer());
    }

    @Test
    void failoverDoesNotWaitForTheFailbackDelay() {
        // node3 came back 1 s ago, then the writer node2 dies: node3 is the first writable node, take it now.
        Instant now = T0.plusSeconds(100);
        Cluster c = new Cluster().online(N3, now.minusSeconds(1)).state(N2, OFFLINE_HARD);
        assertEquals(Optional.of(N3), elect(failback, c, Optional.of(N2), now).writer());
    }

    @Test
    void readOnlyNodeIsNeverWriterButStillReads() {
        Cluster c = new Cluster().readOnly(N3);
        Election e = elect(failback, c, Optional.empty(), T0);
        assertEquals(Optional.of(N2), e.writer());

        // A writer that turns read_only loses the role even without failback.
        e = elect(noFailback, c, Optional.of(N3), T0);
        assertEquals(Optional.of(N2), e.writer());
        assertTrue(e.reason().contains("node3 is read_only=ON"), e.reason());

        Cluster allRo = new Cluster().readOnly(N1).readOnly(N2).readOnly(N3);
        e = elect(failback, allRo, Optional.of(N3), T0);
        assertEquals(Optional.empty(), e.writer());
        assertTrue(e.reason().contains("read_only"), e.reason());
        assertEquals(List.of(N1, N2), e.readers());
    }

    @Test
    void noPrimaryComponentMeansNoWriterAndNoReaders() {
        Cluster c = new Cluster().state(N1, OFFLINE_HARD).state(N2, OFFLINE_HARD).state(N3, OFFLINE_HARD);
        Election e = elect(failback, c, Optional.of(N3), T0);
        assertEquals(Optional.empty(), e.writer());
        assertEquals(List.of(), e.readers());
        assertEquals("no node is ONLINE in a Primary component", e.reason());
    }

    @Test
    void unknownNodesAreNotElected() {
        Election e = failback.elect(ORDER, READERS, Map.of(), Optional.empty(), T0);
        assertEquals(Optional.empty(), e.writer());
    }

    @Test
    void writerRemovedFromOrderIsReplaced() {
        Election e = failback.elect(List.of(N2, N1), READERS, new Cluster().h, Optional.of(N3), T0);
        assertEquals(Optional.of(N2), e.writer());
    }

    @Test
    void writerIsAlsoReaderNever() {
        WriterElection never = new WriterElection(true, Duration.ofMillis(5000), WriterIsAlsoReader.NEVER);
        Cluster c = new Cluster().state(N3, OFFLINE_HARD);
        assertEquals(List.of(N1), elect(never, c, Optional.of(N3), T0).readers());
        c.state(N1, OFFLINE_HARD);
        Election e = elect(never, c, Optional.of(N2), T0);
        assertEquals(Optional.of(N2), e.writer());
        assertEquals(List.of(), e.readers());
    }

    @Test
    void writerIsAlsoReaderAlways() {
        WriterElection always = new WriterElection(true, Duration.ofMillis(5000), WriterIsAlsoReader.ALWAYS);
        assertEquals(List.of(N1, N2, N3), elect(always, new Cluster(), Optional.of(N3), T0).readers());
        Cluster c = new Cluster().state(N3, OFFLINE_HARD);
        // node2 is writer and a configured reader: it stays in its configured place.
        assertEquals(List.of(N1, N2), elect(always, c, Optional.of(N3), T0).readers());
    }

    @Test
    void writerIsAlsoReaderWhenOnlyNode() {
        Cluster c = new Cluster().state(N1, OFFLINE_HARD).state(N2, OFFLINE_SOFT);
        Election e = elect(failback, c, Optional.of(N3), T0);
        assertEquals(Optional.of(N3), e.writer());
        assertEquals(List.of(N3), e.readers());
    }

    @Test
    void softOfflineReaderTakesNoReads() {
        Cluster c = new Cluster().state(N1, OFFLINE_SOFT);
        assertEquals(List.of(N2), elect(failback, c, Optional.of(N3), T0).readers());
    }
}
