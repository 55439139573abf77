package io.lintas.proxy.security;

import io.lintas.proxy.config.LintasConfig;
import io.lintas.wire.auth.AuthRsaKeys;
import io.lintas.wire.auth.CachingSha2Password;
import io.lintas.wire.auth.Sha2FastAuthEntry;
import io.lintas.wire.tls.TlsContextFactory;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * The client-side security state every session shares, built once at start-up from
 * {@link LintasConfig.SecuritySettings}: the TLS context, the caching_sha2 RSA keys and fast-auth cache, the
 * failed-login throttle and the connection limiter.
 */
public final class ClientSecurity {
    private final SslContext sslContext;
    private final boolean requireTls;
    private final boolean cachingSha2;
    private final AuthRsaKeys rsaKeys;
    private final ConcurrentHashMap<String, Sha2FastAuthEntry> fastAuth = new ConcurrentHashMap<>();
    private final LoginThrottle throttle;
    private final ConnectionLimiter limiter;

    private ClientSecurity(SslContext sslContext, boolean requireTls, boolean cachingSha2, AuthRsaKeys rsaKeys,
                           LoginThrottle throttle, ConnectionLimiter limiter) {
        this.sslContext = sslContext;
        this.requireTls = requireTls;
        this.cachingSha2 = cachingSha2;
        this.rsaKeys = rsaKeys;
        this.throttle = throttle;
        this.limiter = limiter;
    }

    /** No TLS, mysql_native_password, no limits, no throttle (tests and embedding). */
    public static ClientSecurity none() {
        return new ClientSecurity(null, false, false, null, null, new ConnectionLimiter(0, u -> 0));
    }

    /**
     * Builds the shared state; {@code userLimit} gives a user's {@code max_connections} (0 = none).
     *
     * @throws IOException when the certificate, key or RSA key file cannot be loaded
     */
    public static ClientSecurity build(LintasConfig.SecuritySettings s, ToIntFunction<String> userLimit) throws IOException {
        SslContext ssl = s.tls() == null ? null : TlsContextFactory.forServer(s.tls());
        boolean sha2 = CachingSha2Password.PLUGIN_NAME.equals(s.authPlugin());
        AuthRsaKeys keys = null;
        if (sha2) {
            keys = s.rsaPrivateKeyFile() != null
                ? AuthRsaKeys.fromPrivateKeyPem(Files.readString(s.rsaPrivateKeyFile()))
                : AuthRsaKeys.generate();
        }
        LoginThrottle throttle = s.loginThrottle() == null ? null : new LoginThrottle(s.loginThrottle());
        return new ClientSecurity(ssl, s.tls() != null && s.tls().requireTls(), sha2, keys, throttle,
            new ConnectionLimiter(s.maxConnections(), userLimit));
    }

    /** The TLS context for clients, or null when TLS is not configured. */
    public SslContext sslContext() {
        return sslContext;
    }

    /** TCP clients must upgrade to TLS before logging in (unix socket clients are exempt). */
    public boolean requireTls() {
        return requireTls;
    }

    /** Clients authenticate with caching_sha2_password (else mysql_native_password). */
    public boolean cachingSha2() {
        return cachingSha2;
    }

    /** RSA keys for caching_sha2's exchange over plain TCP, or null. */
    public AuthRsaKeys rsaKeys() {
        return rsaKeys;
    }

    /** caching_sha2 fast-path digests learned from full authentications, by user name. */
    public ConcurrentHashMap<String, Sha2FastAuthEntry> fastAuthCache() {
        return fastAuth;
    }

    /** The failed-login throttle, or null when disabled. */
    public LoginThrottle throttle() {
        return throttle;
    }

    /** proxy.max_connections and users[].max_connections. */
    public ConnectionLimiter limiter() {
        return limiter;
    }
}
