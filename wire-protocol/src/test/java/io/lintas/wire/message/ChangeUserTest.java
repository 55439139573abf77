package io.lintas.wire.message;

import io.lintas.wire.Command;
import io.lintas.wire.MalformedPacketException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Map;

import static io.lintas.wire.Capabilities.*;
import static io.lintas.wire.TestBufs.ascii;
import static io.lintas.wire.TestBufs.bytes;
import static io.lintas.wire.TestBufs.concat;
import static io.lintas.wire.TestBufs.decode;
import static io.lintas.wire.TestBufs.decodeFully;
import static io.lintas.wire.TestBufs.encode;
import static io.lintas.wire.TestBufs.hex;
import static io.lintas.wire.TestBufs.le16;
import static io.lintas.wire.TestBufs.nul;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChangeUserTest {
    static final byte[] TOKEN = hex("28441590674285e7d03cae7af237504797f70e91");
    static final long CAPS = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | CLIENT_CONNECT_ATTRS;

    static ChangeUser roundTrip(ChangeUser c, long caps) {
        ChangeUser back = decodeFully(encode(c, caps), p -> ChangeUser.decode(p, caps));
        assertEquals(c, back);
        assertEquals(c.hashCode(), back.hashCode());
        return back;
    }

    @Test
    void fullRoundTripAndLayout() {
        ChangeUser c = new ChangeUser("report", TOKEN, "shop", 45, "mysql_native_password",
            Map.of("_client_name", "libmariadb", "_os", "Linux"));
        byte[] wire = encode(c, CAPS);
        assertEquals(Command.COM_CHANGE_USER, wire[0]);
        int afterAuth = 1 + nul("report").length + 1 + TOKEN.length;
        assertArrayEquals(concat(bytes(0x11), nul("report"), bytes(20), TOKEN, nul("shop"), le16(45),
            nul("mysql_native_password")), Arrays.copyOf(wire, afterAuth + nul("shop").length + 2
            + nul("mysql_native_password").length));
        roundTrip(c, CAPS);
    }

    @Test
    void withoutPluginAuthOrAttributes() {
        long caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION;
        ChangeUser back = roundTrip(new ChangeUser("u", TOKEN, "db", 33, null, null), caps);
        assertNull(back.authPluginName());
        assertEquals(Map.of(), back.connectAttributes());
    }

    @Test
    void emptyPasswordAndEmptySchema() {
        ChangeUser back = roundTrip(new ChangeUser("u", new byte[0], "", 8, "mysql_native_password", Map.of()), CAPS);
        assertEquals(0, back.authResponse().length);
        assertEquals("", back.database());
    }

    @Test
    void oldStyleNulTerminatedAuth() {
        long caps = CLIENT_PROTOCOL_41;
        ChangeUser c = new ChangeUser("old", ascii("SCRAMBLD"), "db", 8, null, null);
        assertArrayEquals(concat(bytes(0x11), nul("old"), nul("SCRAMBLD"), nul("db"), le16(8)), encode(c, caps));
        roundTrip(c, caps);
    }

    @Test
    void minimalPayloadWithoutCharsetDefaults() {
        // Only user, auth and schema: the character set is optional.
        byte[] wire = concat(bytes(0x11), nul("bob"), bytes(0), nul("db"));
        ChangeUser c = decodeFully(wire, p -> ChangeUser.decode(p, CAPS));
        assertEquals("bob", c.username());
        assertEquals(0, c.authResponse().length);
        assertEquals("db", c.database());
        assertEquals(0, c.characterSet());
        assertNull(c.authPluginName());
        // Nothing after the auth response at all.
        ChangeUser bare = decodeFully(concat(bytes(0x11), nul("bob"), bytes(0)), p -> ChangeUser.decode(p, CAPS));
        assertEquals("", bare.database());
    }

    @Test
    void nullSchemaIsSentAsEmpty() {
        ChangeUser c = new ChangeUser("u", TOKEN, null, 45, "mysql_native_password", null);
        assertEquals("", decodeFully(encode(c, CAPS), p -> ChangeUser.decode(p, CAPS)).database());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "03 626f6200", "11", "11 626f62", "11 626f6200", "11 626f6200 14 0102"})
    void malformedChangeUser(String input) {
        assertThrows(MalformedPacketException.class, () -> decode(hex(input), p -> ChangeUser.decode(p, CAPS)));
    }

    @Test
    void negativeAttributeBlockLengthIsMalformed() {
        byte[] wire = concat(bytes(0x11), nul("u"), bytes(0), nul("db"), le16(45), nul("p"), hex("feffffffffffffffff"));
        assertThrows(MalformedPacketException.class, () -> decode(wire, p -> ChangeUser.decode(p, CAPS)));
    }

    @Test
    void truncationInsideMandatoryFieldsIsMalformed() {
        byte[] wire = encode(new ChangeUser("report", TOKEN, "shop", 45, "mysql_native_password",
            Map.of("k", "v".repeat(100))), CAPS);
        int endOfAuth = 1 + nul("report").length + 1 + TOKEN.length;
        for (int cut = 0; cut < endOfAuth; cut++) {
            byte[] truncated = Arrays.copyOf(wire, cut);
            assertThrows(MalformedPacketException.class, () -> decode(truncated, p -> ChangeUser.decode(p, CAPS)),
                "cut at " + cut);
        }
        for (int cut = wire.length - 100; cut < wire.length; cut++) {
            byte[] truncated = Arrays.copyOf(wire, cut);
            assertThrows(MalformedPacketException.class, () -> decode(truncated, p -> ChangeUser.decode(p, CAPS)),
                "cut at " + cut);
        }
    }

    @Test
    void toStringHidesTheAuthResponse() {
        ChangeUser c = new ChangeUser("u", TOKEN, "db", 45, "p", null);
        assertFalse(c.toString().contains(Arrays.toString(TOKEN)));
    }
}
