package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.Packet;
import io.lintas.wire.PacketFramer;
import io.lintas.wire.PacketWriter;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.auth.AuthRsaKeys;
import io.lintas.wire.auth.CachingSha2Password;
import io.lintas.wire.auth.CachingSha2ServerExchange;
import io.lintas.wire.message.ChangeUser;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.HandshakeResponse41;
import io.lintas.wire.message.HandshakeV10;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SessionStateChange;
import io.lintas.wire.message.WireMessage;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process stand-in for a MariaDB node: greets, accepts any login, and answers a few commands the way a
 * server does (OK packets with session-state information when the client negotiated CLIENT_SESSION_TRACK).
 * Knobs let tests refuse logins, stop answering pings, and kill connections.
 */
final class FakeMysqlServer implements AutoCloseable {
    static final long SERVER_CAPABILITIES = Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_FOUND_ROWS
        | Capabilities.CLIENT_LONG_FLAG | Capabilities.CLIENT_CONNECT_WITH_DB | Capabilities.CLIENT_PROTOCOL_41
        | Capabilities.CLIENT_TRANSACTIONS | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_MULTI_STATEMENTS
        | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_PS_MULTI_RESULTS | Capabilities.CLIENT_PLUGIN_AUTH
        | Capabilities.CLIENT_CONNECT_ATTRS | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
        | Capabilities.CLIENT_SESSION_TRACK | Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_LOCAL_FILES
        | Capabilities.CLIENT_IGNORE_SPACE | Capabilities.CLIENT_INTERACTIVE | Capabilities.CLIENT_ODBC;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel serverChannel;
    private final AtomicLong nextThreadId = new AtomicLong(1000);
    final Map<Long, Channel> connections = new ConcurrentHashMap<>();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger pings = new AtomicInteger();
    final List<String> queries = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger maxConcurrent = new AtomicInteger();
    volatile boolean refuseLogin;
    volatile boolean answerPings = true;
    volatile boolean supportSessionTrack = true;
    /** Answers a {@code DO} statement with an error (it is how the pool clears a connection's warnings). */
    volatile boolean refuseDo;
    volatile long loginDelayMs;
    /**
     * Non-null: accounts use caching_sha2_password (as on MySQL 8) with this account; the greeting names that
     * plugin, and logins and COM_CHANGE_USER are checked by the server side of the exchange.
     */
    volatile CachingSha2ServerExchange.Account sha2Account;
    /** With {@link #sha2Account}: logins that passed the caching_sha2 check (fast or full). */
    final AtomicInteger sha2Logins = new AtomicInteger();
    private final AuthRsaKeys rsaKeys = AuthRsaKeys.generate();

