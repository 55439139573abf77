package io.lintas.wire.auth;

import io.lintas.wire.message.AuthMoreData;
import io.lintas.wire.message.AuthSwitchRequest;
import io.lintas.wire.message.WireMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * The server side of one caching_sha2_password login, as a state machine without I/O: feed it the client's
 * auth data, send the {@link Step#replies()} it returns (consecutive sequence ids after the client's packet),
 * and when it says {@link Outcome#VERIFIED} send the OK (or ERR on {@link Outcome#DENIED}) yourself.
 *
 * <p>An unknown user (null account) goes through the same exchange and is denied at the end, so a client
 * cannot tell unknown users from wrong passwords. Never logs or keeps the clear password.
 */
public final class CachingSha2ServerExchange {

    /** Where a login stands after a step. */
    public enum Outcome {
        /** Send the replies and wait for the client's next packet. */
        CONTINUE,
        /** The password is proven: send the replies, then OK. */
        VERIFIED,
        /** Send the replies, then ERR 1045 Access denied. */
        DENIED
    }

    /**
     * What the proxy knows about the account.
     *
     * @param nativeStage2 SHA1(SHA1(password)) from the config; null for an account without a password
     * @param fastAuth     cached digests for the fast path, or null (then the client must send its password)
     */
    public record Account(byte[] nativeStage2, Sha2FastAuthEntry fastAuth) {
        /** An account configured with its clear password: the fast path works from the first login. */
        public static Account ofPassword(String password) {
            if (password == null || password.isEmpty()) {
                return new Account(null, null);
            }
            byte[] pw = password.getBytes(StandardCharsets.UTF_8);
            return new Account(NativePassword.stage2(NativePassword.sha1(pw)), Sha2FastAuthEntry.of(pw));
        }

        @Override
        public String toString() {
            return "Account{…}";
        }
    }

    /**
     * A proven login.
     *
     * @param nativeStage1  SHA1(password) to log in to mysql_native_password backends; null for no password
     * @param sha2Stage1    SHA256(password) for caching_sha2 backends' fast path; null for no password
     * @param newFastAuth   after a full authentication: the entry to cache for this user's next fast path, else null
     */
    public record Verified(byte[] nativeStage1, byte[] sha2Stage1, Sha2FastAuthEntry newFastAuth) {
        @Override
        public String toString() {
            return "Verified{fullAuth=" + (newFastAuth != null) + "}";
        }
    }

    /**
     * One step of the exchange.
     *
     * @param verified set when the outcome is VERIFIED
     * @param reason   why a login was denied, for the log (never contains secrets); null otherwise
     */
    public record Step(List<WireMessage> replies, Outcome outcome, Verified verified, String reason) {
        static Step next(WireMessage reply) {
            return new Step(List.of(reply), Outcome.CONTINUE, null, null);
        }

        static Step verified(List<WireMessage> replies, Verified v) {
            return new Step(replies, Outcome.VERIFIED, v, null);
        }

        static Step denied(String reason) {
            return new Step(List.of(), Outcome.DENIED, null, reason);
        }
    }

    private enum State { NEW, AWAIT_TOKEN, AWAIT_PASSWORD, AWAIT_RSA_PASSWORD, DONE }

    private final byte[] scramble;
    private final Account account;
    private final boolean secureTransport;
    private final AuthRsaKeys rsaKeys;
    private State state = State.NEW;

    /**
     * @param scramble        the 20-byte challenge the client was given (greeting or AuthSwitch)
     * @param account         the configured account, or null for an unknown user
     * @param secureTransport TLS or a unix socket: the clear password may be sent as is
     * @param rsaKeys         keys for the RSA exchange over plain TCP; null disables it (such clients need TLS or the fast path)
     */
    public CachingSha2ServerExchange(byte[] scramble, Account account, boolean secureTransport, AuthRsaKeys rsaKeys) {
        this.scramble = CachingSha2Password.nonce(scramble).clone();
        this.account = account;
        this.secureTransport = secureTransport;
        this.rsaKeys = rsaKeys;
    }

    /**
     * Starts with the auth data of a HandshakeResponse41 or COM_CHANGE_USER. A client that used another
     * plugin is asked to switch (AuthSwitchRequest with the same scramble).
     */
    public Step start(String clientPluginName, byte[] authResponse) {
        if (state != State.NEW) {
            throw new IllegalStateException("exchange already started");
        }
        if (!CachingSha2Password.PLUGIN_NAME.equals(clientPluginName)) {
            state = State.AWAIT_TOKEN;
            return Step.next(new AuthSwitchRequest(CachingSha2Password.PLUGIN_NAME, scramble.clone()));
        }
        return onToken(authResponse == null ? new byte[0] : authResponse);
    }

    /** Feeds the payload of the client's next packet (the caller checks its sequence id); does not consume it. */
    public Step onPacket(ByteBuf payload) {
        byte[] data = ByteBufUtil.getBytes(payload);
        try {
            return switch (state) {
                case AWAIT_TOKEN -> onToken(data);
                case AWAIT_PASSWORD -> onFullAuth(data);
                case AWAIT_RSA_PASSWORD -> onRsaPassword(data);
                case NEW, DONE -> throw new IllegalStateException("no client packet expected in state " + state);
            };
        } finally {
            Arrays.fill(data, (byte) 0);
        }
    }

    /** True once the exchange returned VERIFIED or DENIED. */
    public boolean isDone() {
        return state == State.DONE;
    }

    private Step onToken(byte[] token) {
        if (CachingSha2Password.isEmptyToken(token)) {
            return emptyPassword();
        }
        if (token.length != CachingSha2Password.DIGEST_LENGTH) {
            return deny("caching_sha2 token of " + token.length + " bytes");
        }
        Sha2FastAuthEntry cached = account == null ? null : account.fastAuth();
        if (cached != null && cached.matches(account.nativeStage2())) {
            byte[] stage1 = CachingSha2Password.recoverStage1(token, scramble, cached.sha2Stage2());
            if (stage1 != null) {
                state = State.DONE;
                return Step.verified(List.of(new AuthMoreData(new byte[] {CachingSha2Password.FAST_AUTH_SUCCESS})),
                    new Verified(cached.nativeStage1(), stage1, null));
            }
        }
        // Not cached, or cached for another password: like MySQL, ask for the password itself.
        state = State.AWAIT_PASSWORD;
        return Step.next(new AuthMoreData(new byte[] {CachingSha2Password.PERFORM_FULL_AUTHENTICATION}));
    }

    private Step onFullAuth(byte[] data) {
        if (secureTransport) {
            int len = data.length > 0 && data[data.length - 1] == 0 ? data.length - 1 : data.length;
            byte[] password = Arrays.copyOf(data, len);
            try {
                return checkPassword(password);
            } finally {
                Arrays.fill(password, (byte) 0);
            }
        }
        if (rsaKeys == null) {
            return deny("full authentication over plain TCP needs TLS or RSA keys");
        }
        if (data.length == 1 && data[0] == CachingSha2Password.REQUEST_PUBLIC_KEY) {
            state = State.AWAIT_RSA_PASSWORD;
            return Step.next(new AuthMoreData(rsaKeys.publicKeyPem().getBytes(StandardCharsets.US_ASCII)));
        }
        // A client that already has the key (server-public-key-path) sends the cipher text at once.
        return onRsaPassword(data);
    }

    private Step onRsaPassword(byte[] cipherText) {
        if (rsaKeys == null || cipherText.length != rsaKeys.cipherLength()) {
            return deny("RSA-encrypted password of " + cipherText.length + " bytes");
        }
        byte[] password = CachingSha2Password.decryptPassword(cipherText, scramble, rsaKeys.privateKey());
        if (password == null) {
            return deny("RSA-encrypted password does not decrypt");
        }
        try {
            return checkPassword(password);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private Step checkPassword(byte[] password) {
        if (password.length == 0) {
            return emptyPassword();
        }
        byte[] nativeStage1 = NativePassword.sha1(password);
        boolean ok = account != null && account.nativeStage2() != null
            && MessageDigest.isEqual(NativePassword.stage2(nativeStage1), account.nativeStage2());
        if (!ok) {
            return deny(account == null ? "unknown user" : "wrong password");
        }
        state = State.DONE;
        return Step.verified(List.of(), new Verified(nativeStage1, CachingSha2Password.stage1(password), Sha2FastAuthEntry.of(password)));
    }

    /** The client claims an empty password: right only for an account that has none. */
    private Step emptyPassword() {
        if (account != null && account.nativeStage2() == null) {
            state = State.DONE;
            return Step.verified(List.of(), new Verified(null, null, null));
        }
        return deny(account == null ? "unknown user" : "empty password");
    }

    private Step deny(String reason) {
        state = State.DONE;
        return Step.denied(reason);
    }

    @Override
    public String toString() {
        return "CachingSha2ServerExchange{state=" + state + ", secure=" + secureTransport + "}";
    }
}
