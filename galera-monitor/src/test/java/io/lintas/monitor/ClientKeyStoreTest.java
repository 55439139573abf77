package io.lintas.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PEM client certificate and key into the PKCS#12 key store the monitor's JDBC driver reads. */
class ClientKeyStoreTest {
    @TempDir
    Path dir;

    /** A self-signed certificate and its PKCS#8 key as PEM files, made with the JDK's keytool. */
    private Path[] pemPair(String alias, String keyAlgorithm) throws Exception {
        Path p12 = dir.resolve(alias + ".p12");
        String java = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process proc = new ProcessBuilder(java, "-genkeypair", "-alias", alias, "-keyalg", keyAlgorithm,
            "-dname", "CN=" + alias, "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
            "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes());
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS) && proc.exitValue() == 0, out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        Path cert = dir.resolve(alias + "-cert.pem");
        Path key = dir.resolve(alias + "-key.pem");
        Files.writeString(cert, pem("CERTIFICATE", ks.getCertificate(alias).getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", ks.getKey(alias, "changeit".toCharArray()).getEncoded()));
        return new Path[] {cert, key};
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
            + "\n-----END " + label + "-----\n";
    }

    @Test
    void pemPairBecomesAnOwnerOnlyKeyStoreWrittenOnce() throws Exception {
        for (String algorithm : new String[] {"RSA", "EC"}) {
            Path[] pair = pemPair("client-" + algorithm.toLowerCase(), algorithm);
            ClientKeyStore store = ClientKeyStore.of(pair[0].toString(), pair[1].toString());
            assertSame(store, ClientKeyStore.of(pair[0].toString(), pair[1].toString()), "written once per pair");
            Path file = Path.of(store.path());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertFalse(store.toString().contains(store.password()), "the password never reaches a log line");

            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, store.password().toCharArray());
            }
            Key key = ks.getKey("client", store.password().toCharArray());
            Certificate cert = ks.getCertificate("client");
            assertArrayEquals(Base64.getMimeDecoder().decode(body(pair[1])), key.getEncoded());
            assertArrayEquals(Base64.getMimeDecoder().decode(body(pair[0])), cert.getEncoded());
        }
    }

    private static String body(Path pem) throws Exception {
        String s = Files.readString(pem);
        return s.substring(s.indexOf("-----\n") + 6, s.lastIndexOf("\n-----END"));
    }

    @Test
    void driverPropertiesCarryTheKeyStoreForTlsNodesOnly() throws Exception {
        Path[] pair = pemPair("monitor", "RSA");
        NodeTls tls = new NodeTls(null, true, true, pair[0].toString(), pair[1].toString());
        Properties p = HealthChecker.tlsProperties(new BackendNode("n", "127.0.0.1", 3311, true), tls);
        ClientKeyStore store = ClientKeyStore.of(pair[0].toString(), pair[1].toString());
        assertEquals(store.path(), p.getProperty("keyStore"));
        assertEquals("PKCS12", p.getProperty("keyStoreType"));
        assertEquals(store.password(), p.getProperty("keyStorePassword"));
        assertTrue(HealthChecker.tlsProperties(new BackendNode("n", "127.0.0.1", 3311), tls).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new NodeTls(null, true, true, pair[0].toString(), null));
    }

    @Test
    void unusableFilesAreNamed() throws Exception {
        Path[] pair = pemPair("bad", "RSA");
        Path pkcs1 = dir.resolve("pkcs1.pem");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ClientKeyStore.of(pair[0].toString(), pkcs1.toString()));
        assertTrue(e.getMessage().contains(pkcs1.toString()) && e.getMessage().contains("PKCS#8"), e.getMessage());
        Path missing = dir.resolve("missing.pem");
        e = assertThrows(IllegalArgumentException.class, () -> ClientKeyStore.of(missing.toString(), pair[1].toString()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
