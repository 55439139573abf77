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
    void statementDurationsAreExposedAsAMicrometerTimerWithTheSameBucketsWouldBe() {
        // The histogram is recorded without a Timer (cost); its exposition must stay what the Timer gave.
        LintasMetrics metrics = new LintasMetrics();
        NodeMeters n1 = metrics.forNode("node1");
        metrics.forNode("node2");
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry reference =
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        java.util.function.Function<String, io.micrometer.core.instrument.Timer> timer = node ->
            io.micrometer.core.instrument.Timer.builder("lintas.statement.duration")
                .description("Time from sending a statement to a node until its response ended")
                .tags("node", node)
                .serviceLevelObjectives(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5),
                    java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(100),
                    java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5))
                .register(reference);
        io.micrometer.core.instrument.Timer t1 = timer.apply("node1");
        timer.apply("node2");
        long[] samples = {0, 1, 999_999, 1_000_000, 1_000_001, 5_000_000, 123_456_789, 1_000_000_000, 7_000_000_000L, -5};
        for (long nanos : samples) {
            n1.recordLatency(nanos);
            t1.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        assertEquals(durationLines(reference.scrape()), durationLines(metrics.scrape()));
        metrics.removeNode("node2");
        assertFalse(metrics.scrape().contains("node=\"node2\""));
        metrics.removeNode("node1");
        assertEquals("", durationLines(metrics.scrape()));
    }

    private static String durationLines(String scrape) {
        StringBuilder out = new StringBuilder();
        for (String line : scrape.split("\n")) {
            if (line.contains("lintas_statement_duration_seconds")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
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