    FakeMysqlServer() throws InterruptedException {
        serverChannel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new PacketFramer(), new Session());
                }
            }).bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    BackendNode node(String name) {
        return new BackendNode(name, "127.0.0.1", port());
    }

    int open() {
        return connections.size();
    }

    /** Closes the server side of a connection, as KILL does. */
    void kill(long threadId) throws InterruptedException {
        Channel ch = connections.get(threadId);
        if (ch != null) {
            ch.close().sync();
        }
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Session extends SimpleChannelInboundHandler<Packet> {
        private final long threadId = nextThreadId.incrementAndGet();
        private boolean loggedIn;
        private long caps;
        private final byte[] scramble = "abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII);
        private CachingSha2ServerExchange sha2;
        private int sha2Seq;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.incrementAndGet();
            connections.put(threadId, ctx.channel());
            maxConcurrent.accumulateAndGet(connections.size(), Math::max);
            long serverCaps = supportSessionTrack ? SERVER_CAPABILITIES : SERVER_CAPABILITIES & ~Capabilities.CLIENT_SESSION_TRACK;
            HandshakeV10 greeting = new HandshakeV10("10.11.99-FakeDB", threadId, scramble, serverCaps, 45,
                ServerStatus.AUTOCOMMIT, sha2Account != null ? CachingSha2Password.PLUGIN_NAME : "mysql_native_password");
            ctx.writeAndFlush(greeting.toFrame(ctx.alloc(), 0, serverCaps));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connections.remove(threadId);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Packet frame) {
            if (sha2 != null) {
                sha2Step(ctx, sha2.onPacket(frame.payload()), frame.sequenceId());
                return;
            }
            if (loggedIn && frame.firstByte() == Command.COM_CHANGE_USER && sha2Account != null) {
                ChangeUser cu = ChangeUser.decode(frame.payload(), caps);
                sha2 = new CachingSha2ServerExchange(scramble, sha2Account, false, rsaKeys);
                sha2Step(ctx, sha2.start(cu.authPluginName(), cu.authResponse()), frame.sequenceId());
                return;
            }
            if (!loggedIn) {
                HandshakeResponse41 hr = HandshakeResponse41.decode(frame.payload());
                caps = hr.capabilities();
                if (sha2Account != null) {
                    sha2 = new CachingSha2ServerExchange(scramble, sha2Account, false, rsaKeys);
                    sha2Step(ctx, sha2.start(hr.authPluginName(), hr.authResponse()), frame.sequenceId());
                    return;
                }
                if (refuseLogin) {
                    ctx.writeAndFlush(new ErrPacket(1045, "28000", "Access denied for user '" + hr.username() + "'")
                        .toFrame(ctx.alloc(), 2, caps));
                    ctx.close();
                    return;
                }
                loggedIn = true;
                Runnable ok = () -> ctx.writeAndFlush(OkPacket.of(ServerStatus.AUTOCOMMIT).toFrame(ctx.alloc(), 2, caps));
                if (loginDelayMs > 0) {
                    ctx.executor().schedule(ok, loginDelayMs, TimeUnit.MILLISECONDS);
                } else {
                    ok.run();
                }
                return;
            }
            int command = frame.firstByte();
            ByteBuf p = frame.payload();
            String arg = p.toString(1, p.readableBytes() - 1, StandardCharsets.UTF_8);
            switch (command) {
                case Command.COM_QUIT -> ctx.close();
                case Command.COM_PING -> {
                    pings.incrementAndGet();
                    if (answerPings) {
                        send(ctx, OkPacket.of(ServerStatus.AUTOCOMMIT));
                    }
                }
                case Command.COM_INIT_DB -> send(ctx, tracked(0, "", List.of(new SessionStateChange.Schema(arg))));
                case Command.COM_QUERY -> query(ctx, arg);
                default -> send(ctx, OkPacket.of(ServerStatus.AUTOCOMMIT));
            }
        }

        private void query(ChannelHandlerContext ctx, String sql) {
            queries.add(sql);
            String upper = sql.toUpperCase();
            if (upper.startsWith("ERROR")) {
                send(ctx, new ErrPacket(1064, "42000", "You have an error in your SQL syntax"));
            } else if (upper.startsWith("SELECT")) {
                resultSet(ctx, sql.substring(6).trim());
            } else if (upper.startsWith("USE ")) {
                send(ctx, tracked(0, "", List.of(new SessionStateChange.Schema(sql.substring(4).trim()))));
            } else if (upper.startsWith("UPDATE")) {
                send(ctx, tracked(1, "Rows matched: 1  Changed: 1  Warnings: 0", List.of()));
            } else if (upper.startsWith("WARN")) {
                send(ctx, new OkPacket(OkPacket.HEADER, 0, 0, ServerStatus.AUTOCOMMIT, 1, "", List.of()));
            } else if (upper.startsWith("DO ") && refuseDo) {
                send(ctx, new ErrPacket(1227, "42000", "Access denied"));
            } else if (upper.startsWith("BEGIN")) {
                send(ctx, OkPacket.of(ServerStatus.AUTOCOMMIT | ServerStatus.IN_TRANS));
            } else if (upper.startsWith("SET ") && !upper.startsWith("SET SESSION SESSION_TRACK")) {
                String[] nv = sql.substring(4).split("=", 2);
                List<SessionStateChange> changes = nv.length == 2
                    ? List.of(new SessionStateChange.SystemVariable(nv[0].trim(), nv[1].trim().replace("'", "")))
                    : List.of();
                send(ctx, tracked(0, "", changes));
            } else {
                send(ctx, OkPacket.of(ServerStatus.AUTOCOMMIT));
            }
        }

        private void sha2Step(ChannelHandlerContext ctx, CachingSha2ServerExchange.Step step, int clientSeq) {
            int seq = clientSeq + 1;
            for (WireMessage reply : step.replies()) {
                ctx.write(reply.toFrame(ctx.alloc(), seq++ & 0xFF, caps));
            }
            switch (step.outcome()) {
                case CONTINUE -> ctx.flush();
                case VERIFIED -> {
                    sha2 = null;
                    loggedIn = true;
                    sha2Logins.incrementAndGet();
                    ctx.writeAndFlush(OkPacket.of(ServerStatus.AUTOCOMMIT).toFrame(ctx.alloc(), seq & 0xFF, caps));
                }
                case DENIED -> {
                    sha2 = null;
                    ctx.writeAndFlush(new ErrPacket(1045, "28000", "Access denied (caching_sha2_password)")
                        .toFrame(ctx.alloc(), seq & 0xFF, caps));
                    ctx.close();
                }
            }
        }

        private OkPacket tracked(long affected, String info, List<SessionStateChange> changes) {
            boolean track = Capabilities.has(caps, Capabilities.CLIENT_SESSION_TRACK) && !changes.isEmpty();
            return new OkPacket(OkPacket.HEADER, affected, 0,
                ServerStatus.AUTOCOMMIT | (track ? ServerStatus.SESSION_STATE_CHANGED : 0), 0, info, changes);
        }

        /** One VARCHAR column named "v", one row with {@code value}. */
        private void resultSet(ChannelHandlerContext ctx, String value) {
            boolean deprecateEof = Capabilities.has(caps, Capabilities.CLIENT_DEPRECATE_EOF);
            int seq = 1;
            ctx.write(frame(ctx, seq++, out -> LengthEncoded.writeInt(out, 1)));
            ctx.write(frame(ctx, seq++, out -> {
                LengthEncoded.writeString(out, "def");
                LengthEncoded.writeString(out, "");
                LengthEncoded.writeString(out, "");
                LengthEncoded.writeString(out, "");
                LengthEncoded.writeString(out, "v");
                LengthEncoded.writeString(out, "");
                out.writeByte(0x0c).writeShortLE(45).writeIntLE(255).writeByte(0xfd).writeShortLE(0).writeByte(0)
                    .writeShortLE(0);
            }));
            if (!deprecateEof) {
                ctx.write(frame(ctx, seq++, out -> out.writeByte(0xfe).writeShortLE(0).writeShortLE(ServerStatus.AUTOCOMMIT)));
            }
            ctx.write(frame(ctx, seq++, out -> LengthEncoded.writeString(out, value)));
            int last = seq;
            if (deprecateEof) {
                ctx.writeAndFlush(new OkPacket(OkPacket.EOF_HEADER, 0, 0, ServerStatus.AUTOCOMMIT, 0, "", List.of())
                    .toFrame(ctx.alloc(), last, caps));
            } else {
                ctx.writeAndFlush(frame(ctx, last, out -> out.writeByte(0xfe).writeShortLE(0).writeShortLE(ServerStatus.AUTOCOMMIT)));
            }
        }

        private ByteBuf frame(ChannelHandlerContext ctx, int seq, java.util.function.Consumer<ByteBuf> body) {
            ByteBuf buf = PacketWriter.begin(ctx.alloc(), 32);
            body.accept(buf);
            return PacketWriter.finish(buf, seq);
        }

        private void send(ChannelHandlerContext ctx, WireMessage m) {
            ctx.writeAndFlush(m.toFrame(ctx.alloc(), 1, caps));
        }
    }
}
