package io.lintas.wire.message;

import io.lintas.wire.Capabilities;
import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.Packet;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.lintas.wire.Capabilities.*;
import static io.lintas.wire.TestBufs.ascii;
import static io.lintas.wire.TestBufs.bytes;
import static io.lintas.wire.TestBufs.concat;
import static io.lintas.wire.TestBufs.decode;
import static io.lintas.wire.TestBufs.decodeFully;
import static io.lintas.wire.TestBufs.encode;
import static io.lintas.wire.TestBufs.hex;
import static io.lintas.wire.TestBufs.le16;
import static io.lintas.wire.TestBufs.le32;
import static io.lintas.wire.TestBufs.nul;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeV10Test {
    static final byte[] PART1 = ascii("2U/;a&8K");
    static final byte[] PART2 = ascii("Qz]hP5m{7v#E");
    static final byte[] SCRAMBLE = concat(PART1, PART2);

    static final long MYSQL_CAPS = CLIENT_LONG_PASSWORD | CLIENT_FOUND_ROWS | CLIENT_LONG_FLAG | CLIENT_CONNECT_WITH_DB
        | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION | CLIENT_MULTI_STATEMENTS
        | CLIENT_MULTI_RESULTS | CLIENT_PLUGIN_AUTH | CLIENT_CONNECT_ATTRS | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
        | CLIENT_SESSION_TRACK | CLIENT_DEPRECATE_EOF | CLIENT_SSL;

    /** Greeting of a MariaDB 10.11 server as captured on the wire, written out field by field. */
    static byte[] mariaDbGreeting() {
        return concat(
            bytes(10),                                        // protocol version
            nul("5.5.5-10.11.6-MariaDB-0+deb12u1"),           // server version
            le32(0x00012345),                                 // connection id
            PART1,                                            // scramble, first 8 bytes
            bytes(0),                                         // filler
            le16(0xF7FE),                                     // capabilities, low 16 bits (CLIENT_MYSQL clear)
            bytes(45),                                        // utf8mb4_general_ci
            le16(ServerStatus.AUTOCOMMIT),                    // status
            le16(0x81FF),                                     // capabilities, high 16 bits
            bytes(21),                                        // auth plugin data length
            bytes(0, 0, 0, 0, 0, 0),                          // filler
            le32(0x0000001D),                                 // MariaDB extended capabilities
            PART2, bytes(0),                                  // scramble, last 12 bytes + NUL
            nul("mysql_native_password"));
    }

    @Test
    void decodesRealMariaDbGreeting() {
        byte[] wire = mariaDbGreeting();
        HandshakeV10 h = decodeFully(wire, HandshakeV10::decode);
        assertEquals("5.5.5-10.11.6-MariaDB-0+deb12u1", h.serverVersion());
        assertEquals(0x12345, h.connectionId());
        assertArrayEquals(SCRAMBLE, h.authPluginData());
        assertEquals(20, h.authPluginData().length);
        assertEquals(0x0000001D_81FFF7FEL, h.capabilities());
        assertFalse(Capabilities.has(h.capabilities(), CLIENT_LONG_PASSWORD));
        assertTrue(Capabilities.has(h.capabilities(), CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH
            | CLIENT_DEPRECATE_EOF | CLIENT_SESSION_TRACK | CLIENT_CONNECT_ATTRS | CLIENT_MULTI_RESULTS));
        assertFalse(Capabilities.has(h.capabilities(), CLIENT_SSL), "0xF7FE: server without TLS");
        assertTrue(Capabilities.has(h.capabilities(), MARIADB_CLIENT_PROGRESS | MARIADB_CLIENT_STMT_BULK_OPERATIONS
            | MARIADB_CLIENT_EXTENDED_METADATA | MARIADB_CLIENT_CACHE_METADATA));
        assertFalse(Capabilities.has(h.capabilities(), MARIADB_CLIENT_COM_MULTI));
        assertEquals(45, h.characterSet());
        assertEquals(ServerStatus.AUTOCOMMIT, h.statusFlags());
        assertEquals("mysql_native_password", h.authPluginName());
        // Re-encoding gives back exactly the captured bytes.
        assertArrayEquals(wire, encode(h, 0));
    }

    @Test
    void mysqlGreetingIgnoresReservedBytesWhenLongPasswordIsSet() {
        byte[] wire = concat(bytes(10), nul("8.0.36"), le32(7), PART1, bytes(0), le16(0xFFFF), bytes(255),
            le16(ServerStatus.AUTOCOMMIT), le16(0xDFFF), bytes(21),
            bytes(0, 0, 0, 0, 0, 0), bytes(0xAA, 0xBB, 0xCC, 0xDD), // reserved: not MariaDB caps for a MySQL server
            PART2, bytes(0), nul("caching_sha2_password"));
        HandshakeV10 h = decodeFully(wire, HandshakeV10::decode);
        assertEquals(0xDFFFFFFFL, h.capabilities());
        assertEquals("8.0.36", h.serverVersion());
        assertEquals(255, h.characterSet());
        assertEquals("caching_sha2_password", h.authPluginName());
        assertArrayEquals(SCRAMBLE, h.authPluginData());
    }

    @Test
    void roundTripMySql() {
        HandshakeV10 h = new HandshakeV10("8.0.36-lintas", 0xFFFFFFFFL, SCRAMBLE, MYSQL_CAPS, 255,
            ServerStatus.AUTOCOMMIT | ServerStatus.IN_TRANS, "mysql_native_password");
        byte[] wire = encode(h, 0);
        HandshakeV10 back = decodeFully(wire, HandshakeV10::decode);
        assertEquals(h, back);
        assertEquals(h.hashCode(), back.hashCode());
        // Reserved bytes are all zero for a MySQL-style (CLIENT_LONG_PASSWORD) greeting.
        int reserved = 1 + "8.0.36-lintas".length() + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1;
        assertArrayEquals(new byte[10], Arrays.copyOfRange(wire, reserved, reserved + 10));
        assertEquals(21, wire[reserved - 1]);
    }

    @Test
    void roundTripMariaDbExtendedCapabilities() {
        long caps = (MYSQL_CAPS & ~CLIENT_LONG_PASSWORD) | MARIADB_CLIENT_PROGRESS | MARIADB_CLIENT_STMT_BULK_OPERATIONS
            | MARIADB_CLIENT_CACHE_METADATA;
        HandshakeV10 h = new HandshakeV10("5.5.5-10.11.6-MariaDB", 99, SCRAMBLE, caps, 45, ServerStatus.AUTOCOMMIT,
            "mysql_native_password");
        byte[] wire = encode(h, 0);
        HandshakeV10 back = decodeFully(wire, HandshakeV10::decode);
        assertEquals(h, back);
        assertEquals(caps, back.capabilities());
        int ext = 1 + "5.5.5-10.11.6-MariaDB".length() + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 6;
        assertArrayEquals(le32(caps >>> 32), Arrays.copyOfRange(wire, ext, ext + 4));
    }

    @Test
    void extendedCapabilitiesAreDroppedWhenLongPasswordIsSet() {
        long caps = MYSQL_CAPS | MARIADB_CLIENT_PROGRESS;
        HandshakeV10 h = new HandshakeV10("x", 1, SCRAMBLE, caps, 33, 0, "mysql_native_password");
        HandshakeV10 back = decodeFully(encode(h, 0), HandshakeV10::decode);
        assertEquals(MYSQL_CAPS, back.capabilities());
        assertNotEquals(h, back);
    }

    @Test
    void roundTripWithoutPluginAuth() {
        long caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_TRANSACTIONS;
        HandshakeV10 h = new HandshakeV10("5.0.96", 3, SCRAMBLE, caps, 8, ServerStatus.AUTOCOMMIT, null);
        byte[] wire = encode(h, 0);
        HandshakeV10 back = decodeFully(wire, HandshakeV10::decode);
        assertEquals(h, back);
        assertNull(back.authPluginName());
        int authLen = 1 + "5.0.96".length() + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2;
        assertEquals(0, wire[authLen], "no plugin auth: data length byte is 0");
    }

    @Test
    void preProtocol41GreetingEndsAfterCapabilities() {
        byte[] wire = concat(bytes(10), nul("3.23.58"), le32(5), PART1, bytes(0), le16(0x002C));
        HandshakeV10 h = decodeFully(wire, HandshakeV10::decode);
        assertEquals("3.23.58", h.serverVersion());
        assertArrayEquals(PART1, h.authPluginData());
        assertEquals(0x2C, h.capabilities());
        assertEquals(0, h.characterSet());
        assertNull(h.authPluginName());
    }

    @Test
    void pluginNameWithoutTerminatingNulIsAccepted() {
        // Some servers omit the NUL after the plugin name (MySQL bug #59453).
        byte[] wire = mariaDbGreeting();
        byte[] noNul = Arrays.copyOf(wire, wire.length - 1);
        assertEquals("mysql_native_password", decodeFully(noNul, HandshakeV10::decode).authPluginName());
    }

    @Test
    void scramblePartTwoWithoutNulIsAccepted() {
        byte[] wire = concat(bytes(10), nul("x"), le32(1), PART1, bytes(0), le16(0xF7FF), bytes(8), le16(2),
            le16(0), bytes(21), new byte[10], PART2);
        HandshakeV10 h = decodeFully(wire, HandshakeV10::decode);
        assertArrayEquals(SCRAMBLE, h.authPluginData());
        assertNull(h.authPluginName());
    }

    @Test
    void wrongProtocolVersionIsMalformed() {
        byte[] wire = mariaDbGreeting();
        wire[0] = 9;
        assertThrows(MalformedPacketException.class, () -> decode(wire, HandshakeV10::decode));
        // An ERR where a greeting was expected is also not a greeting.
        assertThrows(MalformedPacketException.class, () -> decode(hex("ff1004"), HandshakeV10::decode));
    }

    @Test
    void everyTruncationUpToTheEndOfTheScrambleIsMalformed() {
        byte[] wire = mariaDbGreeting();
        int endOfScramble = wire.length - nul("mysql_native_password").length - 1; // scramble NUL may be absent
        int endOfCaps = 1 + nul("5.5.5-10.11.6-MariaDB-0+deb12u1").length + 4 + 8 + 1 + 2;
        for (int cut = 0; cut < endOfScramble; cut++) {
            if (cut == endOfCaps) {
                continue; // a complete pre-4.1 greeting
            }
            byte[] truncated = Arrays.copyOf(wire, cut);
            assertThrows(MalformedPacketException.class, () -> decode(truncated, HandshakeV10::decode),
                "cut at " + cut);
        }
    }

    @Test
    void toFrameWritesHeaderAndPayload() {
        TrackingAllocator alloc = new TrackingAllocator();
        HandshakeV10 h = decodeFully(mariaDbGreeting(), HandshakeV10::decode);
        ByteBuf frame = h.toFrame(alloc, 0, 0);
        Packet p = new Packet(frame);
        assertEquals(0, p.sequenceId());
        assertEquals(mariaDbGreeting().length, p.payloadLength());
        assertEquals(h, HandshakeV10.decode(p.payload()));
        p.release();
        alloc.assertAllReleased();
    }

    @Test
    void toFrameReleasesItsBufferWhenEncodingFails() {
        TrackingAllocator alloc = new TrackingAllocator();
        HandshakeV10 bad = new HandshakeV10("x", 1, new byte[4], MYSQL_CAPS, 8, 0, "p"); // scramble too short
        assertThrows(RuntimeException.class, () -> bad.toFrame(alloc, 0, 0));
        assertTrue(alloc.count() > 0);
        alloc.assertAllReleased();
    }

    @Test
    void toStringHasNoScramble() {
        HandshakeV10 h = new HandshakeV10("v", 1, SCRAMBLE, MYSQL_CAPS, 8, 0, "mysql_native_password");
        assertFalse(h.toString().contains(new String(SCRAMBLE)));
        assertTrue(h.toString().contains("mysql_native_password"));
    }
}
