package io.lintas.monitor;

/**
 * How a TLS connection to a node ({@link BackendNode#useSsl()}) checks the node's certificate.
 *
 * @param caFile           PEM file of the CA(s) the node's certificate must chain to, or null for the JDK trust store
 * @param verifyServerCert check the certificate chain at all (off only for tests or pinned networks)
 * @param verifyHostname   also check that the certificate names the host connected to
 * @param certFile         PEM client certificate (chain) to present, for accounts created {@code REQUIRE X509}, or null
 * @param keyFile          its unencrypted PKCS#8 PEM key (set exactly when {@code certFile} is)
 */
public record NodeTls(String caFile, boolean verifyServerCert, boolean verifyHostname, String certFile, String keyFile) {
    /** The JDK trust store, chain and host name checked. */
    public static final NodeTls DEFAULT = new NodeTls(null, true, true);

    /** Settings without a client certificate. */
    public NodeTls(String caFile, boolean verifyServerCert, boolean verifyHostname) {
        this(caFile, verifyServerCert, verifyHostname, null, null);
    }

    public NodeTls {
        if (verifyHostname && !verifyServerCert) {
            throw new IllegalArgumentException("hostname verification needs certificate verification");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs its key and a key its certificate");
        }
    }

    /** mariadb-java-client's sslMode for these settings. */
    public String jdbcSslMode() {
        return !verifyServerCert ? "trust" : verifyHostname ? "verify-full" : "verify-ca";
    }
}
