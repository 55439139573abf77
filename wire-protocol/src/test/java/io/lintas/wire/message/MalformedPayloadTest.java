package io.lintas.wire.message;

import io.lintas.wire.LengthEncoded;
import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.ServerStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.lintas.wire.Capabilities.*;
import static io.lintas.wire.TestBufs.encode;
import static io.lintas.wire.TestBufs.hex;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every decoder, fed truncated, mutated or random payloads, either decodes or throws
 * {@link MalformedPacketException} - never IndexOutOfBoundsException, IllegalArgumentException or anything else.
 */
class MalformedPayloadTest {
    static final long CLIENT = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_TRANSACTIONS
        | CLIENT_PLUGIN_AUTH | CLIENT_CONNECT_WITH_DB | CLIENT_CONNECT_ATTRS | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
        | CLIENT_SESSION_TRACK | CLIENT_DEPRECATE_EOF;
    static final byte[] SCRAMBLE = "ABCDEFGHIJKLMNOPQRST".getBytes(StandardCharsets.US_ASCII);

    record Case(String name, Function<ByteBuf, Object> decoder, int header, List<byte[]> seeds) {}

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("_os", "Linux");
        attrs.put("_pid", "77");
        cases.add(new Case("HandshakeV10", HandshakeV10::decode, 10, List.of(
            encode(new HandshakeV10("5.5.5-10.11.6-MariaDB", 5, SCRAMBLE, (CLIENT & ~CLIENT_LONG_PASSWORD)
                | MARIADB_CLIENT_PROGRESS, 45, 2, "mysql_native_password"), 0),
            encode(new HandshakeV10("8.0.36", 5, SCRAMBLE, CLIENT, 255, 2, "caching_sha2_password"), 0))));
        cases.add(new Case("HandshakeResponse41", HandshakeResponse41::decode, -1, List.of(
            encode(new HandshakeResponse41(CLIENT, 0xFFFFFF, 45, "app", SCRAMBLE, "shop", "mysql_native_password",
                attrs), 0),
            encode(new HandshakeResponse41(CLIENT & ~CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA, 0, 8, "u", new byte[0],
                null, null, null), 0))));
        cases.add(new Case("SslRequest", SslRequest::decode, -1, List.of(
            encode(new SslRequest(CLIENT | CLIENT_SSL, 1 << 24, 45), 0))));
        cases.add(new Case("AuthSwitchRequest", AuthSwitchRequest::decode, 0xFE, List.of(
            encode(new AuthSwitchRequest("mysql_native_password", SCRAMBLE), 0))));
        cases.add(new Case("AuthMoreData", AuthMoreData::decode, 0x01, List.of(
            encode(new AuthMoreData(new byte[] {3}), 0))));
        cases.add(new Case("ErrPacket", ErrPacket::decode, 0xFF, List.of(
            encode(new ErrPacket(1064, "42000", "You have an error in your SQL syntax"), CLIENT))));
        cases.add(new Case("EofPacket", EofPacket::decode, 0xFE, List.of(encode(new EofPacket(1, 2), 0))));
        OkPacket richOk = new OkPacket(0, 0x1000000, 300, ServerStatus.AUTOCOMMIT | ServerStatus.SESSION_STATE_CHANGED,
            1, "info", List.of(new SessionStateChange.SystemVariable("autocommit", "OFF"),
            new SessionStateChange.Schema("shop"), new SessionStateChange.StateChange(true),
            new SessionStateChange.TransactionState("T_______"), new SessionStateChange.Other(3, new byte[] {0, 1})));
        for (long caps : new long[] {CLIENT, CLIENT & ~CLIENT_SESSION_TRACK, CLIENT_TRANSACTIONS, 0}) {
            cases.add(new Case("OkPacket caps=0x" + Long.toHexString(caps), p -> OkPacket.decode(p, caps), 0x00,
                List.of(encode(richOk, caps), encode(OkPacket.of(2), caps))));
        }
        ChangeUser cu = new ChangeUser("report", SCRAMBLE, "shop", 45, "mysql_native_password", attrs);
        for (long caps : new long[] {CLIENT, CLIENT_PROTOCOL_41}) {
            cases.add(new Case("ChangeUser caps=0x" + Long.toHexString(caps), p -> ChangeUser.decode(p, caps), 0x11,
                List.of(encode(cu, caps))));
        }
        cases.add(new Case("LengthEncoded.readBytes", LengthEncoded::readBytes, -1, List.of(hex("fc0001"), hex("03616263"))));
        cases.add(new Case("LengthEncoded.readInt", LengthEncoded::readInt, -1, List.of(hex("fe0102030405060708"))));
        cases.add(new Case("LengthEncoded.readNulString", p -> LengthEncoded.readNulString(p, StandardCharsets.UTF_8),
            -1, List.of(hex("61626300"))));
        return cases;
    }

    private static void check(Case c, byte[] input, String what) {
        ByteBuf b = Unpooled.wrappedBuffer(input);
        try {
            c.decoder().apply(b);
        } catch (MalformedPacketException expected) {
            // fine
        } catch (Throwable t) {
            fail(c.name() + " threw " + t + " for " + what + " input " + hex(input), t);
        } finally {
            b.release();
        }
    }

    @TestFactory
    Stream<DynamicTest> truncatedSeeds() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            for (byte[] seed : c.seeds()) {
                for (int cut = 0; cut <= seed.length; cut++) {
                    check(c, java.util.Arrays.copyOf(seed, cut), "truncated(" + cut + ")");
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> mutatedSeeds() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Random r = new Random(c.name().hashCode());
            int[] interesting = {0x00, 0x01, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF, 0x80, 0x7F};
            for (byte[] seed : c.seeds()) {
                for (int n = 0; n < 3000; n++) {
                    byte[] m = seed.clone();
                    int edits = 1 + r.nextInt(3);
                    for (int e = 0; e < edits && m.length > 0; e++) {
                        int at = r.nextInt(m.length);
                        m[at] = (byte) (r.nextBoolean() ? interesting[r.nextInt(interesting.length)] : r.nextInt(256));
                        if (r.nextInt(4) == 0) {
                            // An 8-byte lenenc with the top bit set: a "negative" length.
                            for (int k = at + 1; k < Math.min(m.length, at + 9); k++) {
                                m[k] = (byte) 0xFF;
                            }
                            m[at] = (byte) 0xFE;
                        }
                    }
                    if (r.nextInt(3) == 0) {
                        m = java.util.Arrays.copyOf(m, r.nextInt(m.length + 1));
                    }
                    check(c, m, "mutated");
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> randomGarbage() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Random r = new Random(~c.name().hashCode());
            for (int n = 0; n < 3000; n++) {
                byte[] g = new byte[r.nextInt(80)];
                r.nextBytes(g);
                if (g.length > 0 && c.header() >= 0 && r.nextBoolean()) {
                    g[0] = (byte) c.header();
                }
                if (g.length > 4 && c.name().startsWith("HandshakeResponse41") && r.nextBoolean()) {
                    g[1] |= 0x02; // CLIENT_PROTOCOL_41
                }
                check(c, g, "random");
            }
        }));
    }
}
