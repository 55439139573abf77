package io.lintas.proxy.config;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.auth.NativePassword;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
              - {name: node1, host: 127.0.0.1, port: 3311, weight: 3}
            """).contains("unknown key 'nodes[0].weight'"));
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
}
