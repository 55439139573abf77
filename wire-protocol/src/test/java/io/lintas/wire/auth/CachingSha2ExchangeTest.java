package io.lintas.wire.auth;

import io.lintas.wire.message.AuthMoreData;
import io.lintas.wire.message.AuthSwitchRequest;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.WireMessage;
import io.lintas.wire.auth.CachingSha2ServerExchange.Account;
import io.lintas.wire.auth.CachingSha2ServerExchange.Outcome;
import io.lintas.wire.auth.CachingSha2ServerExchange.Step;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.lintas.wire.auth.CachingSha2PasswordTest.KEYS;
import static io.lintas.wire.auth.CachingSha2PasswordTest.SCRAMBLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server and client exchanges, each against hand-built packets and against each other. */
class CachingSha2ExchangeTest {
    private static final String PW = "app";
    private static final byte[] NATIVE_STAGE2 = NativePassword.stage2(NativePassword.stage1(PW));
    /** Configured as {@code *HEX}: nothing cached yet. */
    private static final Account HASH_ONLY = new Account(NATIVE_STAGE2, null);

    private static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    private static byte[] payload(WireMessage m) {
        ByteBuf out = Unpooled.buffer();
        m.encode(out, 0);
        byte[] b = new byte[out.readableBytes()];
        out.readBytes(b);
        return b;
    }

    private static byte[] token(String pw) {
        return CachingSha2Password.scramble(pw.getBytes(StandardCharsets.UTF_8), SCRAMBLE);
    }

