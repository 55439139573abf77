package io.lintas.admin.spi;

import java.util.Objects;

/**
 * One row of {@code mysql_users}: a user clients log in as.
 *
 * @param passwordHash {@code *} + 40 upper-case hex digits (SHA1(SHA1(password))), or empty for no password;
 *                     the admin interface never hands the runtime a clear password
 * @param defaultSchema schema used when the client names none, or null
 */
public record UserRow(String username, String passwordHash, boolean active, int defaultHostgroup,
                      String defaultSchema, boolean transactionPersistent, int maxConnections, String comment) {
    /** Normalises null password and comment to empty strings. */
    public UserRow {
        Objects.requireNonNull(username, "username");
        passwordHash = passwordHash == null ? "" : passwordHash;
        comment = comment == null ? "" : comment;
    }

    @Override
    public String toString() {
        // Records print every component; a hash is not a password, but it is still a secret worth keeping out of logs.
        return "UserRow{username=" + username + ", active=" + active + ", defaultHostgroup=" + defaultHostgroup
            + ", defaultSchema=" + defaultSchema + "}";
    }
}
