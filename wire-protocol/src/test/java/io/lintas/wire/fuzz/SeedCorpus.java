package io.lintas.wire.fuzz;

import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.auth.CachingSha2Password;
import io.lintas.wire.auth.NativePassword;
import io.lintas.wire.message.AuthMoreData;
import io.lintas.wire.message.AuthSwitchRequest;
import io.lintas.wire.message.ChangeUser;
import io.lintas.wire.message.EofPacket;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.HandshakeResponse41;
import io.lintas.wire.message.HandshakeV10;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SessionStateChange;
import io.lintas.wire.message.SslRequest;
import io.lintas.wire.message.WireMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the committed seed corpus: valid protocol exchanges in the input formats of the fuzz targets, so
 * that even the short regression run walks every decoder's happy path and fuzzing starts from deep states.
 * Run after changing a target's input format:
 * {@code java -cp <test classpath> io.lintas.wire.fuzz.SeedCorpus wire-protocol/src/test/resources}
 */
public final class SeedCorpus {
    private static final long CLIENT_CAPS = Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_PROTOCOL_41
        | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_CONNECT_ATTRS
        | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_CONNECT_WITH_DB
        | Capabilities.CLIENT_SESSION_TRACK | Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_TRANSACTIONS;

    private SeedCorpus() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0], "io", "lintas", "wire", "fuzz");
        Path wire = root.resolve("WireDecoderFuzzTestInputs");
        Path auth = root.resolve("AuthExchangeFuzzTestInputs");

        byte[] greeting = payload(new HandshakeV10("10.11.19-MariaDB", 42, "ABCDEFGHIJKLMNOPQRST".getBytes(StandardCharsets.US_ASCII),
            CLIENT_CAPS | Capabilities.CLIENT_SSL, 45, ServerStatus.AUTOCOMMIT, NativePassword.PLUGIN_NAME), 0);
        byte[] login = payload(new HandshakeResponse41(CLIENT_CAPS, 1 << 24, 45, "app",
            NativePassword.scramble("app", "ABCDEFGHIJKLMNOPQRST".getBytes(StandardCharsets.US_ASCII)), "app",
            NativePassword.PLUGIN_NAME, Map.of("_client_name", "libmariadb", "program_name", "mariadb")), 0);

        // packetFramer: [chunk length - 1][chunk]...
        write(wire, "packetFramer", "greeting-in-3-byte-chunks", chunks(frame(greeting, 0), 3));
        write(wire, "packetFramer", "two-frames-one-chunk", chunks(cat(frame(login, 1), frame(new byte[] {3, 's', 'e', 'l'}, 0)), 256));
        write(wire, "packetFramer", "announces-16MiB", chunks(cat(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0}, new byte[40]), 7));
        write(wire, "packetFramer", "empty-frames", chunks(cat(frame(new byte[0], 0), frame(new byte[0], 1)), 1));

        write(wire, "handshakeResponse41", "mariadb-cli", login);
        write(wire, "handshakeResponse41", "ssl-request", payload(new SslRequest(CLIENT_CAPS | Capabilities.CLIENT_SSL, 1 << 24, 45), 0));

        byte[] change = payload(new ChangeUser("app", new byte[20], "app", 45, NativePassword.PLUGIN_NAME, Map.of("a", "b")), CLIENT_CAPS);
        write(wire, "changeUser", "with-attrs", cat(le32(CLIENT_CAPS), change));
        write(wire, "changeUser", "old-client", cat(le32(Capabilities.CLIENT_PROTOCOL_41), payload(
            new ChangeUser("u", "pw".getBytes(StandardCharsets.US_ASCII), "", 0, null, null), Capabilities.CLIENT_PROTOCOL_41)));

        OkPacket tracked = new OkPacket(0, 1, 2, ServerStatus.AUTOCOMMIT | ServerStatus.SESSION_STATE_CHANGED, 0, "",
            List.of(new SessionStateChange.SystemVariable("autocommit", "OFF"), new SessionStateChange.Schema("app"),
                new SessionStateChange.StateChange(true), new SessionStateChange.TransactionState("T_______")));
        write(wire, "serverPackets", "ok-session-track", cat(new byte[] {0}, le64(CLIENT_CAPS), payload(tracked, CLIENT_CAPS)));
        write(wire, "serverPackets", "err", cat(new byte[] {1}, le64(CLIENT_CAPS), payload(new ErrPacket(1045, "28000", "Access denied"), CLIENT_CAPS)));
        write(wire, "serverPackets", "eof", cat(new byte[] {2}, le64(0), payload(new EofPacket(0, 2), 0)));
        write(wire, "serverPackets", "greeting", cat(new byte[] {3}, le64(0), greeting));
        write(wire, "serverPackets", "auth-switch", cat(new byte[] {4}, le64(0), payload(new AuthSwitchRequest(CachingSha2Password.PLUGIN_NAME, new byte[20]), 0)));
        write(wire, "serverPackets", "more-data", cat(new byte[] {5}, le64(0), new byte[] {1, 4}));
        write(wire, "serverPackets", "lenenc", cat(new byte[] {6}, le64(0), new byte[] {3, 'a', 'b', 'c', (byte) 0xfc, 1, 0, 'x'}));

        // responseTracker: [deprecateEof] then per command [command][cursor] and per frame [length][payload]
        byte[] okFrame = payload(OkPacket.of(ServerStatus.AUTOCOMMIT), CLIENT_CAPS);
        byte[] eof = payload(new EofPacket(0, ServerStatus.AUTOCOMMIT), 0);
        byte[] eofMore = payload(new EofPacket(0, ServerStatus.AUTOCOMMIT | ServerStatus.MORE_RESULTS_EXISTS), 0);
        byte[] colDef = new byte[] {3, 'd', 'e', 'f', 0, 0, 0, 1, 'a', 0, 0x0c, 45, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0};
        write(wire, "responseTracker", "query-result-classic-eof", cat(new byte[] {0, Command.COM_QUERY, 0},
            f(new byte[] {1}), f(colDef), f(eof), f(new byte[] {1, 'x'}), f(eof),
            new byte[] {Command.COM_PING, 0}, f(okFrame)));
        write(wire, "responseTracker", "multi-result", cat(new byte[] {0, Command.COM_QUERY, 0},
            f(new byte[] {1}), f(colDef), f(eof), f(new byte[] {1, 'x'}), f(eofMore), f(okFrame)));
        write(wire, "responseTracker", "prepare-deprecate-eof", cat(new byte[] {1, Command.COM_STMT_PREPARE, 0},
            f(new byte[] {0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0}), f(colDef), f(colDef),
            new byte[] {Command.COM_STMT_EXECUTE, 1}, f(new byte[] {1}), f(colDef),
            f(payload(new OkPacket(0xFE, 0, 0, ServerStatus.AUTOCOMMIT | ServerStatus.CURSOR_EXISTS, 0, "", null), CLIENT_CAPS))));
        write(wire, "responseTracker", "local-infile-and-16MiB-row", cat(new byte[] {1, Command.COM_QUERY, 0},
            f(cat(new byte[] {(byte) 0xfb}, "/tmp/x".getBytes(StandardCharsets.US_ASCII))),
            new byte[] {Command.COM_QUERY, 0}, f(new byte[] {1}), f(colDef), new byte[] {(byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8},
            f(new byte[] {1, 'y'}), f(payload(new OkPacket(0xFE, 0, 0, ServerStatus.AUTOCOMMIT, 0, "", null), CLIENT_CAPS))));

        // cachingSha2Server: [flags] then packets as [u16 length][bytes]
        byte[] scramble = AuthExchangeFuzzTest.SCRAMBLE;
        byte[] token = CachingSha2Password.scramble(AuthExchangeFuzzTest.SECRET_BYTES, scramble);
        byte[] clear = cat(AuthExchangeFuzzTest.SECRET_BYTES, new byte[] {0});
        write(auth, "cachingSha2Server", "fast-path", cat(new byte[] {0x18}, p(token)));
        write(auth, "cachingSha2Server", "tls-full-auth", cat(new byte[] {0x11}, p(token), p(clear)));
        write(auth, "cachingSha2Server", "rsa-full-auth", cat(new byte[] {0x12}, p(token), p(new byte[] {2}),
            p(CachingSha2Password.encryptPassword(AuthExchangeFuzzTest.SECRET_BYTES, scramble, AuthExchangeFuzzTest.KEYS.publicKey()))));
        write(auth, "cachingSha2Server", "switch-from-native", cat(new byte[] {0x1c}, p(NativePassword.scramble(AuthExchangeFuzzTest.SECRET, scramble)), p(token)));
        write(auth, "cachingSha2Server", "no-password", cat(new byte[] {0x08}, p(new byte[] {0})));
        write(auth, "cachingSha2Server", "unknown-user", cat(new byte[] {0x01}, p(token), p(clear)));

        // cachingSha2Client: [flags][20-byte scramble] then server packets as [u16 length][bytes]
        byte[] ok = payload(OkPacket.of(ServerStatus.AUTOCOMMIT), 0);
        write(auth, "cachingSha2Client", "fast-path", cat(new byte[] {0}, scramble, p(new byte[] {1, 3}), p(ok)));
        write(auth, "cachingSha2Client", "tls-full-auth", cat(new byte[] {1}, scramble, p(new byte[] {1, 4}), p(ok)));
        write(auth, "cachingSha2Client", "rsa-key-request", cat(new byte[] {0}, scramble, p(new byte[] {1, 4}),
            p(payload(new AuthMoreData(AuthExchangeFuzzTest.KEYS.publicKeyPem().getBytes(StandardCharsets.US_ASCII)), 0)), p(ok)));
        write(auth, "cachingSha2Client", "switch-then-err", cat(new byte[] {4}, scramble,
            p(payload(new AuthSwitchRequest(CachingSha2Password.PLUGIN_NAME, scramble), 0)),
            p(payload(new ErrPacket(1045, "28000", "Access denied"), CLIENT_CAPS))));
    }

    private static byte[] payload(WireMessage m, long caps) {
        ByteBuf b = Unpooled.buffer();
        m.encode(b, caps);
        return ByteBufUtil.getBytes(b);
    }

    private static byte[] frame(byte[] payload, int seq) {
        return cat(new byte[] {(byte) payload.length, (byte) (payload.length >> 8), (byte) (payload.length >> 16), (byte) seq}, payload);
    }

    /** A responseTracker frame: one length byte (payloads under 255 bytes), then the payload. */
    private static byte[] f(byte[] payload) {
        if (payload.length >= 255) {
            throw new IllegalArgumentException("seed frame too long");
        }
        return cat(new byte[] {(byte) payload.length}, payload);
    }

    /** An exchange packet: 2-byte little-endian length, then the bytes. */
    private static byte[] p(byte[] b) {
        return cat(new byte[] {(byte) b.length, (byte) (b.length >> 8)}, b);
    }

    private static byte[] chunks(byte[] wire, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < wire.length; i += size) {
            int n = Math.min(size, wire.length - i);
            out.write(n - 1);
            out.write(wire, i, n);
        }
        return out.toByteArray();
    }

    private static byte[] le32(long v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    private static byte[] le64(long v) {
        return cat(le32(v), le32(v >>> 32));
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static void write(Path dir, String method, String name, byte[] data) throws IOException {
        Path d = dir.resolve(method);
        Files.createDirectories(d);
        Files.write(d.resolve(name), data);
    }
}
