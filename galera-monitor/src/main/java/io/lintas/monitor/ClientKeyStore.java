package io.lintas.monitor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client certificate and key, given as PEM files, turned into the PKCS#12 key store file mariadb-java-client
 * needs (its {@code keyStore} option takes no PEM): so a monitor account created {@code REQUIRE X509} can log in.
 *
 * <p>The file is written once per certificate/key pair and process, readable by its owner only, under a random
 * password that lives only in memory, and deleted when the JVM exits.
 */
public final class ClientKeyStore {
    private static final ConcurrentHashMap<List<String>, ClientKeyStore> WRITTEN = new ConcurrentHashMap<>();
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "DSA");

    private final String path;
    private final String password;

    private ClientKeyStore(String path, String password) {
        this.path = path;
        this.password = password;
    }

    /**
     * The key store for this pair, written on first use.
     *
     * @throws IllegalArgumentException naming the file when a file cannot be read or holds no usable PEM
     */
    public static ClientKeyStore of(String certFile, String keyFile) {
        return WRITTEN.computeIfAbsent(List.of(certFile, keyFile), k -> write(certFile, keyFile));
    }

    /** The key store file (PKCS#12). */
    public String path() {
        return path;
    }

    /** The key store's password; never log it. */
    public String password() {
        return password;
    }

    @Override
    public String toString() {
        return "ClientKeyStore[" + path + "]";
    }

    private static ClientKeyStore write(String certFile, String keyFile) {
        List<Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        char[] password = Base64.getEncoder().withoutPadding().encodeToString(secret).toCharArray();
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
            Path file = Files.createTempFile("lintas-monitor-client-", ".p12",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, password);
            }
            return new ClientKeyStore(file.toString(), new String(password));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot build a key store from " + certFile + " and " + keyFile + ": " + e, e);
        }
    }

    private static List<Certificate> certificates(String certFile) {
        try {
            byte[] pem = Files.readAllBytes(Path.of(certFile));
            List<Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem)));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(certFile + " holds no PEM certificate");
            }
            return chain;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the certificate " + certFile + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String keyFile) {
        String text;
        try {
            text = Files.readString(Path.of(keyFile), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the key " + keyFile + ": " + e.getMessage(), e);
        }
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (!m.group(1).equals("PRIVATE KEY")) {
                continue;
            }
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(2)));
            for (String algorithm : KEY_ALGORITHMS) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                    // try the next algorithm
                }
            }
        }
        throw new IllegalArgumentException(keyFile + " holds no unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY);"
            + " convert it with: openssl pkcs8 -topk8 -nocrypt -in <key> -out <key.pk8.pem>");
    }
}
