package io.lintas.wire.message;

import io.lintas.wire.MalformedPacketException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.lintas.wire.Capabilities.*;
import static io.lintas.wire.TestBufs.ascii;
import static io.lintas.wire.TestBufs.bytes;
import static io.lintas.wire.TestBufs.concat;
import static io.lintas.wire.TestBufs.decode;
import static io.lintas.wire.TestBufs.decodeFully;
import static io.lintas.wire.TestBufs.encode;
import static io.lintas.wire.TestBufs.hex;
import static io.lintas.wire.TestBufs.le32;
import static io.lintas.wire.TestBufs.nul;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HandshakeResponse41Test {
    static final byte[] TOKEN = hex("28441590674285e7d03cae7af237504797f70e91");
    static final long BASE = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_TRANSACTIONS
        | CLIENT_MULTI_RESULTS | CLIENT_PLUGIN_AUTH;

    static Map<String, String> attrs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("_client_name", "libmariadb");
        m.put("_client_version", "3.3.8");
        m.put("_os", "Linux");
        m.put("_pid", "4242");
        m.put("program_name", "mysql");
        m.put("ключ", "значение");
        m.put("long", "v".repeat(300));
        return m;
    }

    static HandshakeResponse41 roundTrip(HandshakeResponse41 r) {
        byte[] wire = encode(r, 0);
        HandshakeResponse41 back = decodeFully(wire, HandshakeResponse41::decode);
        assertEquals(r, back);
        assertEquals(r.hashCode(), back.hashCode());
        return back;
    }

    @Test
    void minimalSecureConnection() {
        HandshakeResponse41 r = new HandshakeResponse41(BASE & ~CLIENT_PLUGIN_AUTH, 16 * 1024 * 1024, 45, "app", TOKEN,
            null, null, null);
        byte[] wire = encode(r, 0);
        assertArrayEquals(concat(le32(BASE & ~CLIENT_PLUGIN_AUTH), le32(16 * 1024 * 1024), bytes(45), new byte[23],
            nul("app"), bytes(20), TOKEN), wire);
        HandshakeResponse41 back = roundTrip(r);
        assertNull(back.database());
        assertNull(back.authPluginName());
        assertEquals(Map.of(), back.connectAttributes());
    }

    @Test
    void withPluginName() {
        HandshakeResponse41 back = roundTrip(new HandshakeResponse41(BASE, 0xFFFFFF, 33, "app", TOKEN, null,
            "mysql_native_password", null));
        assertEquals("mysql_native_password", back.authPluginName());
    }

    @Test
    void lenencClientData() {
        long caps = BASE | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
        roundTrip(new HandshakeResponse41(caps, 0xFFFFFF, 45, "app", TOKEN, null, "mysql_native_password", null));
        // Only the lenenc form can carry 251+ bytes of auth data (e.g. an RSA-encrypted password).
        byte[] big = new byte[300];
        Arrays.fill(big, (byte) 0x5A);
        HandshakeResponse41 r = new HandshakeResponse41(caps, 0xFFFFFF, 45, "app", big, null, "sha256_password", null);
        byte[] wire = encode(r, 0);
        int at = 32 + nul("app").length;
        assertArrayEquals(hex("fc2c01"), Arrays.copyOfRange(wire, at, at + 3));
        roundTrip(r);
    }

    @Test
    void withoutLenencTheAuthDataHasOneLengthByte() {
        byte[] wire = encode(new HandshakeResponse41(BASE, 0, 45, "u", TOKEN, null, "mysql_native_password", null), 0);
        assertEquals(20, wire[32 + 2]);
    }

    @Test
    void oldAuthDataIsNulTerminated() {
        long caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41;
        byte[] auth = ascii("OLDPASS8");
        HandshakeResponse41 r = new HandshakeResponse41(caps, 1 << 24, 8, "legacy", auth, null, null, null);
        assertArrayEquals(concat(le32(caps), le32(1 << 24), bytes(8), new byte[23], nul("legacy"), nul("OLDPASS8")),
            encode(r, 0));
        roundTrip(r);
    }

    @ParameterizedTest
    @ValueSource(longs = {CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA, CLIENT_SECURE_CONNECTION})
    void emptyPassword(long authFlag) {
        long caps = (BASE & ~CLIENT_SECURE_CONNECTION) | authFlag;
        HandshakeResponse41 back = roundTrip(new HandshakeResponse41(caps, 0, 45, "nopw", new byte[0], null,
            "mysql_native_password", null));
        assertEquals(0, back.authResponse().length);
    }

    @Test
    void connectWithDb() {
        long caps = BASE | CLIENT_CONNECT_WITH_DB | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
        HandshakeResponse41 back = roundTrip(new HandshakeResponse41(caps, 0xFFFFFF, 45, "app", TOKEN, "shop",
            "mysql_native_password", null));
        assertEquals("shop", back.database());
        // Without the flag the schema is not sent at all.
        HandshakeResponse41 noDb = new HandshakeResponse41(BASE, 0xFFFFFF, 45, "app", TOKEN, "shop",
            "mysql_native_password", null);
        assertNull(decodeFully(encode(noDb, 0), HandshakeResponse41::decode).database());
    }

    @Test
    void connectWithDbWithoutPluginAuth() {
        long caps = (BASE & ~CLIENT_PLUGIN_AUTH) | CLIENT_CONNECT_WITH_DB;
        HandshakeResponse41 back = roundTrip(new HandshakeResponse41(caps, 0xFFFFFF, 45, "app", TOKEN, "ünïcode_db",
            null, null));
        assertEquals("ünïcode_db", back.database());
    }

    @Test
    void connectAttributes() {
        long caps = BASE | CLIENT_CONNECT_ATTRS | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_CONNECT_WITH_DB;
        HandshakeResponse41 back = roundTrip(new HandshakeResponse41(caps, 0xFFFFFF, 45, "app", TOKEN, "shop",
            "mysql_native_password", attrs()));
        assertEquals(attrs(), back.connectAttributes());
        assertEquals(List.copyOf(attrs().keySet()), List.copyOf(back.connectAttributes().keySet()), "order kept");
        assertThrows(UnsupportedOperationException.class, () -> back.connectAttributes().put("x", "y"));
    }

    @Test
    void emptyConnectAttributes() {
        long caps = BASE | CLIENT_CONNECT_ATTRS;
        HandshakeResponse41 r = new HandshakeResponse41(caps, 0xFFFFFF, 45, "app", TOKEN, null, "mysql_native_password",
            Map.of());
        byte[] wire = encode(r, 0);
        assertEquals(0, wire[wire.length - 1], "empty attribute block is a single 0 length");
        roundTrip(r);
    }

    @Test
    void connectAttributesWithoutDbOrPlugin() {
        long caps = (BASE & ~CLIENT_PLUGIN_AUTH) | CLIENT_CONNECT_ATTRS;
        roundTrip(new HandshakeResponse41(caps, 0xFFFFFF, 45, "app", TOKEN, null, null, Map.of("_os", "Linux")));
    }

    @Test
    void mariaDbExtendedCapabilitiesWhenLongPasswordClear() {
        long caps = (BASE & ~CLIENT_LONG_PASSWORD) | CLIENT_CONNECT_ATTRS | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
            | MARIADB_CLIENT_STMT_BULK_OPERATIONS | MARIADB_CLIENT_EXTENDED_METADATA;
        HandshakeResponse41 r = new HandshakeResponse41(caps, 0xFFFFFF, 45, "app", TOKEN, null, "mysql_native_password",
            attrs());
        byte[] wire = encode(r, 0);
        assertArrayEquals(le32(caps >>> 32), Arrays.copyOfRange(wire, 28, 32));
        assertEquals(caps, roundTrip(r).capabilities());
    }

    @Test
    void extendedCapabilitiesAreNotSentByMySqlClients() {
        long caps = BASE | MARIADB_CLIENT_PROGRESS;
        byte[] wire = encode(new HandshakeResponse41(caps, 0, 45, "app", TOKEN, null, "mysql_native_password", null), 0);
        assertArrayEquals(new byte[4], Arrays.copyOfRange(wire, 28, 32));
        assertEquals(BASE, decodeFully(wire, HandshakeResponse41::decode).capabilities());
        // ... and filler bytes of a MySQL client are not read as MariaDB capabilities.
        wire[28] = (byte) 0xFF;
        assertEquals(BASE, decodeFully(wire, HandshakeResponse41::decode).capabilities());
    }

    @Test
    void decodesHandCraftedMysqlClientResponse() {
        // Typical libmysqlclient 8.0 flags, plus a schema and connect attributes.
        long caps = 0x01AFA685L | CLIENT_CONNECT_WITH_DB | CLIENT_CONNECT_ATTRS;
        byte[] attrBlock = concat(bytes(4), ascii("_pid"), bytes(4), ascii("1234"),
            bytes(12), ascii("_client_name"), bytes(8), ascii("libmysql"));
        byte[] wire = concat(le32(caps), le32(0x01000000), bytes(0xFF), new byte[23], nul("root"),
            bytes(20), TOKEN, nul("test"), nul("mysql_native_password"), bytes(attrBlock.length), attrBlock);
        HandshakeResponse41 r = decodeFully(wire, HandshakeResponse41::decode);
        assertEquals(caps, r.capabilities());
        assertEquals(0x01000000, r.maxPacketSize());
        assertEquals(255, r.characterSet());
        assertEquals("root", r.username());
        assertArrayEquals(TOKEN, r.authResponse());
        assertEquals("test", r.database());
        assertEquals("mysql_native_password", r.authPluginName());
        assertEquals(Map.of("_pid", "1234", "_client_name", "libmysql"), r.connectAttributes());
        assertArrayEquals(wire, encode(r, 0));
    }

    @Test
    void notProtocol41IsMalformed() {
        byte[] wire = encode(new HandshakeResponse41(BASE & ~CLIENT_PROTOCOL_41, 0, 8, "x", TOKEN, null, null, null), 0);
        assertThrows(MalformedPacketException.class, () -> decode(wire, HandshakeResponse41::decode));
    }

    @Test
    void truncationInsideMandatoryFieldsIsMalformed() {
        long caps = BASE | CLIENT_CONNECT_WITH_DB | CLIENT_CONNECT_ATTRS;
        byte[] wire = encode(new HandshakeResponse41(caps, 0xFFFFFF, 45, "app", TOKEN, "shop", "mysql_native_password",
            attrs()), 0);
        int endOfAuth = 32 + nul("app").length + 1 + TOKEN.length;
        for (int cut = 0; cut < endOfAuth; cut++) {
            byte[] truncated = Arrays.copyOf(wire, cut);
            assertThrows(MalformedPacketException.class, () -> decode(truncated, HandshakeResponse41::decode),
                "cut at " + cut);
        }
        // Cut inside the attribute block.
        for (int cut = wire.length - 20; cut < wire.length; cut++) {
            byte[] truncated = Arrays.copyOf(wire, cut);
            assertThrows(MalformedPacketException.class, () -> decode(truncated, HandshakeResponse41::decode),
                "cut at " + cut);
        }
    }

    @Test
    void lenencAuthLongerThanPacketIsMalformed() {
        long caps = BASE | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
        byte[] wire = concat(le32(caps), le32(0), bytes(45), new byte[23], nul("u"), hex("fc0001"), TOKEN);
        assertThrows(MalformedPacketException.class, () -> decode(wire, HandshakeResponse41::decode));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "05 01 61",                          // block longer than the packet
        "fd010001",                          // 65537 bytes: above the limit
        "feffffffffffffffff",                // 2^64-1: negative as a long
        "fe0000000000000080",                // 2^63
        "04 03 616263",                      // key announces more than the block holds
        "04 01 61 05 62",                    // value runs past the end of the block
        "02 01 61",                          // value missing
        "02 fb 00",                          // NULL marker as a key length
    })
    void malformedAttributeBlocks(String block) {
        long caps = BASE | CLIENT_CONNECT_ATTRS;
        byte[] wire = concat(le32(caps), le32(0), bytes(45), new byte[23], nul("u"), bytes(0), nul("p"), hex(block));
        assertThrows(MalformedPacketException.class, () -> decode(wire, HandshakeResponse41::decode));
    }

    @Test
    void toStringHidesTheAuthResponse() {
        HandshakeResponse41 r = new HandshakeResponse41(BASE, 0, 45, "app", TOKEN, "db", "p", null);
        assertFalse(r.toString().contains("28441590"));
        assertFalse(r.toString().contains(Arrays.toString(TOKEN)));
    }
}
