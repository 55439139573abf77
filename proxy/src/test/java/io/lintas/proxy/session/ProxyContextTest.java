package io.lintas.proxy.session;

import io.lintas.monitor.BackendNode;
import io.lintas.monitor.Topology;
import io.lintas.proxy.config.LintasConfig;
import io.lintas.router.QueryClassifier;
import io.lintas.router.rules.QueryRuleSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProxyContextTest {
    private static final BackendNode N1 = new BackendNode("node1", "127.0.0.1", 3311);
    private static final BackendNode N3 = new BackendNode("node3", "127.0.0.1", 3313);

    private static ProxyContext context(int failoverWaitMs) {
        return new ProxyContext(new LintasConfig.ProxySettings("127.0.0.1", 0, null, null, 1000, 1000, 1 << 20, 1),
            new UserDirectory(List.of()), Topology.initial(List.of(N3, N1), List.of(N1)), new ServerIdentity(null), null,
            new QueryClassifier(), new LintasConfig.RoutingSettings(10, 20, LintasConfig.Consistency.EVENTUAL, true,
                failoverWaitMs, 0, Map.of()),
            new LintasConfig.BackendSettings(1000, 16), QueryRuleSet.EMPTY, null);
    }

    @Test
    void anOutageOlderThanTheFailoverWaitFailsAtOnce() throws Exception {
        ProxyContext c = context(100);
        assertFalse(c.outageOutlastsFailoverWait(false), "a writer at start");
        c.publish(new Topology(2, Optional.empty(), List.of(N1)));
        assertFalse(c.outageOutlastsFailoverWait(false), "just lost the writer: a failover may be under way");
        Thread.sleep(150);
        assertTrue(c.outageOutlastsFailoverWait(false), "no writer for longer than failover_wait_ms");
        assertFalse(c.outageOutlastsFailoverWait(true), "reads still have node1");

        c.publish(new Topology(3, Optional.empty(), List.of()));
        assertFalse(c.outageOutlastsFailoverWait(true), "no node at all only since now");
        assertTrue(c.outageOutlastsFailoverWait(false), "the writer outage keeps its start");
        Thread.sleep(150);
        assertTrue(c.outageOutlastsFailoverWait(true));

        c.publish(new Topology(4, Optional.of(N3), List.of(N1)));
        assertFalse(c.outageOutlastsFailoverWait(false), "a writer again");
        assertFalse(c.outageOutlastsFailoverWait(true));
    }
}
