package io.lintas.proxy.session;

import io.lintas.pool.BackendCredentials;
import io.lintas.proxy.config.UserAccount;
import io.lintas.wire.auth.NativePassword;

/**
 * Checks a client's mysql_native_password token against the configured account and, when it matches,
 * yields the credentials to log in to the backends with (SHA1(password), recovered from the token).
 */
final class ClientAuthenticator {
    private ClientAuthenticator() {}

    /** True when the client's auth data can be checked as-is, without switching plugins. */
    static boolean canVerify(String plugin, byte[] token) {
        boolean nativePlugin = plugin == null || plugin.isEmpty() || NativePassword.PLUGIN_NAME.equals(plugin);
        return nativePlugin && (token.length == 0 || token.length == NativePassword.SCRAMBLE_LENGTH);
    }

    /** Backend credentials when {@code token} proves the password of {@code account}, else null. */
    static BackendCredentials verify(UserAccount account, byte[] token, byte[] scramble) {
        if (account == null) {
            return null;
        }
        if (account.stage2() == null) {
            return token.length == 0 ? new BackendCredentials(account.username(), null, account.backendSha2()) : null;
        }
        byte[] stage1 = NativePassword.recoverStage1(token, scramble, account.stage2());
        return stage1 == null ? null : new BackendCredentials(account.username(), stage1, account.backendSha2());
    }
}
