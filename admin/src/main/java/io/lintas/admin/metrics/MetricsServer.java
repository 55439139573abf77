package io.lintas.admin.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Serves {@link LintasMetrics#scrape()} over HTTP with the JDK's built-in server, on one daemon thread. */
public final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    /** Prometheus text format 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts the endpoint, or returns empty when {@code settings.enabled()} is false. */
    public static Optional<MetricsServer> start(MetricsSettings settings, LintasMetrics metrics) throws IOException {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        HttpServer http = HttpServer.create(new InetSocketAddress(settings.address(), settings.port()), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(new DefaultThreadFactory("lintas-metrics", true));
        http.setExecutor(executor);
        http.createContext("/", exchange -> handle(exchange, settings.path(), metrics));
        http.start();
        log.info("metrics endpoint listening on http://{}:{}{}", settings.address(), http.getAddress().getPort(), settings.path());
        return Optional.of(new MetricsServer(http, executor));
    }

    private static void handle(HttpExchange exchange, String path, LintasMetrics metrics) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
