package io.lintas.pool;

import java.util.Arrays;

/**
 * What the proxy logs in to a backend with: the user name and SHA1(password) (mysql_native_password's
 * "stage 1"), never the clear password. {@link #toString()} hides the secret.
 */
public final class BackendCredentials {
    private final String username;
    private final byte[] stage1;

    /** {@code stage1} may be null for a user without a password. */
    public BackendCredentials(String username, byte[] stage1) {
        this.username = username;
        this.stage1 = stage1 == null ? null : stage1.clone();
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
