package io.lintas.proxy.session;

import io.lintas.admin.metrics.LintasMetrics;
import io.lintas.monitor.BackendNode;
import io.lintas.monitor.Topology;
import io.lintas.proxy.config.LintasConfig;
import io.lintas.router.QueryClassifier;
import io.lintas.router.rules.QueryRuleSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientTrafficHandlerTest {
    private static final BackendNode NODE = new BackendNode("node1", "127.0.0.1", 3311);

    private static ProxyContext context(DataPathMetrics metrics) {
        return new ProxyContext(new LintasConfig.ProxySettings("127.0.0.1", 0, null, null, 1000, 1000, 1 << 20, 1),
            new UserDirectory(List.of()), Topology.initial(List.of(NODE), List.of(NODE)), new ServerIdentity(null), null,
            new QueryClassifier(), new LintasConfig.RoutingSettings(10, 20, LintasConfig.Consistency.EVENTUAL, true, 0, 0,
                Map.of()),
            new LintasConfig.BackendSettings(1000, 16), QueryRuleSet.EMPTY, metrics);
    }

    private static ByteBuf frame(int seq, int... payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeMediumLE(payload.length).writeByte(seq);
        for (int p : payload) {
            b.writeByte(p);
        }
        return b;
    }

    @Test
    void countsConnectionsBytesAndErrPacketsEvenAcrossSplitWrites() {
        DataPathMetrics m = new DataPathMetrics(new LintasMetrics());
        ClientSession session = new ClientSession(context(m));
        EmbeddedChannel ch = new EmbeddedChannel(new ClientTrafficHandler(m, session));
        assertEquals(1, m.clientsOpen());
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {5, 0, 0, 0, 3, 's', 'e', 'l', 'e'}));
        assertEquals(9, m.bytesIn());

        // ERR 1146 (0x047A), an OK, then a 0xFF-starting frame split over two writes: only real ERR headers count.
        ch.writeOutbound(frame(1, 0xFF, 0x7A, 0x04, '#', '4', '2', 'S', '0', '2'));
        ch.writeOutbound(frame(1, 0x00, 0x00, 0x00, 0x02, 0x00));
        ByteBuf err = frame(1, 0xFF, 0x15, 0x04, 'x');
        ByteBuf first = Unpooled.buffer();
        first.writeBytes(frame(1, 0x03, 'd', 'e', 'f'));
        first.writeBytes(err, 0, 6);
        ch.writeOutbound(first);
        ch.writeOutbound(err.slice(6, err.readableBytes() - 6));
        assertEquals(2, m.errors());
        assertTrue(m.metrics().scrape().contains("lintas_errors_total{code=\"1146\"} 1.0"), m.metrics().scrape());
        assertTrue(m.metrics().scrape().contains("lintas_errors_total{code=\"1045\"} 1.0"));
        assertTrue(m.bytesOut() > 20);
        ch.finishAndReleaseAll();
        assertEquals(0, m.clientsOpen());
        assertEquals(1, m.clientsAccepted());
    }

    @Test
    void recordingAStatementDoesNotAllocate() {
        DataPathMetrics m = new DataPathMetrics(new LintasMetrics());
        io.lintas.router.Classification c = new QueryClassifier().classify("SELECT * FROM t WHERE id = 1");
        m.setNodes(List.of(NODE), null);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) { // warm up (JIT, first-use registrations)
            m.completed(NODE, 3, c, i % 2 == 0, 1000);
        }
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 100_000; i++) {
            m.completed(NODE, 3, c, i % 2 == 0, 1000);
        }
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(allocated < 10_000, allocated + " bytes allocated over 100,000 statements");
        assertEquals(120_000, m.commands().total());
    }

    @Test
    void commandCountersUseProxySqlBuckets() {
        CommandCounters c = new CommandCounters();
        c.record("SELECT", 50);
        c.record("SELECT", 700);
        c.record("SELECT", 20_000_000);
        c.record("NOT_A_TYPE", 1);
        CommandCounters.Row select = c.snapshot().stream().filter(r -> r.command().equals("SELECT")).findFirst().orElseThrow();
        assertEquals(3, select.totalCount());
        assertEquals(20_000_750, select.totalTimeUs());
        assertEquals(1, select.buckets()[0]);
        assertEquals(1, select.buckets()[2]);
        assertEquals(1, select.buckets()[CommandCounters.BUCKETS - 1]);
        assertEquals(1, c.snapshot().stream().filter(r -> r.command().equals("OTHER")).findFirst().orElseThrow().totalCount());
        assertEquals(4, c.total());
    }
}
