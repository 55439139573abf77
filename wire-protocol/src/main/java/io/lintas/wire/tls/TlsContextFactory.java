package io.lintas.wire.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;

/** Builds Netty SslContexts from {@link TlsSettings}; build once at start-up and share (they are thread-safe). */
public final class TlsContextFactory {
    private TlsContextFactory() {}

    /** The context of the client listener; fails at start-up on an unreadable certificate or key. */
    public static SslContext forServer(TlsSettings.Server s) throws SSLException {
        try {
            return SslContextBuilder.forServer(s.certFile().toFile(), s.keyFile().toFile())
                .sslProvider(SslProvider.JDK)
                .protocols(s.protocols())
                .build();
        } catch (IllegalArgumentException e) {
            // Netty reports unreadable PEM files this way; make it a start-up error naming the files.
            throw new SSLException("cannot load certificate " + s.certFile() + " / key " + s.keyFile() + ": " + e.getMessage(), e);
        }
    }

    /** The context for connections to database nodes. */
    public static SslContext forBackends(TlsSettings.Backend b) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols(b.protocols())
            // Netty 4.2 verifies hostnames by default; this makes the choice explicit either way.
            .endpointIdentificationAlgorithm(b.verifyHostname() ? "HTTPS" : null);
        if (!b.verifyServerCert()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (b.caFile() != null) {
            builder.trustManager(b.caFile().toFile());
        }
        if (b.certFile() != null) {
            builder.keyManager(b.certFile().toFile(), b.keyFile().toFile());
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new SSLException("cannot load backend TLS files: " + e.getMessage(), e);
        }
    }
}
