package io.lintas.proxy.config;

import io.lintas.wire.auth.NativePassword;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code admin:} and {@code metrics:} sections. */
class AdminMetricsConfigTest {
    private static final String NODES = """
        nodes:
          - {name: node1, host: 127.0.0.1, port: 3311}
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
    void adminAndMetricsDefaults() throws Exception {
        LintasConfig c = loader.parse("t", USERS + NODES);
        assertTrue(c.admin().enabled());
        assertEquals("127.0.0.1", c.admin().address());
        assertEquals(6032, c.admin().port());
        assertEquals("admin", c.admin().username());
        assertEquals("admin", c.admin().password());
        assertTrue(c.metrics().enabled());
        assertEquals("127.0.0.1", c.metrics().address());
        assertEquals(6070, c.metrics().port());
        assertEquals("/metrics", c.metrics().path());
    }

    @Test
    void adminAndMetricsSettings() throws Exception {
        String hash = NativePassword.storedHash("s3cret");
        LintasConfig c = loader.parse("t", USERS + NODES + """
            admin: {address: 0.0.0.0, port: 7032, username: ops, password_hash: "%s"}
            metrics: {enabled: false, port: 7070, path: /prom}
            """.formatted(hash));
        assertEquals("0.0.0.0", c.admin().address());
        assertEquals(7032, c.admin().port());
        assertEquals("ops", c.admin().username());
        assertEquals(hash, c.admin().password());
        assertFalse(c.metrics().enabled());
        assertEquals("/prom", c.metrics().path());
    }

    @Test
    void adminAndMetricsErrorsNameTheirKeys() {
        String p = problems(USERS + NODES + """
            admin: {port: 70000, password: x, password_hash: y}
            metrics: {port: -1, path: metrics}
            """);
        assertTrue(p.contains("bad value at 'admin.port': '70000'"), p);
        assertTrue(p.contains("bad value at 'admin': give either 'password' or 'password_hash', not both"), p);
        assertTrue(p.contains("bad value at 'metrics.port': '-1'"), p);
        assertTrue(p.contains("bad value at 'metrics.path': 'metrics'"), p);
        assertTrue(problems(USERS + NODES + "admin: {password_hash: nothex}\n").contains("bad value at 'admin.password_hash'"));
        assertTrue(problems(USERS + NODES + "admin: {address: 0.0.0.0}\n").contains("sample password"),
            "the sample password is refused off loopback");
        assertTrue(problems(USERS + NODES + "admin: {prot: 1}\n").contains("unknown key 'admin.prot'"));
        assertTrue(problems(USERS + NODES + "admin: {port: 7000}\nmetrics: {port: 7000}\n")
            .contains("bad value at 'metrics.port': '7000' (admin.port uses it already)"));
    }
}
