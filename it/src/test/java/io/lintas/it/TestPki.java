package io.lintas.it;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throw-away certificate authority for tests: a CA and leaf certificates for given DNS names and IP
 * addresses, written as PEM files (certificate, PKCS#8 key) as an operator would configure them.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** PEM files of one issued certificate. */
    public record Issued(Path certFile, Path keyFile, X509Certificate certificate) {}

    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate caCert;
    private final Path dir;

    private TestPki(String name, KeyPair caKeys, X509Certificate caCert, Path dir) {
        this.name = name;
        this.caKeys = caKeys;
        this.caCert = caCert;
        this.dir = dir;
    }

    /** A new CA whose files live in {@code dir}. */
    public static TestPki create(String name, Path dir) throws Exception {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder b = builder(subject, subject, keys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate cert = sign(b, keys.getPrivate());
        TestPki pki = new TestPki(name, keys, cert, dir);
        writePem(dir.resolve(name + "-ca.pem"), "CERTIFICATE", cert.getEncoded());
        return pki;
    }

    /** The CA certificate file (what {@code ca_file} points to). */
    public Path caFile() {
        return dir.resolve(name + "-ca.pem");
    }

    /** A leaf certificate for server and client use, naming {@code dnsNames} and {@code ips} as SANs. */
    public Issued issue(String cn, List<String> dnsNames, List<String> ips) throws Exception {
        KeyPair keys = keyPair();
        JcaX509v3CertificateBuilder b = builder(new X500Name("CN=" + name), new X500Name("CN=" + cn), keys);
        List<GeneralName> sans = new ArrayList<>();
        dnsNames.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
        ips.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        X509Certificate cert = sign(b, caKeys.getPrivate());
        Path certFile = dir.resolve(cn + ".pem");
        Path keyFile = dir.resolve(cn + "-key.pem");
        writePem(certFile, "CERTIFICATE", cert.getEncoded());
        writePem(keyFile, "PRIVATE KEY", keys.getPrivate().getEncoded());
        return new Issued(certFile, keyFile, cert);
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey issuerKey) throws Exception {
        X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    /** EC P-256: generating RSA keys takes seconds on a busy CI machine, EC keys milliseconds. */
    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        return gen.generateKeyPair();
    }

    private static void writePem(Path file, String label, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n");
    }
}
