package io.lintas.wire.auth;

import io.lintas.wire.Capabilities;
import io.lintas.wire.Packet;
import io.lintas.wire.PacketFramer;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.auth.CachingSha2ServerExchange.Account;
import io.lintas.wire.auth.CachingSha2ServerExchange.Outcome;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.HandshakeResponse41;
import io.lintas.wire.message.HandshakeV10;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SslRequest;
import io.lintas.wire.message.WireMessage;
import io.lintas.wire.tls.ServerTlsUpgrade;
import io.lintas.wire.tls.TestPki;
import io.lintas.wire.tls.TlsContextFactory;
import io.lintas.wire.tls.TlsSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MySQL Connector/J and mariadb-java-client logging in to a mini server that runs {@link CachingSha2ServerExchange}: the fast path,
 * full authentication over TLS and the RSA key exchange, as a real MySQL 8 client performs them. The mini
 * server answers every command after login with an error, so the driver's connect fails afterwards; what
 * is checked is the server's verdict on the login.
 */
class JdbcDriversCachingSha2Test {
    private static final long CAPS = Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_FOUND_ROWS
        | Capabilities.CLIENT_LONG_FLAG | Capabilities.CLIENT_CONNECT_WITH_DB | Capabilities.CLIENT_PROTOCOL_41
        | Capabilities.CLIENT_TRANSACTIONS | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_MULTI_RESULTS
        | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_CONNECT_ATTRS | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
        | Capabilities.CLIENT_SSL;

