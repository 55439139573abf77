package io.lintas.wire.auth;

import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.message.AuthMoreData;
import io.lintas.wire.message.AuthSwitchRequest;
import io.lintas.wire.message.ErrPacket;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;

/**
 * The client side of a caching_sha2_password login (the proxy logging in to a backend), without I/O.
 * Send {@link #token} in the HandshakeResponse41 when the greeting names the plugin, then feed every
 * server packet to {@link #onServerPacket} and send its {@link Step#reply()} (next sequence id) until the
 * step is {@link Outcome#SUCCESS} (the server's OK) or {@link Outcome#FAILED}.
 *
 * <p>The fast path needs only SHA256(password); the full authentication the server asks for after a cache
 * miss needs the clear password, which the proxy has only when the config holds it.
 */
public final class CachingSha2ClientExchange {

    /** Where the login stands after a server packet. */
    public enum Outcome {
        /** Send the reply if there is one, and pass the next server packet. */
        CONTINUE,
        /** The server sent OK: logged in. */
        SUCCESS,
        /** The server sent ERR ({@link Step#error()}), or the exchange cannot go on ({@link Step#reason()}). */
        FAILED
    }

    /**
     * One step.
     *
     * @param reply  payload to send next, or null
     * @param error  the server's ERR when it sent one
     * @param reason why the exchange failed, for logs (never secrets)
     */
    public record Step(byte[] reply, Outcome outcome, ErrPacket error, String reason) {
        static Step send(byte[] reply) {
            return new Step(reply, Outcome.CONTINUE, null, null);
        }

        static Step failed(String reason) {
            return new Step(null, Outcome.FAILED, null, reason);
        }
    }

    /**
     * What the proxy can prove the password with.
     *
     * @param sha2Stage1 SHA256(password), enough for the fast path; null for an empty password
     * @param password   the clear password (UTF-8) for full authentication, or null when unknown
     */
    public record Secrets(byte[] sha2Stage1, byte[] password) {
        /** Both, from a clear password. */
        public static Secrets ofPassword(String password) {
            if (password == null || password.isEmpty()) {
                return new Secrets(null, new byte[0]);
            }
            byte[] pw = password.getBytes(StandardCharsets.UTF_8);
            return new Secrets(CachingSha2Password.stage1(pw), pw);
        }

        @Override
        public String toString() {
            return "Secrets{…}";
        }
    }

    private enum State { TOKEN_SENT, AWAIT_OK, AWAIT_PUBLIC_KEY, PASSWORD_SENT, DONE }

    private final Secrets secrets;
    private final boolean secureTransport;
    private RSAPublicKey serverKey;
    private byte[] scramble;
    private State state = State.TOKEN_SENT;

    /**
     * @param secureTransport TLS is up: the clear password may be sent as is on full authentication
     * @param serverKey       the server's RSA public key when known in advance (skips asking for it), or null
     */
    public CachingSha2ClientExchange(Secrets secrets, boolean secureTransport, RSAPublicKey serverKey) {
        this.secrets = secrets;
        this.secureTransport = secureTransport;
        this.serverKey = serverKey;
    }

    /** The auth response for {@code scramble} (greeting or AuthSwitchRequest data); remembers the scramble. */
    public byte[] token(byte[] scramble) {
        this.scramble = CachingSha2Password.nonce(scramble).clone();
        this.state = State.TOKEN_SENT;
        return CachingSha2Password.token(secrets.sha2Stage1(), this.scramble);
    }

    /** Feeds the payload of the server's next packet during login; does not consume it. */
    public Step onServerPacket(ByteBuf payload) {
        if (state == State.DONE) {
            throw new IllegalStateException("login already finished");
        }
        if (!payload.isReadable()) {
            return fail("empty packet during caching_sha2 login");
        }
        int first = payload.getUnsignedByte(payload.readerIndex());
        try {
            switch (first) {
                case 0x00:
                    state = State.DONE;
                    return new Step(null, Outcome.SUCCESS, null, null);
                case ErrPacket.HEADER:
                    state = State.DONE;
                    return new Step(null, Outcome.FAILED, ErrPacket.decode(payload.duplicate()), null);
                case AuthSwitchRequest.HEADER:
                    return onSwitch(AuthSwitchRequest.decode(payload.duplicate()));
                case AuthMoreData.HEADER:
                    return onMoreData(AuthMoreData.decode(payload.duplicate()).data());
                default:
                    return fail("unexpected packet 0x" + Integer.toHexString(first) + " during caching_sha2 login");
            }
        } catch (MalformedPacketException e) {
            return fail(e.getMessage());
        }
    }

    private Step onSwitch(AuthSwitchRequest req) {
        if (state != State.TOKEN_SENT) {
            return fail("AuthSwitchRequest in the middle of caching_sha2 login");
        }
        if (!CachingSha2Password.PLUGIN_NAME.equals(req.pluginName())) {
            // Other plugins (mysql_native_password) are the connection's business, with other secrets.
            return fail("server switched to unsupported auth plugin " + req.pluginName());
        }
        return Step.send(token(req.pluginData()));
    }

    private Step onMoreData(byte[] data) {
        if (state == State.AWAIT_PUBLIC_KEY) {
            try {
                serverKey = AuthRsaKeys.parsePublicKeyPem(new String(data, StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                return fail("server sent an unusable RSA public key");
            }
            return sendEncrypted();
        }
        if (state != State.TOKEN_SENT || data.length != 1) {
            return fail("unexpected AuthMoreData during caching_sha2 login");
        }
        if (data[0] == CachingSha2Password.FAST_AUTH_SUCCESS) {
            state = State.AWAIT_OK;
            return Step.send(null);
        }
        if (data[0] != CachingSha2Password.PERFORM_FULL_AUTHENTICATION) {
            return fail("unknown caching_sha2 status 0x" + Integer.toHexString(data[0] & 0xFF));
        }
        byte[] password = secrets.password();
        if (password == null) {
            return fail("the server asks for full authentication, which needs the clear password (not in the config)");
        }
        if (secureTransport) {
            state = State.PASSWORD_SENT;
            return Step.send(Arrays.copyOf(password, password.length + 1));
        }
        if (serverKey == null) {
            state = State.AWAIT_PUBLIC_KEY;
            return Step.send(new byte[] {CachingSha2Password.REQUEST_PUBLIC_KEY});
        }
        return sendEncrypted();
    }

    private Step sendEncrypted() {
        try {
            byte[] cipher = CachingSha2Password.encryptPassword(secrets.password(), scramble, serverKey);
            state = State.PASSWORD_SENT;
            return Step.send(cipher);
        } catch (IllegalArgumentException e) {
            return fail(e.getMessage());
        }
    }

    private Step fail(String reason) {
        state = State.DONE;
        return Step.failed(reason);
    }
}
