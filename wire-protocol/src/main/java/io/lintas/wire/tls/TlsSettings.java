package io.lintas.wire.tls;

import java.nio.file.Path;
import java.util.List;

/** TLS configuration, one record per side of the proxy. */
public final class TlsSettings {
    /** TLS versions offered unless configured otherwise (1.0 and 1.1 are broken and refused by current JDKs anyway). */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private TlsSettings() {}

    /**
     * The client listener ({@code proxy.tls.*}).
     *
     * @param certFile   PEM certificate chain, server certificate first
     * @param keyFile    PEM private key, PKCS#8 ("BEGIN PRIVATE KEY", unencrypted)
     * @param requireTls refuse clients that do not send an SSLRequest (the unix socket is exempt: it never leaves the host)
     * @param protocols  TLS versions accepted
     */
    public record Server(Path certFile, Path keyFile, boolean requireTls, List<String> protocols) {
        public Server {
            if (certFile == null || keyFile == null) {
                throw new IllegalArgumentException("TLS needs both a certificate and a key file");
            }
            protocols = protocols == null || protocols.isEmpty() ? DEFAULT_PROTOCOLS : List.copyOf(protocols);
        }

        /** Certificate and key with the default protocols. */
        public Server(Path certFile, Path keyFile, boolean requireTls) {
            this(certFile, keyFile, requireTls, null);
        }
    }

    /**
     * Connections to the database nodes ({@code nodes[].use_ssl}, {@code nodes[].ssl_*}).
     *
     * @param caFile           PEM CA certificate(s) the node's certificate must chain to; null for the JDK's trust store
     * @param verifyServerCert check the node's certificate chain (on by default; off only for tests or pinned networks)
     * @param verifyHostname   also check that the certificate names the host we connect to (SAN DNS or IP)
     * @param certFile         client certificate for nodes that require X509 users, or null
     * @param keyFile          its PKCS#8 key, or null
     * @param protocols        TLS versions offered
     */
    public record Backend(Path caFile, boolean verifyServerCert, boolean verifyHostname, Path certFile, Path keyFile,
                          List<String> protocols) {
        public Backend {
            if ((certFile == null) != (keyFile == null)) {
                throw new IllegalArgumentException("a client certificate needs its key, and the other way round");
            }
            if (verifyHostname && !verifyServerCert) {
                throw new IllegalArgumentException("hostname verification needs certificate verification");
            }
            protocols = protocols == null || protocols.isEmpty() ? DEFAULT_PROTOCOLS : List.copyOf(protocols);
        }

        /** Verify the node's certificate against {@code caFile} (null: the JDK trust store), hostname as given. */
        public static Backend verified(Path caFile, boolean verifyHostname) {
            return new Backend(caFile, true, verifyHostname, null, null, null);
        }
    }
}
