package io.lintas.proxy.config;

import io.lintas.wire.auth.CachingSha2ClientExchange;
import io.lintas.wire.auth.Sha2FastAuthEntry;

/**
 * A user clients log in as; the same name is used on the backends.
 *
 * @param stage2 SHA1(SHA1(password)), or null for a user without a password
 * @param stage1 SHA1(password) when the clear password was configured, else null (learned at login)
 * @param maxConnections  sessions this user may have open at once, 0 for no limit
 * @param sha2FastAuth    caching_sha2_password fast-path digests when the clear password was configured, else null
 * @param backendSha2     what logging in to caching_sha2_password backends (MySQL 8) needs, when the clear password
 *                        was configured, else null
 */
public record UserAccount(String username, byte[] stage2, byte[] stage1, String defaultSchema, int maxConnections,
                          Sha2FastAuthEntry sha2FastAuth, CachingSha2ClientExchange.Secrets backendSha2) {

    /** An account without a connection limit or precomputed caching_sha2 digests. */
    public UserAccount(String username, byte[] stage2, byte[] stage1, String defaultSchema) {
        this(username, stage2, stage1, defaultSchema, 0, null, null);
    }

    /** An account whose backends log in with mysql_native_password only. */
    public UserAccount(String username, byte[] stage2, byte[] stage1, String defaultSchema, int maxConnections,
                       Sha2FastAuthEntry sha2FastAuth) {
        this(username, stage2, stage1, defaultSchema, maxConnections, sha2FastAuth, null);
    }

    @Override
    public String toString() {
        return "UserAccount{" + username + "}";
    }
}
