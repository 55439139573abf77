package io.lintas.wire.tls;

import io.lintas.wire.Capabilities;
import io.lintas.wire.Packet;
import io.lintas.wire.PacketFramer;
import io.lintas.wire.PacketWriter;
import io.lintas.wire.message.HandshakeResponse41;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SslRequest;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both directions of the SSLRequest upgrade over real loopback sockets: a mini server that greets,
 * upgrades on SSLRequest and answers the HandshakeResponse41 with OK, and a mini client that upgrades
 * after the greeting and logs in.
 */
class TlsUpgradeTest {
    private static final long CAPS = Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_PROTOCOL_41
        | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_SSL;

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki otherPki;
    static EventLoopGroup group;
    static SslContext serverContext;
    static Channel server;
    static int port;
    /** What the server saw in the HandshakeResponse41 of the last login, and whether it came over TLS. */
    static final CompletableFuture<String> lastLogin = new CompletableFuture<>();

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create("lintas-test", dir);
        otherPki = TestPki.create("someone-else", dir);
        TestPki.Issued cert = pki.issue("node", List.of("localhost"), List.of("127.0.0.1"));
        serverContext = TlsContextFactory.forServer(new TlsSettings.Server(cert.certFile(), cert.keyFile(), true));
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new PacketFramer(), new MiniServer());
                }
            }).bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    @AfterAll
    static void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Greets, upgrades on SSLRequest, answers the login over TLS with OK. */
    static final class MiniServer extends SimpleChannelInboundHandler<Packet> {
        private boolean upgraded;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(frame(0, "greeting".getBytes(StandardCharsets.US_ASCII)));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Packet p) {
            if (!upgraded) {
                assertEquals(1, p.sequenceId());
                assertEquals(SslRequest.LENGTH, p.payloadLength());
                assertTrue(Capabilities.has(SslRequest.decode(p.payload()).capabilities(), Capabilities.CLIENT_SSL));
                upgraded = true;
                ServerTlsUpgrade.upgrade(ctx.channel(), serverContext, ctx.pipeline().get(PacketFramer.class));
                return;
            }
            HandshakeResponse41 login = HandshakeResponse41.decode(p.payload());
            boolean tls = ServerTlsUpgrade.isActive(ctx.channel())
                && ctx.pipeline().get(SslHandler.class).engine().getSession().getProtocol().startsWith("TLS");
            lastLogin.obtrudeValue(login.username() + " seq=" + p.sequenceId() + " tls=" + tls);
            ctx.writeAndFlush(OkPacket.of(2).toFrame(ctx.alloc(), p.sequenceId() + 1, CAPS));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Upgrades after the greeting (via {@link ClientTlsUpgrade} or by hand, flushing the SSLRequest alone), then logs in. */
    static final class MiniClient extends SimpleChannelInboundHandler<Packet> {
        final CompletableFuture<String> result = new CompletableFuture<>();
        private final SslContext context;
        private final String verifyAs;
        private final boolean separateFlush;

        MiniClient(SslContext context, String verifyAs, boolean separateFlush) {
            this.context = context;
            this.verifyAs = verifyAs;
            this.separateFlush = separateFlush;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Packet p) {
            if (p.sequenceId() == 0) {
                Channel ch = ctx.channel();
                SslRequest req = new SslRequest(CAPS, 1 << 24, 45);
                Future<Channel> handshake;
                if (separateFlush) {
                    // The SSLRequest alone in its own segment, the ClientHello 50 ms later.
                    ch.writeAndFlush(req.toFrame(ch.alloc(), 1, CAPS));
                    CompletableFuture<Future<Channel>> hs = new CompletableFuture<>();
                    ch.eventLoop().schedule(() -> {
                        SslHandler ssl = context.newHandler(ch.alloc(), verifyAs, port);
                        ch.pipeline().addFirst(ssl);
                        ssl.handshakeFuture().addListener(f -> onHandshake(ch, f));
                    }, 50, TimeUnit.MILLISECONDS);
                    return;
                }
                handshake = ClientTlsUpgrade.upgrade(ch, context, verifyAs, port, req);
                handshake.addListener(f -> onHandshake(ch, f));
                return;
            }
            result.complete(p.firstByte() == 0 ? "OK seq=" + p.sequenceId() : "not OK");
        }

        private void onHandshake(Channel ch, Future<?> f) {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            var login = new HandshakeResponse41(CAPS, 1 << 24, 45, "app", new byte[20], null, "mysql_native_password", Map.of());
            ch.writeAndFlush(login.toFrame(ch.alloc(), 2, CAPS));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IllegalStateException("closed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }
    }

    private static ByteBuf frame(int seq, byte[] payload) {
        return PacketWriter.frame(Unpooled.buffer().alloc(), Unpooled.wrappedBuffer(payload), seq);
    }

    private static String login(SslContext clientContext, String verifyAs, boolean separateFlush) throws Exception {
        MiniClient client = new MiniClient(clientContext, verifyAs, separateFlush);
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel c) {
                    c.pipeline().addLast(new PacketFramer(), client);
                }
            }).connect("127.0.0.1", port).sync().channel();
        try {
            return client.result.get(10, TimeUnit.SECONDS);
        } finally {
            ch.close().sync();
        }
    }

    @Test
    void verifyFullLoginOverTls() throws Exception {
        SslContext ctx = TlsContextFactory.forBackends(TlsSettings.Backend.verified(pki.caFile(), true));
        assertEquals("OK seq=3", login(ctx, "localhost", false));
        assertEquals("app seq=2 tls=true", lastLogin.get(1, TimeUnit.SECONDS));
        assertEquals("OK seq=3", login(ctx, "127.0.0.1", false), "an IP SAN verifies too");
    }

    @Test
    void sslRequestAndClientHelloInSeparateSegments() throws Exception {
        SslContext ctx = TlsContextFactory.forBackends(TlsSettings.Backend.verified(pki.caFile(), true));
        assertEquals("OK seq=3", login(ctx, "localhost", true));
    }

    @Test
    void wrongHostnameIsRefusedWhenVerified() throws Exception {
        SslContext ctx = TlsContextFactory.forBackends(TlsSettings.Backend.verified(pki.caFile(), true));
        ExecutionException e = assertThrows(ExecutionException.class, () -> login(ctx, "db.example.com", false));
        assertInstanceOf(SSLHandshakeException.class, e.getCause());
        SslContext noHostCheck = TlsContextFactory.forBackends(TlsSettings.Backend.verified(pki.caFile(), false));
        assertEquals("OK seq=3", login(noHostCheck, "db.example.com", false));
    }

    @Test
    void certificateOfAnotherCaIsRefused() throws Exception {
        SslContext ctx = TlsContextFactory.forBackends(TlsSettings.Backend.verified(otherPki.caFile(), false));
        ExecutionException e = assertThrows(ExecutionException.class, () -> login(ctx, "localhost", false));
        assertInstanceOf(SSLHandshakeException.class, e.getCause());
    }

    @Test
    void verificationOffAcceptsAnyCertificate() throws Exception {
        SslContext ctx = TlsContextFactory.forBackends(new TlsSettings.Backend(null, false, false, null, null, null));
        assertEquals("OK seq=3", login(ctx, "whatever", false));
    }

    @Test
    void garbageInsteadOfAClientHelloClosesTheConnection() throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel c) {
                    c.closeFuture().addListener(f -> closed.complete(null));
                }
            }).connect("127.0.0.1", port).sync().channel();
        ByteBuf req = new SslRequest(CAPS, 1 << 24, 45).toFrame(ch.alloc(), 1, CAPS);
        ch.write(req);
        ch.writeAndFlush(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        closed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void badFilesFailAtStartUp(@TempDir Path empty) {
        assertThrows(SSLException.class, () -> TlsContextFactory.forServer(
            new TlsSettings.Server(empty.resolve("none.pem"), empty.resolve("none-key.pem"), false)));
        assertThrows(IllegalArgumentException.class, () -> new TlsSettings.Backend(null, false, true, null, null, null));
    }
}
