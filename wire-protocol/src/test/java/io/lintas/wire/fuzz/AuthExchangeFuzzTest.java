package io.lintas.wire.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lintas.wire.auth.AuthRsaKeys;
import io.lintas.wire.auth.TestKeys;
import io.lintas.wire.auth.CachingSha2ClientExchange;
import io.lintas.wire.auth.CachingSha2Password;
import io.lintas.wire.auth.CachingSha2ServerExchange;
import io.lintas.wire.auth.CachingSha2ServerExchange.Account;
import io.lintas.wire.auth.CachingSha2ServerExchange.Outcome;
import io.lintas.wire.auth.NativePassword;
import io.lintas.wire.message.WireMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The caching_sha2 exchanges driven by arbitrary peers: they must never throw, never prove a login
 * with the wrong credentials, and never put the password (or its digests) into a packet where it does
 * not belong.
 */
class AuthExchangeFuzzTest {
    static final String SECRET = "fuzz-secret";
    static final byte[] SECRET_BYTES = SECRET.getBytes(StandardCharsets.UTF_8);
    static final AuthRsaKeys KEYS = TestKeys.RSA;
    static final byte[] SCRAMBLE = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);

    /**
     * Input: flags (bit 0 TLS, bit 1 RSA keys, bit 2 client starts with another plugin, bits 3-4 account:
     * unknown / no password / *HEX only / clear password), then packets as 2-byte length + bytes; the first
     * is the auth response of the HandshakeResponse41.
     */
    @FuzzTest(maxDuration = "5m")
    void cachingSha2Server(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        int flags = in.u8();
        Account account = switch ((flags >> 3) & 3) {
            case 0 -> null;
            case 1 -> new Account(null, null);
            case 2 -> new Account(NativePassword.stage2(NativePassword.stage1(SECRET)), null);
            default -> Account.ofPassword(SECRET);
        };
        var ex = new CachingSha2ServerExchange(SCRAMBLE, account, (flags & 1) != 0, (flags & 2) != 0 ? KEYS : null);
        String plugin = (flags & 4) != 0 ? NativePassword.PLUGIN_NAME : CachingSha2Password.PLUGIN_NAME;
        CachingSha2ServerExchange.Step step = ex.start(plugin, in.bytes(in.u16()));
        while (true) {
            for (WireMessage reply : step.replies()) {
                ByteBuf b = Unpooled.buffer();
                reply.encode(b, 0);
                assertFalse(contains(ByteBufUtil.getBytes(b), SECRET_BYTES), "the password never goes out");
            }
            if (step.outcome() == Outcome.VERIFIED) {
                if (account != null && account.nativeStage2() == null) {
                    assertNull(step.verified().nativeStage1());
                } else {
                    // Proven means proven: the stage 1 handed to the backends is the real one.
                    assertArrayEquals(NativePassword.stage1(SECRET), step.verified().nativeStage1());
                }
                return;
            }
            if (step.outcome() == Outcome.DENIED || !in.hasMore()) {
                return;
            }
            step = ex.onPacket(Unpooled.wrappedBuffer(in.bytes(in.u16())));
        }
    }

    /**
     * Input: flags (bit 0 TLS, bit 1 server key pinned, bit 2 only SHA256(pw) known), 20 bytes of scramble,
     * then server packets as 2-byte length + bytes.
     */
    @FuzzTest(maxDuration = "5m")
    void cachingSha2Client(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        int flags = in.u8();
        boolean tls = (flags & 1) != 0;
        var secrets = (flags & 4) != 0
            ? new CachingSha2ClientExchange.Secrets(CachingSha2Password.stage1(SECRET), null)
            : CachingSha2ClientExchange.Secrets.ofPassword(SECRET);
        var ex = new CachingSha2ClientExchange(secrets, tls, (flags & 2) != 0 ? KEYS.publicKey() : null);
        ex.token(in.bytes(20));
        while (in.hasMore()) {
            var step = ex.onServerPacket(Unpooled.wrappedBuffer(in.bytes(in.u16())));
            if (step.reply() != null && !tls) {
                assertFalse(contains(step.reply(), SECRET_BYTES), "no clear password without TLS");
            }
            if (step.outcome() != CachingSha2ClientExchange.Outcome.CONTINUE) {
                return;
            }
        }
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
