package io.lintas.wire.message;

import io.lintas.wire.MalformedPacketException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

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
import static org.junit.jupiter.api.Assertions.assertThrows;

/** AuthSwitchRequest, AuthMoreData and SslRequest. */
class AuthMessagesTest {
    static final byte[] SCRAMBLE = ascii("ABCDEFGHIJKLMNOPQRST");

    @Test
    void authSwitchRoundTripAndBytes() {
        AuthSwitchRequest req = new AuthSwitchRequest("mysql_native_password", SCRAMBLE);
        byte[] wire = encode(req, CLIENT_PROTOCOL_41);
        assertArrayEquals(concat(bytes(0xFE), nul("mysql_native_password"), SCRAMBLE, bytes(0)), wire);
        AuthSwitchRequest back = decodeFully(wire, AuthSwitchRequest::decode);
        assertEquals(req, back);
        assertEquals(req.hashCode(), back.hashCode());
        assertFalse(back.toString().contains("ABCDEFGH"));
    }

    @Test
    void authSwitchFromServerWithoutTrailingNul() {
        byte[] wire = concat(bytes(0xFE), nul("caching_sha2_password"), SCRAMBLE);
        AuthSwitchRequest req = decodeFully(wire, AuthSwitchRequest::decode);
        assertEquals("caching_sha2_password", req.pluginName());
        assertArrayEquals(SCRAMBLE, req.pluginData());
    }

    @Test
    void oldAuthSwitchIsJustTheHeader() {
        AuthSwitchRequest req = decodeFully(bytes(0xFE), AuthSwitchRequest::decode);
        assertEquals("", req.pluginName());
        assertEquals(0, req.pluginData().length);
    }

    @Test
    void authSwitchWithEmptyData() {
        AuthSwitchRequest req = new AuthSwitchRequest("mysql_clear_password", new byte[0]);
        assertEquals(req, decodeFully(encode(req, 0), AuthSwitchRequest::decode));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00", "01 6162", "ff 1504"})
    void malformedAuthSwitch(String input) {
        assertThrows(MalformedPacketException.class, () -> decode(hex(input), AuthSwitchRequest::decode));
    }

    @Test
    void authMoreDataRoundTrip() {
        for (byte[] data : new byte[][] {bytes(3), bytes(4), new byte[0], ascii("-----BEGIN PUBLIC KEY-----\n")}) {
            AuthMoreData more = new AuthMoreData(data);
            byte[] wire = encode(more, CLIENT_PROTOCOL_41);
            assertArrayEquals(concat(bytes(1), data), wire);
            AuthMoreData back = decodeFully(wire, AuthMoreData::decode);
            assertEquals(more, back);
            assertEquals(more.hashCode(), back.hashCode());
        }
        // caching_sha2_password "fast auth success"
        assertArrayEquals(bytes(3), decodeFully(hex("0103"), AuthMoreData::decode).data());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00 03", "fe 03"})
    void malformedAuthMoreData(String input) {
        assertThrows(MalformedPacketException.class, () -> decode(hex(input), AuthMoreData::decode));
    }

    @Test
    void sslRequestRoundTripAndLayout() {
        long caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
        SslRequest req = new SslRequest(caps, 16 * 1024 * 1024, 45);
        byte[] wire = encode(req, caps);
        assertEquals(SslRequest.LENGTH, wire.length);
        assertArrayEquals(concat(le32(caps), le32(16 * 1024 * 1024), bytes(45), new byte[23]), wire);
        assertEquals(req, decodeFully(wire, SslRequest::decode));
    }

    @Test
    void sslRequestWithMariaDbExtendedCapabilities() {
        long caps = CLIENT_PROTOCOL_41 | CLIENT_SSL | MARIADB_CLIENT_STMT_BULK_OPERATIONS | MARIADB_CLIENT_PROGRESS;
        SslRequest req = new SslRequest(caps, 0x7FFFFFFF, 255);
        byte[] wire = encode(req, caps);
        assertArrayEquals(le32(caps >>> 32), Arrays.copyOfRange(wire, 28, 32));
        assertEquals(req, decodeFully(wire, SslRequest::decode));
    }

    @Test
    void sslRequestIsAPrefixOfTheHandshakeResponse() {
        long caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION;
        HandshakeResponse41 full = new HandshakeResponse41(caps, 0xFFFFFF, 45, "app", SCRAMBLE, null, null, null);
        byte[] response = encode(full, caps);
        byte[] ssl = encode(new SslRequest(caps, 0xFFFFFF, 45), caps);
        assertArrayEquals(ssl, Arrays.copyOf(response, SslRequest.LENGTH));
    }

    @Test
    void truncatedSslRequestIsMalformed() {
        byte[] wire = encode(new SslRequest(CLIENT_PROTOCOL_41 | CLIENT_SSL, 1 << 24, 45), 0);
        for (int cut = 0; cut < wire.length; cut++) {
            byte[] truncated = Arrays.copyOf(wire, cut);
            assertThrows(MalformedPacketException.class, () -> decode(truncated, SslRequest::decode), "cut at " + cut);
        }
    }
}
