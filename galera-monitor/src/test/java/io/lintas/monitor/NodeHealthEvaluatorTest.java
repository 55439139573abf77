package io.lintas.monitor;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static io.lintas.monitor.Fixtures.fail;
import static io.lintas.monitor.Fixtures.ok;
import static io.lintas.monitor.Fixtures.synced;
import static io.lintas.monitor.NodeState.OFFLINE_HARD;
import static io.lintas.monitor.NodeState.OFFLINE_SOFT;
import static io.lintas.monitor.NodeState.ONLINE;
import static io.lintas.monitor.NodeState.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeHealthEvaluatorTest {
    private final NodeHealthEvaluator eval = new NodeHealthEvaluator(2, 100);

    private HealthVerdict judge(Fixtures.Status s) {
        return eval.evaluate(ONLINE, 0, ok(s.build()));
    }

    @Test
    void syncedPrimaryReadyIsOnline() {
        HealthVerdict v = judge(synced());
        assertEquals(ONLINE, v.state());
        assertEquals(0, v.consecutiveFailures());
        assertTrue(v.reason().contains("Synced"), v.reason());
    }

    @Test
    void successResetsFailureCountAndBringsNodeBack() {
        HealthVerdict v = eval.evaluate(OFFLINE_HARD, 5, ok());
        assertEquals(ONLINE, v.state());
        assertEquals(0, v.consecutiveFailures());
    }

    @Test
    void readOnlyStaysOnlineButSaysItCannotWrite() {
        HealthVerdict v = judge(synced().readOnly(true));
        assertEquals(ONLINE, v.state());
        assertTrue(v.reason().contains("read_only=ON"), v.reason());
    }

    @Test
    void nonPrimaryIsHard() {
        HealthVerdict v = judge(synced().cluster("non-Primary").state(0, "Initialized").ready(false));
        assertEquals(OFFLINE_HARD, v.state());
        assertTrue(v.reason().contains("non-Primary"), v.reason());
    }

    @Test
    void disconnectedIsHard() {
        assertEquals(OFFLINE_HARD, judge(synced().cluster("Disconnected")).state());
        assertEquals(OFFLINE_HARD, judge(synced().connected(false)).state());
    }

    @Test
    void notReadyIsHard() {
        HealthVerdict v = judge(synced().ready(false));
        assertEquals(OFFLINE_HARD, v.state());
        assertEquals("wsrep_ready=OFF", v.reason());
    }

    @Test
    void rejectingQueriesIsHard() {
        assertEquals(OFFLINE_HARD, judge(synced().reject("ALL")).state());
        assertEquals(OFFLINE_HARD, judge(synced().reject("ALL_KILL")).state());
    }

    @Test
    void desyncedDonorIsSoft() {
        HealthVerdict v = judge(synced().state(2, "Donor/Desynced").desync(true));
        assertEquals(OFFLINE_SOFT, v.state());
        assertTrue(v.reason().contains("wsrep_local_state=2"), v.reason());
    }

    @Test
    void sstDonorThatRejectsQueriesIsHard() {
        assertEquals(OFFLINE_HARD, judge(synced().state(2, "Donor/Desynced").donorRejects(true)).state());
        // ...but a node desynced by hand keeps serving even with that variable set.
        assertEquals(OFFLINE_SOFT, judge(synced().state(2, "Donor/Desynced").desync(true).donorRejects(true)).state());
        // ...and a donor without the variable serves too.
        assertEquals(OFFLINE_SOFT, judge(synced().state(2, "Donor/Desynced")).state());
    }

    @Test
    void desyncFlagAloneIsSoft() {
        assertEquals(OFFLINE_SOFT, judge(synced().desync(true)).state());
    }

    @Test
    void joinedIsSoftJoiningIsHard() {
        assertEquals(OFFLINE_SOFT, judge(synced().state(3, "Joined")).state());
        assertEquals(OFFLINE_HARD, judge(synced().state(1, "Joining")).state());
        assertEquals(OFFLINE_HARD, judge(synced().state(0, "Initialized")).state());
    }

    @Test
    void recvQueueAboveLimitIsSoftAtLimitIsOnline() {
        assertEquals(ONLINE, judge(synced().recvQueue(100)).state());
        HealthVerdict v = judge(synced().recvQueue(101));
        assertEquals(OFFLINE_SOFT, v.state());
        assertTrue(v.reason().contains("max_transactions_behind=100"), v.reason());
    }

    @Test
    void hardWinsOverSoft() {
        assertEquals(OFFLINE_HARD, judge(synced().state(2, "Donor/Desynced").ready(false)).state());
        assertEquals(OFFLINE_HARD, judge(synced().recvQueue(1000).reject("ALL")).state());
    }

    @Test
    void oneFailureKeepsPreviousState() {
        HealthVerdict v = eval.evaluate(ONLINE, 0, fail("timeout"));
        assertEquals(ONLINE, v.state());
        assertEquals(1, v.consecutiveFailures());
        assertTrue(v.reason().contains("1 of max_failures=2"), v.reason());

        assertEquals(OFFLINE_SOFT, eval.evaluate(OFFLINE_SOFT, 0, fail("x")).state());
    }

    @Test
    void maxFailuresInARowIsHard() {
        HealthVerdict v = eval.evaluate(ONLINE, 1, fail("Connection refused"));
        assertEquals(OFFLINE_HARD, v.state());
        assertEquals(2, v.consecutiveFailures());
        assertTrue(v.reason().contains("2 failed checks in a row"), v.reason());
        assertTrue(v.reason().contains("Connection refused"), v.reason());
        assertEquals(3, eval.evaluate(OFFLINE_HARD, 2, fail("x")).consecutiveFailures());
    }

    @Test
    void maxFailuresOneIsImmediate() {
        assertEquals(OFFLINE_HARD, new NodeHealthEvaluator(1, 0).evaluate(ONLINE, 0, fail("x")).state());
    }

    @Test
    void higherMaxFailuresWaitsLonger() {
        NodeHealthEvaluator three = new NodeHealthEvaluator(3, 0);
        assertEquals(ONLINE, three.evaluate(ONLINE, 1, fail("x")).state());
        assertEquals(OFFLINE_HARD, three.evaluate(ONLINE, 2, fail("x")).state());
    }

    @Test
    void firstCheckFailingOnUnknownNodeIsHard() {
        HealthVerdict v = eval.evaluate(UNKNOWN, 0, fail("Connection refused"));
        assertEquals(OFFLINE_HARD, v.state());
        assertTrue(v.reason().startsWith("first check failed"), v.reason());
    }

    @Test
    void failedRecheckAfterDataPathReportIsHardAtOnce() {
        NodeHealthEvaluator lenient = new NodeHealthEvaluator(5, 0);
        HealthVerdict v = lenient.evaluate(ONLINE, 0, fail("Connection refused"), Optional.of("connection reset"));
        assertEquals(OFFLINE_HARD, v.state());
        assertEquals(1, v.consecutiveFailures());
        assertTrue(v.reason().contains("data path reported \"connection reset\""), v.reason());
    }

    @Test
    void healthyRecheckAfterDataPathReportKeepsOnline() {
        HealthVerdict v = eval.evaluate(ONLINE, 0, ok(), Optional.of("connection reset"));
        assertEquals(ONLINE, v.state());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new NodeHealthEvaluator(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new NodeHealthEvaluator(1, -1));
        assertThrows(IllegalArgumentException.class, () -> eval.evaluate(ONLINE, -1, ok()));
    }
}