    private static byte[] clear(String pw) {
        byte[] b = pw.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    // ---- server ----

    @Test
    void fastPathWithClearPasswordInConfig() {
        var ex = new CachingSha2ServerExchange(SCRAMBLE, Account.ofPassword(PW), false, null);
        Step s = ex.start(CachingSha2Password.PLUGIN_NAME, token(PW));
        assertEquals(Outcome.VERIFIED, s.outcome());
        assertEquals(List.of(new AuthMoreData(new byte[] {3})), s.replies());
        assertArrayEquals(NativePassword.stage1(PW), s.verified().nativeStage1());
        assertArrayEquals(CachingSha2Password.stage1(PW), s.verified().sha2Stage1());
        assertNull(s.verified().newFastAuth(), "nothing new to cache on the fast path");
        assertTrue(ex.isDone());
    }

    @Test
    void cacheMissOverTlsReadsTheClearPasswordAndYieldsACacheEntry() {
        var ex = new CachingSha2ServerExchange(SCRAMBLE, HASH_ONLY, true, null);
        Step s = ex.start(CachingSha2Password.PLUGIN_NAME, token(PW));
        assertEquals(Outcome.CONTINUE, s.outcome());
        assertEquals(List.of(new AuthMoreData(new byte[] {4})), s.replies());
        s = ex.onPacket(buf(clear(PW)));
        assertEquals(Outcome.VERIFIED, s.outcome());
        assertTrue(s.replies().isEmpty());
        assertArrayEquals(NativePassword.stage1(PW), s.verified().nativeStage1());
        Sha2FastAuthEntry entry = s.verified().newFastAuth();
        assertNotNull(entry);

        // The next login of the same user takes the fast path with that entry.
        var next = new CachingSha2ServerExchange(SCRAMBLE, new Account(NATIVE_STAGE2, entry), false, null);
        Step fast = next.start(CachingSha2Password.PLUGIN_NAME, token(PW));
        assertEquals(Outcome.VERIFIED, fast.outcome());
        assertArrayEquals(NativePassword.stage1(PW), fast.verified().nativeStage1());
    }

    @Test
    void staleCacheEntryOfAnOldPasswordIsIgnored() {
        Sha2FastAuthEntry old = Sha2FastAuthEntry.of("old".getBytes(StandardCharsets.UTF_8));
        var ex = new CachingSha2ServerExchange(SCRAMBLE, new Account(NATIVE_STAGE2, old), true, null);
        assertEquals(Outcome.CONTINUE, ex.start(CachingSha2Password.PLUGIN_NAME, token("old")).outcome());
        assertEquals(Outcome.DENIED, ex.onPacket(buf(clear("old"))).outcome());
    }

    @Test
    void wrongClearPasswordIsDenied() {
        var ex = new CachingSha2ServerExchange(SCRAMBLE, HASH_ONLY, true, null);
        ex.start(CachingSha2Password.PLUGIN_NAME, token("nope"));
        Step s = ex.onPacket(buf(clear("nope")));
        assertEquals(Outcome.DENIED, s.outcome());
        assertEquals("wrong password", s.reason());
    }

    @Test
    void wrongTokenWithWarmCacheFallsBackToFullAuthLikeMysql() {
        var ex = new CachingSha2ServerExchange(SCRAMBLE, Account.ofPassword(PW), true, null);
        Step s = ex.start(CachingSha2Password.PLUGIN_NAME, token("nope"));
        assertEquals(List.of(new AuthMoreData(new byte[] {4})), s.replies());
        assertEquals(Outcome.DENIED, ex.onPacket(buf(clear("nope"))).outcome());
    }

    @Test
    void rsaExchangeOverPlainTcp() {
        var ex = new CachingSha2ServerExchange(SCRAMBLE, HASH_ONLY, false, KEYS);
        ex.start(CachingSha2Password.PLUGIN_NAME, token(PW));
        Step key = ex.onPacket(buf(new byte[] {2}));
        assertEquals(Outcome.CONTINUE, key.outcome());
        AuthMoreData pem = (AuthMoreData) key.replies().get(0);
        assertEquals(KEYS.publicKeyPem(), new String(pem.data(), StandardCharsets.US_ASCII));
        byte[] cipher = CachingSha2Password.encryptPassword(PW.getBytes(StandardCharsets.UTF_8), SCRAMBLE,
            AuthRsaKeys.parsePublicKeyPem(new String(pem.data(), StandardCharsets.US_ASCII)));
        Step s = ex.onPacket(buf(cipher));
        assertEquals(Outcome.VERIFIED, s.outcome());
        assertNotNull(s.verified().newFastAuth());
    }

    @Test
    void rsaCipherTextWithoutAskingForTheKey() {
        var ex = new CachingSha2ServerExchange(SCRAMBLE, HASH_ONLY, false, KEYS);
        ex.start(CachingSha2Password.PLUGIN_NAME, token(PW));
        Step s = ex.onPacket(buf(CachingSha2Password.encryptPassword(PW.getBytes(StandardCharsets.UTF_8), SCRAMBLE, KEYS.publicKey())));
        assertEquals(Outcome.VERIFIED, s.outcome());
    }

    @Test
    void plainTcpWithoutRsaKeysIsDeniedInsteadOfReadingAClearPassword() {
        var ex = new CachingSha2ServerExchange(SCRAMBLE, HASH_ONLY, false, null);
        ex.start(CachingSha2Password.PLUGIN_NAME, token(PW));
        Step s = ex.onPacket(buf(clear(PW)));
        assertEquals(Outcome.DENIED, s.outcome());
        assertTrue(s.reason().contains("TLS"));
    }

    @Test
    void garbageCipherTextIsDenied() {
        var ex = new CachingSha2ServerExchange(SCRAMBLE, HASH_ONLY, false, KEYS);
        ex.start(CachingSha2Password.PLUGIN_NAME, token(PW));
        ex.onPacket(buf(new byte[] {2}));
        assertEquals(Outcome.DENIED, ex.onPacket(buf(new byte[256])).outcome());
    }

    @Test
    void clientOnAnotherPluginIsSwitchedWithTheSameScramble() {
        var ex = new CachingSha2ServerExchange(SCRAMBLE, Account.ofPassword(PW), false, null);
        Step s = ex.start(NativePassword.PLUGIN_NAME, NativePassword.scramble(PW, SCRAMBLE));
        assertEquals(Outcome.CONTINUE, s.outcome());
        assertEquals(new AuthSwitchRequest(CachingSha2Password.PLUGIN_NAME, SCRAMBLE), s.replies().get(0));
        assertEquals(Outcome.VERIFIED, ex.onPacket(buf(token(PW))).outcome());
    }

    @Test
    void changeUserCarriesTheSameExchange() {
        // COM_CHANGE_USER names the plugin and carries the token computed with the connection's scramble.
        long caps = io.lintas.wire.Capabilities.CLIENT_SECURE_CONNECTION | io.lintas.wire.Capabilities.CLIENT_PLUGIN_AUTH;
        ByteBuf wire = Unpooled.buffer();
        new io.lintas.wire.message.ChangeUser("app", token(PW), "app", 45, CachingSha2Password.PLUGIN_NAME, null).encode(wire, caps);
        var cu = io.lintas.wire.message.ChangeUser.decode(wire, caps);
        var ex = new CachingSha2ServerExchange(SCRAMBLE, HASH_ONLY, true, null);
        assertEquals(Outcome.CONTINUE, ex.start(cu.authPluginName(), cu.authResponse()).outcome());
        assertEquals(Outcome.VERIFIED, ex.onPacket(buf(clear(PW))).outcome());
    }

    @Test
    void emptyPasswords() {
        var none = new Account(null, null);
        assertEquals(Outcome.VERIFIED, new CachingSha2ServerExchange(SCRAMBLE, none, false, null)
            .start(CachingSha2Password.PLUGIN_NAME, new byte[0]).outcome());
        assertEquals(Outcome.VERIFIED, new CachingSha2ServerExchange(SCRAMBLE, none, false, null)
            .start(CachingSha2Password.PLUGIN_NAME, new byte[] {0}).outcome());
        assertEquals(Outcome.DENIED, new CachingSha2ServerExchange(SCRAMBLE, HASH_ONLY, false, null)
            .start(CachingSha2Password.PLUGIN_NAME, new byte[0]).outcome());
        // An account without a password, but the client sends one.
        var ex = new CachingSha2ServerExchange(SCRAMBLE, none, true, null);
        ex.start(CachingSha2Password.PLUGIN_NAME, token(PW));
        assertEquals(Outcome.DENIED, ex.onPacket(buf(clear(PW))).outcome());
    }

    @Test
    void unknownUserGoesThroughTheWholeExchangeBeforeBeingDenied() {
        var ex = new CachingSha2ServerExchange(SCRAMBLE, null, true, null);
        Step s = ex.start(CachingSha2Password.PLUGIN_NAME, token(PW));
        assertEquals(Outcome.CONTINUE, s.outcome(), "same answer as a known user with a cold cache");
        Step end = ex.onPacket(buf(clear(PW)));
        assertEquals(Outcome.DENIED, end.outcome());
        assertEquals("unknown user", end.reason());
    }

    @Test
    void malformedTokenIsDeniedAndPacketsAfterTheEndAreRefused() {
        var ex = new CachingSha2ServerExchange(SCRAMBLE, HASH_ONLY, false, null);
        assertEquals(Outcome.DENIED, ex.start(CachingSha2Password.PLUGIN_NAME, new byte[20]).outcome());
        assertThrows(IllegalStateException.class, () -> ex.onPacket(buf(new byte[1])));
        assertThrows(IllegalStateException.class, () -> ex.start(CachingSha2Password.PLUGIN_NAME, new byte[0]));
    }

    @Test
    void toStringsHideSecrets() {
        assertFalse(Account.ofPassword(PW).toString().contains("["));
        assertEquals("Sha2FastAuthEntry{…}", Sha2FastAuthEntry.of(new byte[] {1}).toString());
    }

    // ---- client against hand-built server packets ----

    @Test
    void clientFastAuthSuccess() {
        var c = new CachingSha2ClientExchange(CachingSha2ClientExchange.Secrets.ofPassword(PW), false, null);
        assertArrayEquals(token(PW), c.token(SCRAMBLE));
        var s = c.onServerPacket(buf(new byte[] {1, 3}));
        assertEquals(CachingSha2ClientExchange.Outcome.CONTINUE, s.outcome());
        assertNull(s.reply());
        assertEquals(CachingSha2ClientExchange.Outcome.SUCCESS, c.onServerPacket(buf(new byte[] {0, 0, 0, 2, 0, 0, 0})).outcome());
    }

    @Test
    void clientFullAuthOverTlsSendsNulTerminatedPassword() {
        var c = new CachingSha2ClientExchange(CachingSha2ClientExchange.Secrets.ofPassword(PW), true, null);
        c.token(SCRAMBLE);
        assertArrayEquals(clear(PW), c.onServerPacket(buf(new byte[] {1, 4})).reply());
    }

    @Test
    void clientWithoutClearPasswordCannotDoFullAuth() {
        var c = new CachingSha2ClientExchange(new CachingSha2ClientExchange.Secrets(CachingSha2Password.stage1(PW), null), false, null);
        c.token(SCRAMBLE);
        var s = c.onServerPacket(buf(new byte[] {1, 4}));
        assertEquals(CachingSha2ClientExchange.Outcome.FAILED, s.outcome());
        assertTrue(s.reason().contains("clear password"));
    }

    @Test
    void clientPassesTheServersErr() {
        var c = new CachingSha2ClientExchange(CachingSha2ClientExchange.Secrets.ofPassword(PW), false, null);
        c.token(SCRAMBLE);
        var s = c.onServerPacket(buf(payload(new ErrPacket(1045, "28000", "Access denied"))));
        assertEquals(CachingSha2ClientExchange.Outcome.FAILED, s.outcome());
        assertEquals(1045, s.error().errorCode());
    }

    @Test
    void clientAnswersAuthSwitchToCachingSha2AndRefusesOthers() {
        var c = new CachingSha2ClientExchange(CachingSha2ClientExchange.Secrets.ofPassword(PW), false, null);
        c.token("01234567890123456789".getBytes(StandardCharsets.US_ASCII));
        var s = c.onServerPacket(buf(payload(new AuthSwitchRequest(CachingSha2Password.PLUGIN_NAME, SCRAMBLE))));
        assertArrayEquals(token(PW), s.reply());
        var d = new CachingSha2ClientExchange(CachingSha2ClientExchange.Secrets.ofPassword(PW), false, null);
        d.token(SCRAMBLE);
        assertEquals(CachingSha2ClientExchange.Outcome.FAILED,
            d.onServerPacket(buf(payload(new AuthSwitchRequest("dialog", SCRAMBLE)))).outcome());
    }

    @Test
    void clientRejectsJunk() {
        for (byte[] junk : new byte[][] {{}, {1}, {1, 9}, {1, 3, 3}, {0x7f}, {(byte) 0xFE}}) {
            var c = new CachingSha2ClientExchange(CachingSha2ClientExchange.Secrets.ofPassword(PW), false, null);
            c.token(SCRAMBLE);
            assertEquals(CachingSha2ClientExchange.Outcome.FAILED, c.onServerPacket(buf(junk)).outcome(), java.util.Arrays.toString(junk));
        }
    }

    // ---- client against server ----

    /** Plays a whole login between the two exchanges; returns the server's final step. */
    private static Step play(Account account, String clientPassword, boolean tls, AuthRsaKeys keys, java.security.interfaces.RSAPublicKey pinned) {
        var client = new CachingSha2ClientExchange(CachingSha2ClientExchange.Secrets.ofPassword(clientPassword), tls, pinned);
        var server = new CachingSha2ServerExchange(SCRAMBLE, account, tls, keys);
        Step s = server.start(CachingSha2Password.PLUGIN_NAME, client.token(SCRAMBLE));
        for (int round = 0; round < 10; round++) {
            byte[] reply = null;
            for (WireMessage m : s.replies()) {
                var c = client.onServerPacket(buf(payload(m)));
                assertEquals(CachingSha2ClientExchange.Outcome.CONTINUE, c.outcome(), String.valueOf(c.reason()));
                if (c.reply() != null) {
                    reply = c.reply();
                }
            }
            if (s.outcome() != Outcome.CONTINUE) {
                byte[] last = s.outcome() == Outcome.VERIFIED ? new byte[] {0, 0, 0, 2, 0, 0, 0}
                    : payload(new ErrPacket(1045, "28000", "Access denied"));
                var end = client.onServerPacket(buf(last));
                assertEquals(s.outcome() == Outcome.VERIFIED ? CachingSha2ClientExchange.Outcome.SUCCESS
                    : CachingSha2ClientExchange.Outcome.FAILED, end.outcome());
                return s;
            }
            assertNotNull(reply, "the server waits, so the client must answer");
            s = server.onPacket(buf(reply));
        }
        throw new AssertionError("exchange did not end");
    }

    @Test
    void clientAndServerAgreeOnEveryPath() {
        assertEquals(Outcome.VERIFIED, play(Account.ofPassword(PW), PW, false, null, null).outcome());       // fast
        assertEquals(Outcome.VERIFIED, play(HASH_ONLY, PW, true, null, null).outcome());                     // TLS full
        assertEquals(Outcome.VERIFIED, play(HASH_ONLY, PW, false, KEYS, null).outcome());                    // RSA, key asked
        assertEquals(Outcome.VERIFIED, play(HASH_ONLY, PW, false, KEYS, KEYS.publicKey()).outcome());        // RSA, key pinned
        assertEquals(Outcome.DENIED, play(HASH_ONLY, "nope", false, KEYS, null).outcome());
        assertEquals(Outcome.DENIED, play(HASH_ONLY, "nope", true, null, null).outcome());
        assertEquals(Outcome.VERIFIED, play(new Account(null, null), "", false, null, null).outcome());      // no password
    }
}
