package io.lintas.monitor;

/**
 * How a TLS connection to a node ({@link BackendNode#useSsl()}) checks the node's certificate.
 *
 * @param caFile           PEM file of the CA(s) the node's certificate must chain to, or null for the JDK trust store
 * @param verifyServerCert check the certificate chain at all (off only for tests or pinned networks)
 * @param verifyHostname   also check that the certificate names the host connected to
 */
public record NodeTls(String caFile, boolean verifyServerCert, boolean verifyHostname) {
    /** The JDK trust store, chain and host name checked. */
    public static final NodeTls DEFAULT = new NodeTls(null, true, true);

    public NodeTls {
        if (verifyHostname && !verifyServerCert) {
            throw new IllegalArgumentException("hostname verification needs certificate verification");
        }
    }

    /** mariadb-java-client's sslMode for these settings. */
    public String jdbcSslMode() {
        return !verifyServerCert ? "trust" : verifyHostname ? "verify-full" : "verify-ca";
    }
}
