package io.lintas.admin;

import io.lintas.wire.Capabilities;
import io.lintas.wire.PacketWriter;
import io.lintas.wire.auth.NativePassword;
import io.lintas.wire.message.AuthSwitchRequest;
import io.lintas.wire.message.HandshakeResponse41;
import io.lintas.wire.message.HandshakeV10;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A client that starts with caching_sha2_password (as MySQL 8 clients do) is switched to mysql_native_password. */
class AuthSwitchTest {
    static AdminServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new AdminServer(new AdminSettings("127.0.0.1", 0, "admin", NativePassword.storedHash("pw")), new InMemoryRuntime());
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void cachingSha2ClientIsSwitchedToNative() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            HandshakeV10 greeting = HandshakeV10.decode(Unpooled.wrappedBuffer(readPacket(in, 0)));
            assertEquals(NativePassword.PLUGIN_NAME, greeting.authPluginName());
            long caps = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH
                | Capabilities.CLIENT_LONG_PASSWORD;
            HandshakeResponse41 hello = new HandshakeResponse41(caps, 1 << 24, 45, "admin", new byte[32], null,
                "caching_sha2_password", Map.of());
            write(out, hello.toFrame(ByteBufAllocator.DEFAULT, 1, caps));

            byte[] switchPayload = readPacket(in, 2);
            AuthSwitchRequest sw = AuthSwitchRequest.decode(Unpooled.wrappedBuffer(switchPayload));
            assertEquals(NativePassword.PLUGIN_NAME, sw.pluginName());
            ByteBuf token = PacketWriter.begin(ByteBufAllocator.DEFAULT, 20);
            token.writeBytes(NativePassword.scramble("pw", sw.pluginData()));
            write(out, PacketWriter.finish(token, 3));

            byte[] ok = readPacket(in, 4);
            assertEquals(0x00, ok[0] & 0xFF, "expected OK after the switch");
        }
    }

    private static void write(OutputStream out, ByteBuf frame) throws IOException {
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        out.write(bytes);
        out.flush();
    }

    private static byte[] readPacket(DataInputStream in, int expectedSeq) throws IOException {
        byte[] header = new byte[4];
        in.readFully(header);
        int len = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
        assertEquals(expectedSeq, header[3] & 0xFF);
        byte[] payload = new byte[len];
        in.readFully(payload);
        return payload;
    }
}
