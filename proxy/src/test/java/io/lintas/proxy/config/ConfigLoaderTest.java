package io.lintas.proxy.config;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.auth.NativePassword;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    private static final String NODES = """
        nodes:
          - {name: node1, host: 127.0.0.1, port: 3311}
          - {name: node2, host: 127.0.0.1, port: 3312}
          - {name: node3, host: 127.0.0.1, port: 3313}
        """;
    private static final String USERS = """
        users:
          - {username: app, password: app}
        """;

    private final ConfigLoader loader = new ConfigLoader();

    private static String problems(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().parse("test.yaml", yaml));
        return String.join("\n", e.problems());
    }

    @Test
    void minimalConfigGetsDefaults() throws Exception {
        LintasConfig c = loader.parse("t", USERS + NODES);
        assertEquals("127.0.0.1", c.proxy().address());
        assertEquals(6033, c.proxy().port());
        assertNull(c.proxy().unixSocket());
        assertNull(c.proxy().serverVersion(), "learned from the backends unless configured");
        assertEquals(10_000, c.proxy().handshakeTimeoutMs());
        assertEquals(30_000, c.proxy().netReadTimeoutMs());
        assertEquals(64L << 20, c.proxy().maxAllowedPacket());
        assertEquals(1000, c.backend().connectTimeoutMs());
        assertEquals(3, c.nodes().size());
    }

    @Test
    void defaultWriterOrderIsByAddressDescending() throws Exception {
        LintasConfig c = loader.parse("t", USERS + NODES);
        assertEquals(List.of("node3", "node2", "node1"), c.writerOrder().stream().map(BackendNode::name).toList());
        String other = USERS + """
            nodes:
              - {name: a, host: 10.0.0.9, port: 3306}
              - {name: b, host: 10.0.0.10, port: 3306}
              - {name: c, host: 10.0.0.2, port: 3306}
            """;
        // Numeric, not textual: 10.0.0.10 > 10.0.0.9 > 10.0.0.2.
        assertEquals(List.of("b", "a", "c"), loader.parse("t", other).writerOrder().stream().map(BackendNode::name).toList());
    }

    @Test
    void explicitWriterOrder() throws Exception {
        LintasConfig c = loader.parse("t", USERS + NODES + "writer_order: [node2, node1]\n");
        assertEquals(List.of("node2", "node1"), c.writerOrder().stream().map(BackendNode::name).toList());
    }

    @Test
    void passwordFormsGiveTheSameHash() throws Exception {
        LintasConfig clear = loader.parse("t", USERS + NODES);
        LintasConfig hashed = loader.parse("t", "users:\n  - {username: app, password_hash: \""
            + NativePassword.storedHash("app") + "\"}\n" + NODES);
        assertArrayEquals(clear.users().get(0).stage2(), hashed.users().get(0).stage2());
        assertArrayEquals(NativePassword.stage1("app"), clear.users().get(0).stage1());
        assertNull(hashed.users().get(0).stage1());
    }

    @Test
    void unknownKeyIsNamedWithItsPath() {
        assertTrue(problems(USERS + NODES + "proxy:\n  prot: 1\n").contains("unknown key 'proxy.prot'"));
        assertTrue(problems(USERS + NODES + "bogus: 1\n").contains("unknown key 'bogus'"));
        assertTrue(problems(USERS + """
            nodes:
              - {name: node1, host: 127.0.0.1, port: 3311, wieght: 3}
            """).contains("unknown key 'nodes[0].wieght'"));
    }

    @Test
    void routingPoolAndQueryRules() throws Exception {
        LintasConfig c = new ConfigLoader().parse("test", USERS + """
            nodes:
              - {name: node1, host: 127.0.0.1, port: 3311, weight: 3, pool: {max_connections: 7}}
              - {name: node2, host: 127.0.0.1, port: 3312}
            pool:
              max_connections: 20
              queue_timeout_ms: 500
            routing:
              consistency: eventual
              failover_wait_ms: 1500
              warnings_hold_ms: 250
            query_rules:
              - {rule_id: 1, match_digest: "^SELECT", destination_hostgroup: 20, apply: true}
            """);
        assertEquals(LintasConfig.Consistency.EVENTUAL, c.routing().consistency());
        assertEquals(1500, c.routing().failoverWaitMs());
        assertEquals(250, c.routing().warningsHoldMs());
        assertEquals(3, c.routing().weights().get("node1"));
        assertEquals(20, c.pool().defaults().maxConnections());
        assertEquals(7, c.pool().perNode().get("node1").maxConnections());
        assertEquals(1, c.queryRules().rules().size());
    }

    @Test
    void badRoutingPoolAndRulesAreNamed() {
        String p = problems(USERS + NODES + "routing:\n  consistency: strong\n");
        assertTrue(p.contains("'routing.consistency': 'strong'"), p);
        p = problems(USERS + NODES + "pool:\n  max_connections: 0\n");
        assertTrue(p.contains("'pool'") && p.contains("max_connections"), p);
        p = problems(USERS + NODES + "query_rules:\n  - {rule_id: 1, destination_hostgroup: 99}\n");
        assertTrue(p.contains("'query_rules[0].destination_hostgroup': '99'"), p);
        p = problems(USERS + NODES + "query_rules:\n  - {rule_id: 1, match_pattern: \"(\"}\n");
        assertTrue(p.contains("query_rules"), p);
    }

    @Test
    void badValuesAreNamedWithPathAndValue() {
        String p = problems(USERS + NODES + "proxy:\n  port: abc\n");
        assertTrue(p.contains("'proxy.port'") && p.contains("'abc'"), p);
        p = problems(USERS + NODES + "proxy:\n  port: 70000\n");
        assertTrue(p.contains("'proxy.port': '70000'"), p);
        p = problems(USERS + "nodes:\n  - {name: n, host: h, port: 0}\n");
        assertTrue(p.contains("'nodes[0].port': '0'"), p);
        p = problems(USERS + NODES + "writer_order: [node4]\n");
        assertTrue(p.contains("'writer_order[0]': 'node4'"), p);
        p = problems(USERS + NODES + "backend:\n  connect_timeout_ms: -5\n");
        assertTrue(p.contains("'backend.connect_timeout_ms': '-5'"), p);
    }

    @Test
    void missingKeysAreNamed() {
        assertTrue(problems(NODES).contains("missing key 'users'"));
        assertTrue(problems(USERS).contains("missing key 'nodes'"));
        String p = problems(USERS + "nodes:\n  - {name: n, port: 1}\n");
        assertTrue(p.contains("missing key 'nodes[0].host'"), p);
        p = problems("users:\n  - {username: u}\n" + NODES);
        assertTrue(p.contains("missing key 'users[0].password'"), p);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String p = problems("users:\n  - {username: u}\nnodes:\n  - {name: n, host: h}\n");
        assertTrue(p.contains("users[0].password") && p.contains("nodes[0].port"), p);
    }

    @Test
    void aBadPasswordHashIsRejectedWithoutEchoingIt() {
        String p = problems("users:\n  - {username: u, password_hash: \"*SECRETSECRET\"}\n" + NODES);
        assertTrue(p.contains("users[0].password_hash"), p);
        assertFalse(p.contains("SECRETSECRET"), p);
    }

    @Test
    void duplicatesAreRejected() {
        assertTrue(problems("users:\n  - {username: u, password: a}\n  - {username: u, password: b}\n" + NODES)
            .contains("'users[1].username': 'u' is listed twice"));
        assertTrue(problems(USERS + "nodes:\n  - {name: n, host: h, port: 1}\n  - {name: n, host: h, port: 2}\n")
            .contains("'nodes[1].name': 'n' is listed twice"));
    }

    @Test
    void readersDefaultToEveryNodeButThePreferredWriter() throws Exception {
        LintasConfig c = loader.parse("t", USERS + NODES);
        assertEquals(List.of("node1", "node2"), c.readers().stream().map(BackendNode::name).toList());
        c = loader.parse("t", USERS + NODES + "readers: [node2]\n");
        assertEquals(List.of("node2"), c.readers().stream().map(BackendNode::name).toList());
        assertTrue(problems(USERS + NODES + "readers: [node7]\n").contains("'readers[0]': 'node7' is not a node name"));
    }

    @Test
    void monitorDefaultsAndOverrides() throws Exception {
        LintasConfig c = loader.parse("t", USERS + NODES);
        assertTrue(c.monitor().enabled());
        assertEquals(250, c.monitor().settings().intervalMs());
        assertEquals(200, c.monitor().settings().timeoutMs());
        assertEquals(2, c.monitor().settings().maxFailures());
        assertTrue(c.monitor().settings().failback());
        assertEquals(5000, c.monitor().settings().failbackAfterMs());
        assertEquals("monitor", c.monitor().settings().user());
        c = loader.parse("t", USERS + NODES + """
            monitor:
              enabled: false
              user: mon
              password: secret
              interval_ms: 100
              failback: false
              writer_is_also_reader: always
            """);
        assertFalse(c.monitor().enabled());
        assertEquals(100, c.monitor().settings().intervalMs());
        assertFalse(c.monitor().settings().failback());
        assertFalse(c.monitor().settings().toString().contains("secret"));
    }

    @Test
    void badMonitorValuesAreNamed() {
        assertTrue(problems(USERS + NODES + "monitor:\n  writer_is_also_reader: sometimes\n")
            .contains("'monitor.writer_is_also_reader': 'sometimes'"));
        assertTrue(problems(USERS + NODES + "monitor:\n  interval_ms: 0\n").contains("'monitor.interval_ms': '0'"));
        assertTrue(problems(USERS + NODES + "monitor:\n  failback: maybe\n").contains("'monitor.failback'"));
        assertTrue(problems(USERS + NODES + "monitor:\n  intervall_ms: 5\n").contains("unknown key 'monitor.intervall_ms'"));
    }

    @Test
    void notYamlOrEmptyFile() {
        assertTrue(problems("proxy:\n  port: 1\n  bad: \"unclosed\n").startsWith("not valid YAML"));
        assertTrue(problems("proxy: [1, 2]\n").contains("bad value at 'proxy': expected a mapping"));
        assertTrue(problems("").contains("empty"));
    }

    @Test
    void missingFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(Path.of("/nonexistent/lintas.yaml")));
        assertTrue(e.getMessage().contains("file not found"));
    }

    @Test
    void bundledSandboxConfigIsValid() throws Exception {
        Path file = Path.of("..", "config", "sandbox.yaml");
        LintasConfig c = loader.load(file);
        assertEquals("node3", c.writerOrder().get(0).name());
        assertEquals(6033, c.proxy().port());
        assertTrue(Files.exists(file));
    }

    @Test
    void backendTlsPerNodeWithVerificationByDefault(@TempDir Path dir) throws Exception {
        LintasConfig plain = loader.parse("t", USERS + NODES);
        assertFalse(plain.nodes().get(0).useSsl());
        assertTrue(plain.backend().tls().verifyServerCert(), "verification is on unless turned off");
        assertTrue(plain.backend().tls().verifyHostname());

        // Any PEM certificate will do for loading: a CA file is only parsed here.
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, TEST_CERT);
        LintasConfig c = loader.parse("t", USERS + """
            nodes:
              - {name: node1, host: 127.0.0.1, port: 3311, use_ssl: true}
              - {name: node2, host: 127.0.0.1, port: 3312}
            backend:
              tls:
                ca_file: %s
                verify_hostname: false
            """.formatted(ca));
        assertTrue(c.nodes().get(0).useSsl());
        assertFalse(c.nodes().get(1).useSsl());
        assertEquals(ca, c.backend().tls().caFile());
        assertFalse(c.backend().tls().verifyHostname());
        assertEquals("verify-ca", c.monitor().settings().tls().jdbcSslMode(), "the monitor checks nodes the same way");
        assertEquals(ca.toString(), c.monitor().settings().tls().caFile());
    }

    @Test
    void backendTlsErrorsNameTheKey(@TempDir Path dir) {
        assertTrue(problems(USERS + NODES + "backend:\n  tls:\n    ca_file: /no/such/ca.pem\n")
            .contains("bad value at 'backend.tls.ca_file': '/no/such/ca.pem' (not a readable file)"));
        assertTrue(problems(USERS + NODES + "backend:\n  tls:\n    verify_server_cert: false\n    verify_hostname: true\n")
            .contains("'backend.tls.verify_hostname'"));
        assertTrue(problems(USERS + NODES + "backend:\n  tls:\n    cert_file: /etc/hostname\n")
            .contains("give both 'cert_file' and 'key_file'"));
        assertTrue(problems(USERS + "nodes:\n  - {name: n, host: h, port: 1, use_ssl: maybe}\n").contains("nodes[0].use_ssl"));
    }

    @Test
    void idleAndStatementTimeouts() throws Exception {
        assertEquals(0, loader.parse("t", USERS + NODES).proxy().idleTimeoutMs(), "off by default");
        LintasConfig c = loader.parse("t", USERS + NODES + """
            proxy:
              idle_timeout_ms: 28800000
            query_rules:
              - {rule_id: 1, match_digest: "^SELECT", timeout: 2500}
            """);
        assertEquals(28_800_000, c.proxy().idleTimeoutMs());
        assertEquals(2500, c.queryRules().evaluate("app", null, "SELECT 1", "SELECT ?").timeoutMs());
        assertTrue(problems(USERS + NODES + "proxy:\n  idle_timeout_ms: 50\n").contains("'proxy.idle_timeout_ms': '50'"));
        assertTrue(problems(USERS + NODES + "query_rules:\n  - {rule_id: 1, match_digest: x, timeout: -1}\n")
            .contains("timeout must be positive"));
    }

    @Test
    void clearPasswordsGiveCachingSha2SecretsForBackends() throws Exception {
        LintasConfig clear = loader.parse("t", USERS + NODES);
        assertNotNull(clear.users().get(0).backendSha2());
        LintasConfig hashed = loader.parse("t", "users:\n  - {username: app, password_hash: \""
            + NativePassword.storedHash("app") + "\"}\n" + NODES);
        assertNull(hashed.users().get(0).backendSha2(), "a hash cannot log in to caching_sha2 backends");
    }

    /** A self-signed certificate (CN=test), only parsed. */
    private static final String TEST_CERT = """
        -----BEGIN CERTIFICATE-----
        MIIC/zCCAeegAwIBAgIUFsJA79MIxKK5WcgApgxPiuIthKowDQYJKoZIhvcNAQEL
        BQAwDzENMAsGA1UEAwwEdGVzdDAeFw0yNjExMjIwNTQ3MjFaFw0zNjExMTkwNTQ3
        MjFaMA8xDTALBgNVBAMMBHRlc3QwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
        AoIBAQCduBzi5rz7wKlUKfq5xOu+r3NuDyRv4FUA6M7XIVT9noZ7Ea/se0DjSJp2
        JRG/8TuEVhrCD8zWSFBxCzTGbUh5J7OoZKIfRWijR0Bx5cvkn5pl44D0IQ4/duKB
        /s585yyvEd+boaqtEoaFowuDMXTVYbSjw2ftLkF2khAvji4zJrYUg65TLlKJ6+ea
        UrDpuOYkoWjCtNAbWZDAPMg7jnHxvyU8FPf7LAHvnQzoeDEQOqCO5qvseiwDh1dk
        1v3frvHfPmJxudBmBYqGh6REx7wnzEnxQw/ilnkPnAB4JU/hWkkxrAYMqTkLQDgL
        M71xuNgbI7YfQRoBkyq//7TnGtQFAgMBAAGjUzBRMB0GA1UdDgQWBBQq8QBTzZBE
        yTnsDcCGMNwrZKpIkTAfBgNVHSMEGDAWgBQq8QBTzZBEyTnsDcCGMNwrZKpIkTAP
        BgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQCP2s/flPWlJmmY8JEx
        5kqCz3qW0vkwD1ZPf1E0xAklru43VPaGTOGBoZvF04zg/tZFtEcDXkC33Dl1SjQ/
        nkbw8HPn/rX0orn92DNQWP/aXOcRjVEviJQC5l3XLNs4inlVeOVjnhx3y3KWORR/
        T5SmqeyxHGthFXy3M1lNsVVYdPXRgRGQY5b5kVq7BZapz5MYOvQ+KzLe7w5lcqdy
        6mzhjojnvy4T5VHx16oS7jTNHyQk+/18g496ZxAFpqY+ldhnDiFTikh1/Lzq3TM+
        zIARk3UD3Z57pmNKgJXlOpuW2lrTTK4JH40TXMPnFpgggLqYrJejPiZZMkSoMgL7
        doWV
        -----END CERTIFICATE-----
        """;
}
