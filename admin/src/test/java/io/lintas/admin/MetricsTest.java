package io.lintas.admin;

import io.lintas.admin.metrics.LintasMetrics;
import io.lintas.admin.metrics.MetricsServer;
import io.lintas.admin.metrics.MetricsSettings;
import io.lintas.admin.metrics.NodeHealth;
import io.lintas.admin.metrics.NodeMeters;
import io.lintas.admin.metrics.PoolSnapshot;
import io.lintas.admin.metrics.StatementRoute;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {
    /** One sample line of the Prometheus text format: name, optional {labels}, value, optional timestamp. */
    private static final Pattern SAMPLE = Pattern.compile(
        "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? (\\S+)( -?\\d+)?");

    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                assertTrue(line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")
                    || line.startsWith("# EOF"), line);
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a Prometheus sample line: " + line);
            String v = m.group(3);
            double value = switch (v) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(v);
            };
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), value);
        }
        return samples;
    }

    static String get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return r.body();
    }

    @Test
    void endpointServesParsableTextAndCountersMove() throws Exception {
        LintasMetrics metrics = new LintasMetrics();
        NodeMeters node3 = metrics.forNode("node3");
        assertSame(node3, metrics.forNode("node3"));
        node3.state(NodeHealth.ONLINE);
        node3.writer(true);
        node3.bindPool(() -> new PoolSnapshot(2, 5, 0, 1, 7, 1, 0));
        try (MetricsServer server = MetricsServer.start(new MetricsSettings(true, "127.0.0.1", 0, "/metrics"), metrics).orElseThrow()) {
            Map<String, Double> before = parse(get(server.port(), "/metrics"));
            String selects = "lintas_statements_total{command=\"SELECT\",route=\"reader\"}";
            assertEquals(0.0, before.get(selects));

            metrics.statement(StatementRoute.READER, "SELECT");
            metrics.statement(StatementRoute.READER, "SELECT");
            metrics.statement(StatementRoute.WRITER, "NOT_A_KNOWN_TYPE");
            node3.recordLatency(3_000_000);
            metrics.error(1045);
            metrics.clientConnected();
            metrics.clientBytesIn(100);
            metrics.writerChanged();

            Map<String, Double> after = parse(get(server.port(), "/metrics"));
            assertEquals(2.0, after.get(selects));
            assertEquals(1.0, after.get("lintas_statements_total{command=\"OTHER\",route=\"writer\"}"));
            assertEquals(1.0, after.get("lintas_statement_duration_seconds_bucket{node=\"node3\",le=\"0.005\"}"));
            assertEquals(0.0, after.get("lintas_statement_duration_seconds_bucket{node=\"node3\",le=\"0.001\"}"));
            assertEquals(1.0, after.get("lintas_errors_total{code=\"1045\"}"));
            assertEquals(1.0, after.get("lintas_client_connections"));
            assertEquals(100.0, after.get("lintas_client_traffic_bytes_total{direction=\"in\"}"));
            assertEquals(1.0, after.get("lintas_writer_changes_total"));
            assertEquals(1.0, after.get("lintas_node_state{node=\"node3\",state=\"ONLINE\"}"));
            assertEquals(0.0, after.get("lintas_node_state{node=\"node3\",state=\"OFFLINE_HARD\"}"));
            assertEquals(1.0, after.get("lintas_node_writer{node=\"node3\"}"));
            assertEquals(5.0, after.get("lintas_pool_connections{node=\"node3\",state=\"free\"}"));
            assertEquals(7.0, after.get("lintas_pool_connects_total{node=\"node3\",result=\"ok\"}"));

            metrics.removeNode("node3");
            Map<String, Double> removed = parse(get(server.port(), "/metrics"));
            assertFalse(removed.keySet().stream().anyMatch(k -> k.contains("node=\"node3\"")), "node3's series are gone");
            assertFalse(removed.isEmpty());

            HttpResponse<String> notFound = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/other")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, notFound.statusCode());
        }
    }

    @Test
    void disabledEndpointDoesNotStart() throws Exception {
        Optional<MetricsServer> s = MetricsServer.start(new MetricsSettings(false, "127.0.0.1", 0, "/metrics"), new LintasMetrics());
        assertFalse(s.isPresent());
    }

    @Test
    void hotPathDoesNotAllocate() {
        LintasMetrics metrics = new LintasMetrics();
        NodeMeters node = metrics.forNode("node1");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Runnable work = () -> {
            for (int i = 0; i < 10_000; i++) {
                metrics.statement(StatementRoute.READER, "SELECT");
                metrics.statement(StatementRoute.WRITER, "INSERT");
                metrics.error(1062);
                metrics.clientBytesOut(10);
                metrics.forNode("node1");
                node.state(NodeHealth.ONLINE);
                node.recordLatency(2_000_000L + i);
                metrics.clientConnected();
                metrics.clientDisconnected();
            }
        };
        work.run(); // warm-up: the first error of a code registers its counter
        long tid = Thread.currentThread().getId();
        long start = threads.getThreadAllocatedBytes(tid);
        work.run();
        long allocated = threads.getThreadAllocatedBytes(tid) - start;
        // 100,000 calls: a few hundred bytes of measurement noise at most, never bytes per call.
        assertTrue(allocated < 10_000, "hot path allocated " + allocated + " bytes");
    }
}
