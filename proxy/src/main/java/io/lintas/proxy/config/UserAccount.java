package io.lintas.proxy.config;

/**
 * A user clients log in as; the same name is used on the backends.
 *
 * @param stage2 SHA1(SHA1(password)), or null for a user without a password
 * @param stage1 SHA1(password) when the clear password was configured, else null (learned at login)
 */
public record UserAccount(String username, byte[] stage2, byte[] stage1, String defaultSchema) {
    @Override
    public String toString() {
        return "UserAccount{" + username + "}";
    }
}