    @TempDir
    static Path dir;
    static EventLoopGroup group;
    static Channel server;
    static int port;
    static SslContext tls;
    static Path caFile;
    static Path otherCaFile;
    /** Which account the next connection logs in against (set by each test). */
    static volatile Account account;
    static final LinkedBlockingQueue<String> verdicts = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = TestPki.create("cj", dir);
        caFile = pki.caFile();
        otherCaFile = TestPki.create("not-the-servers-ca", dir).caFile();
        TestPki.Issued cert = pki.issue("mini", List.of("localhost"), List.of("127.0.0.1"));
        tls = TlsContextFactory.forServer(new TlsSettings.Server(cert.certFile(), cert.keyFile(), false));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new PacketFramer(), new MiniMysql8());
                }
            }).bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    @AfterAll
    static void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Greets as MySQL 8 with caching_sha2_password and drives the exchange; every command gets ERR. */
    static final class MiniMysql8 extends SimpleChannelInboundHandler<Packet> {
        private final byte[] scramble = Scramble.generate();
        private CachingSha2ServerExchange exchange;
        private boolean tlsActive;
        private boolean loggedIn;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new HandshakeV10("8.0.40-lintas-test", 7, scramble, CAPS, 255, ServerStatus.AUTOCOMMIT,
                CachingSha2Password.PLUGIN_NAME).toFrame(ctx.alloc(), 0, CAPS));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Packet p) {
            if (loggedIn) {
                ctx.writeAndFlush(new ErrPacket(1047, "08S01", "mini server: no commands").toFrame(ctx.alloc(), p.sequenceId() + 1, CAPS));
                return;
            }
            CachingSha2ServerExchange.Step step;
            if (exchange == null) {
                if (p.payloadLength() == SslRequest.LENGTH) {
                    tlsActive = true;
                    ServerTlsUpgrade.upgrade(ctx.channel(), tls, ctx.pipeline().get(PacketFramer.class));
                    return;
                }
                HandshakeResponse41 login = HandshakeResponse41.decode(p.payload());
                exchange = new CachingSha2ServerExchange(scramble, account, tlsActive, TestKeys.RSA);
                step = exchange.start(login.authPluginName(), login.authResponse());
            } else {
                step = exchange.onPacket(p.payload());
            }
            int seq = p.sequenceId() + 1;
            for (WireMessage m : step.replies()) {
                ctx.write(m.toFrame(ctx.alloc(), seq++, CAPS));
            }
            if (step.outcome() == Outcome.VERIFIED) {
                loggedIn = true;
                verdicts.add("VERIFIED fullAuth=" + (step.verified().newFastAuth() != null) + " tls=" + tlsActive);
                ctx.write(OkPacket.of(ServerStatus.AUTOCOMMIT).toFrame(ctx.alloc(), seq, CAPS));
            } else if (step.outcome() == Outcome.DENIED) {
                verdicts.add("DENIED " + step.reason());
                ctx.write(new ErrPacket(1045, "28000", "Access denied").toFrame(ctx.alloc(), seq, CAPS));
            }
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            verdicts.add("ERROR " + cause);
            ctx.close();
        }
    }

    private static String connect(String password, String options) throws Exception {
        return connectUrl("jdbc:mysql://127.0.0.1:" + port + "/?connectTimeout=5000&socketTimeout=5000&" + options, password);
    }

    private static String connectUrl(String url, String password) throws Exception {
        verdicts.clear();
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "app", password).close());
        String verdict = verdicts.poll(10, TimeUnit.SECONDS);
        assertNotNull(verdict, "no verdict; driver said: " + e);
        return verdict;
    }

    @Test
    void fastPath() throws Exception {
        account = Account.ofPassword("app");
        assertEquals("VERIFIED fullAuth=false tls=false", connect("app", "sslMode=DISABLED"));
    }

    @Test
    void fullAuthenticationOverTls() throws Exception {
        account = new Account(NativePassword.stage2(NativePassword.stage1("app")), null);
        assertEquals("VERIFIED fullAuth=true tls=true", connect("app", "sslMode=REQUIRED"));
    }

    @Test
    void rsaKeyExchangeOverPlainTcp() throws Exception {
        account = new Account(NativePassword.stage2(NativePassword.stage1("app")), null);
        assertEquals("VERIFIED fullAuth=true tls=false", connect("app", "sslMode=DISABLED&allowPublicKeyRetrieval=true"));
    }

    /** mariadb-java-client speaks caching_sha2_password to MySQL 8 servers too. */
    @Test
    void mariadbJavaClientOnEveryPath() throws Exception {
        String base = "jdbc:mariadb://127.0.0.1:" + port + "/?connectTimeout=5000&socketTimeout=5000&";
        account = Account.ofPassword("app");
        assertEquals("VERIFIED fullAuth=false tls=false", connectUrl(base + "sslMode=disable", "app"));
        account = new Account(NativePassword.stage2(NativePassword.stage1("app")), null);
        assertEquals("VERIFIED fullAuth=true tls=true", connectUrl(base + "sslMode=trust", "app"));
        // verify-full against the generated test CA: chain and the 127.0.0.1 IP SAN are checked.
        assertEquals("VERIFIED fullAuth=true tls=true", connectUrl(base + "sslMode=verify-full&serverSslCert=" + caFile, "app"));
        verdicts.clear();
        assertThrows(SQLException.class, () -> DriverManager.getConnection(
            base + "sslMode=verify-full&serverSslCert=" + otherCaFile, "app", "app").close());
        String refused = verdicts.poll(500, TimeUnit.MILLISECONDS);
        // The server may see the aborted handshake as an error, but never gets to a login verdict.
        assertTrue(refused == null || refused.startsWith("ERROR"), "a certificate of another CA must stop the login: " + refused);
        assertEquals("VERIFIED fullAuth=true tls=false", connectUrl(base + "sslMode=disable&allowPublicKeyRetrieval=true", "app"));
        assertTrue(connectUrl(base + "sslMode=disable&allowPublicKeyRetrieval=true", "nope").startsWith("DENIED wrong password"));
    }

    @Test
    void wrongPasswordIsDenied() throws Exception {
        account = new Account(NativePassword.stage2(NativePassword.stage1("app")), null);
        String verdict = connect("nope", "sslMode=DISABLED&allowPublicKeyRetrieval=true");
        assertTrue(verdict.startsWith("DENIED wrong password"), verdict);
    }
}
