package io.lintas.admin.sql;

import io.lintas.wire.auth.NativePassword;
import org.h2.api.Trigger;

import java.sql.Connection;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * H2 trigger on {@code mysql_users}: a clear password written by INSERT or UPDATE is replaced by its
 * {@code *HEX} hash before the row is stored, so the clear text never sits in a table, a SELECT result, the
 * config file or a log. Public with a no-argument constructor because H2 instantiates it by class name.
 */
public final class PasswordHashTrigger implements Trigger {
    private static final Pattern HASH = Pattern.compile("\\*[0-9A-Fa-f]{40}");
    /** Index of {@code password} in the mysql_users column list. */
    private static final int PASSWORD = 1;

    /** Converts a password column value to the stored form: empty stays empty, a hash is upper-cased. */
    public static String toStoredForm(String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        if (HASH.matcher(value).matches()) {
            return value.toUpperCase(Locale.ROOT);
        }
        return NativePassword.storedHash(value);
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) {
        if (newRow != null && newRow[PASSWORD] instanceof String s) {
            newRow[PASSWORD] = toStoredForm(s);
        }
    }
}
