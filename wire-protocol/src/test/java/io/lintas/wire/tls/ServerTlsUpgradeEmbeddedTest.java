package io.lintas.wire.tls;

import io.lintas.wire.Capabilities;
import io.lintas.wire.Packet;
import io.lintas.wire.PacketFramer;
import io.lintas.wire.message.SslRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSLRequest and the ClientHello in one read: the bytes behind the SSLRequest must reach the SslHandler. */
class ServerTlsUpgradeEmbeddedTest {

    @Test
    void clientHelloInTheSameReadAsTheSslRequestReachesTheSslHandler(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create("embedded", dir);
        TestPki.Issued cert = pki.issue("srv", List.of("localhost"), List.of());
        SslContext serverCtx = TlsContextFactory.forServer(new TlsSettings.Server(cert.certFile(), cert.keyFile(), true));
        SslContext clientCtx = TlsContextFactory.forBackends(TlsSettings.Backend.verified(pki.caFile(), false));

        PacketFramer framer = new PacketFramer();
        EmbeddedChannel ch = new EmbeddedChannel(framer, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((Packet) msg).release();
                ServerTlsUpgrade.upgrade(ctx.channel(), serverCtx, framer);
            }
        });

        SSLEngine client = clientCtx.newEngine(ch.alloc());
        client.beginHandshake();
        ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.wrap(ByteBuffer.allocate(0), hello);
        hello.flip();

        long caps = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SSL;
        ByteBuf both = new SslRequest(caps, 1 << 24, 45).toFrame(ch.alloc(), 1, caps);
        both.writeBytes(hello);
        ch.writeInbound(both);

        assertNotNull(ch.pipeline().get(SslHandler.class));
        assertEquals(0, framer.pendingBytes(), "the framer keeps none of the TLS bytes");
        ByteBuf serverHello = ch.readOutbound();
        assertNotNull(serverHello, "the SslHandler answered the ClientHello");
        assertEquals(0x16, serverHello.getUnsignedByte(0), "a TLS handshake record");
        serverHello.release();
        ByteBuf more;
        while ((more = ch.readOutbound()) != null) {
            more.release();
        }
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
    }
}
