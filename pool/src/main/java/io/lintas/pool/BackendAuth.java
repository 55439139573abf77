package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.ErrorCode;
import io.lintas.wire.auth.CachingSha2ClientExchange;
import io.lintas.wire.auth.CachingSha2Password;
import io.lintas.wire.auth.NativePassword;
import io.lintas.wire.message.AuthMoreData;
import io.lintas.wire.message.AuthSwitchRequest;
import io.lintas.wire.message.ErrPacket;
import io.netty.buffer.ByteBuf;

/**
 * The authentication exchange of one backend login or COM_CHANGE_USER, without I/O: mysql_native_password,
 * or caching_sha2_password (MySQL 8 nodes) when the credentials carry its secrets. The connection sends
 * {@link #token} with the plugin {@link #plugin} names, passes every packet that is neither OK nor ERR to
 * {@link #onPacket}, and sends what that returns.
 */
final class BackendAuth {

    /** What to do after a server packet. */
    sealed interface Next permits Send, Wait, Fail {}

    /** Send this payload with the next sequence id. */
    record Send(byte[] payload) implements Next {}

    /** Nothing to send; the server's next packet follows (caching_sha2's fast-auth success before its OK). */
    record Wait() implements Next {}

    /** The login cannot go on. */
    record Fail(BackendLoginException cause) implements Next {}

    private final BackendNode node;
    private final BackendCredentials credentials;
    private final boolean secureTransport;
    private CachingSha2ClientExchange sha2;
    private String plugin;

    /** @param secureTransport TLS is up, so caching_sha2 may send the clear password when the server asks for it */
    BackendAuth(BackendNode node, BackendCredentials credentials, boolean secureTransport) {
        this.node = node;
        this.credentials = credentials;
        this.secureTransport = secureTransport;
    }

    /**
     * The first auth response, for the server's default plugin {@code serverPlugin} and {@code scramble}:
     * caching_sha2 when the server prefers it and the secrets are known, else mysql_native_password (the
     * server switches plugins if the account needs another).
     */
    byte[] token(String serverPlugin, byte[] scramble) {
        if (CachingSha2Password.PLUGIN_NAME.equals(serverPlugin) && credentials.sha2Secrets() != null) {
            sha2 = new CachingSha2ClientExchange(credentials.sha2Secrets(), secureTransport, null);
            plugin = CachingSha2Password.PLUGIN_NAME;
            return sha2.token(scramble);
        }
        plugin = NativePassword.PLUGIN_NAME;
        return NativePassword.token(credentials.stage1(), scramble);
    }

    /** The plugin {@link #token} answered for. */
    String plugin() {
        return plugin;
    }

    /** The next step after a server packet other than OK or ERR. */
    Next onPacket(ByteBuf payload) {
        int first = payload.getUnsignedByte(payload.readerIndex());
        if (first == AuthSwitchRequest.HEADER) {
            AuthSwitchRequest req = AuthSwitchRequest.decode(payload.duplicate());
            if (NativePassword.PLUGIN_NAME.equals(req.pluginName())) {
                sha2 = null;
                plugin = NativePassword.PLUGIN_NAME;
                return new Send(NativePassword.token(credentials.stage1(), req.pluginData()));
            }
            if (!CachingSha2Password.PLUGIN_NAME.equals(req.pluginName())) {
                return unsupported(req.pluginName(), "the proxy logs in to backends with mysql_native_password or"
                    + " caching_sha2_password");
            }
            if (credentials.sha2Secrets() == null) {
                return unsupported(req.pluginName(), "caching_sha2_password needs the user's clear password in the"
                    + " config (users[].password), not only its hash");
            }
            sha2 = new CachingSha2ClientExchange(credentials.sha2Secrets(), secureTransport, null);
            plugin = CachingSha2Password.PLUGIN_NAME;
            return sha2Step(payload);
        }
        if (first == AuthMoreData.HEADER && sha2 != null) {
            return sha2Step(payload);
        }
        return new Fail(new BackendLoginException("node " + node + " sent packet 0x" + Integer.toHexString(first)
            + " during the " + plugin + " login of " + credentials.username() + ", which the proxy does not understand",
            (Throwable) null));
    }

    private Next sha2Step(ByteBuf payload) {
        CachingSha2ClientExchange.Step step = sha2.onServerPacket(payload);
        return switch (step.outcome()) {
            case CONTINUE -> step.reply() == null ? new Wait() : new Send(step.reply());
            case FAILED -> new Fail(step.error() != null
                ? new BackendLoginException("node " + node + " refused login of " + credentials.username() + ": "
                    + step.error().message(), step.error())
                : new BackendLoginException("caching_sha2_password login of " + credentials.username() + " to " + node
                    + " failed: " + step.reason(), (Throwable) null));
            // OK packets go to the connection, never here.
            case SUCCESS -> new Wait();
        };
    }

    private Fail unsupported(String pluginName, String why) {
        return new Fail(new BackendLoginException("node " + node + " wants auth plugin " + pluginName + " for user "
            + credentials.username() + "; " + why,
            ErrPacket.of(ErrorCode.ER_NOT_SUPPORTED_AUTH_MODE, "Backend requires unsupported authentication plugin "
                + pluginName)));
    }
}
