package io.lintas.pool;

import io.lintas.wire.auth.CachingSha2ClientExchange;

import java.util.Arrays;

/**
 * What the proxy logs in to a backend with: the user name and SHA1(password) (mysql_native_password's
 * "stage 1"), and, when the config holds the clear password, what caching_sha2_password nodes (MySQL 8) need.
 * {@link #toString()} hides the secrets. Two credentials are equal when user and SHA1(password) are: the
 * caching_sha2 secrets derive from the same password.
 */
public final class BackendCredentials {
    private final String username;
    private final byte[] stage1;
    private final CachingSha2ClientExchange.Secrets sha2Secrets;

    /** {@code stage1} may be null for a user without a password. */
    public BackendCredentials(String username, byte[] stage1) {
        this(username, stage1, null);
    }

    /**
     * @param sha2Secrets SHA256(password) and the clear password for caching_sha2_password backends, or null
     *                    when only the password's hash is known (such backends then refuse the login)
     */
    public BackendCredentials(String username, byte[] stage1, CachingSha2ClientExchange.Secrets sha2Secrets) {
        this.username = username;
        this.stage1 = stage1 == null ? null : stage1.clone();
        this.sha2Secrets = sha2Secrets;
    }

    /** These credentials with caching_sha2 secrets (this object when {@code secrets} is null). */
    public BackendCredentials withSha2Secrets(CachingSha2ClientExchange.Secrets secrets) {
        return secrets == null ? this : new BackendCredentials(username, stage1, secrets);
    }

    /** caching_sha2_password secrets, or null. */
    CachingSha2ClientExchange.Secrets sha2Secrets() {
        return sha2Secrets;
    }

    /** The backend user name. */
    public String username() {
        return username;
    }

    /** SHA1(password), or null for an empty password. */
    byte[] stage1() {
        return stage1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendCredentials c && username.equals(c.username) && Arrays.equals(stage1, c.stage1);
    }

    @Override
    public int hashCode() {
        return username.hashCode() * 31 + Arrays.hashCode(stage1);
    }

    @Override
    public String toString() {
        return "BackendCredentials{user=" + username + "}";
    }
}
