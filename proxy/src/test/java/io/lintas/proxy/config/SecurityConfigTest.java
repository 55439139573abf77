package io.lintas.proxy.config;

import io.lintas.wire.auth.AuthRsaKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy.tls / auth_plugin / max_connections / login_throttle keys and users[].max_connections. */
class SecurityConfigTest {
    private static final String REST = """
        users:
          - {username: app, password: app, max_connections: 7}
          - {username: hashed, password_hash: "*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3"}
        nodes:
          - {name: node1, host: 127.0.0.1, port: 3311}
        """;

    private static String problems(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().parse("test.yaml", yaml));
        return String.join("\n", e.problems());
    }

    @Test
    void defaults() throws Exception {
        LintasConfig c = new ConfigLoader().parse("t", REST);
        LintasConfig.SecuritySettings s = c.proxy().security();
        assertNull(s.tls(), "plain unless configured");
        assertEquals("mysql_native_password", s.authPlugin());
        assertNull(s.rsaPrivateKeyFile());
        assertEquals(4096, s.maxConnections());
        assertNotNull(s.loginThrottle());
        assertEquals(5000, s.loginThrottle().maxDelay().toMillis());
        assertEquals(7, c.users().get(0).maxConnections());
        assertNotNull(c.users().get(0).sha2FastAuth(), "clear password: fast path from the first login");
        assertEquals(0, c.users().get(1).maxConnections());
        assertNull(c.users().get(1).sha2FastAuth(), "hash only: learned at the first full authentication");
    }

    @Test
    void throttleStaysBelowTheHandshakeTimeout() throws Exception {
        LintasConfig c = new ConfigLoader().parse("t", "proxy: {handshake_timeout_ms: 2000}\n" + REST);
        assertEquals(1000, c.proxy().security().loginThrottle().maxDelay().toMillis());
        assertTrue(problems("proxy: {handshake_timeout_ms: 2000, login_throttle: {max_delay_ms: 3000}}\n" + REST)
            .contains("proxy.login_throttle.max_delay_ms"));
        LintasConfig off = new ConfigLoader().parse("t", "proxy: {login_throttle: {enabled: false}}\n" + REST);
        assertNull(off.proxy().security().loginThrottle());
    }

    @Test
    void badValuesNameTheirKey(@TempDir Path dir) throws Exception {
        assertTrue(problems("proxy: {auth_plugin: sha256_password}\n" + REST).contains("proxy.auth_plugin"));
        assertTrue(problems("proxy: {max_connections: -1}\n" + REST).contains("proxy.max_connections"));
        assertTrue(problems("proxy: {tls: {cert_file: /nonexistent.pem}}\n" + REST).contains("proxy.tls.key_file"));
        String missing = problems("proxy: {tls: {cert_file: /nonexistent.pem, key_file: /nonexistent-key.pem}}\n" + REST);
        assertTrue(missing.contains("proxy.tls.cert_file") && missing.contains("proxy.tls.key_file"), missing);
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        assertTrue(problems("proxy: {tls: {cert_file: " + junk + ", key_file: " + junk + "}}\n" + REST)
            .contains("proxy.tls.cert_file"));
        assertTrue(problems("proxy: {rsa_private_key_file: " + junk + "}\n" + REST).contains("proxy.rsa_private_key_file"));
        assertTrue(problems(REST.replace("max_connections: 7", "max_connections: -2")).contains("users[0].max_connections"));
        assertFalse(problems("proxy: {auth_plugin: x}\n" + REST).contains("app"), "no credentials in errors");
    }

    @Test
    void rsaKeyFileIsRead(@TempDir Path dir) throws Exception {
        AuthRsaKeys keys = AuthRsaKeys.generate();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.privateKey().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
        Path file = Files.writeString(dir.resolve("rsa.pem"), pem);
        LintasConfig c = new ConfigLoader().parse("t",
            "proxy: {auth_plugin: caching_sha2_password, rsa_private_key_file: " + file + "}\n" + REST);
        assertEquals(file, c.proxy().security().rsaPrivateKeyFile());
        assertEquals("caching_sha2_password", c.proxy().security().authPlugin());
    }
}
