package io.lintas.admin.net;

import io.lintas.admin.sql.AdminResult;
import io.lintas.admin.sql.AdminSqlEngine;
import io.lintas.admin.sql.SessionContext;
import io.lintas.admin.sql.SessionVariables;
import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.lintas.wire.ErrorCode;
import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.Packet;
import io.lintas.wire.PacketWriter;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.auth.NativePassword;
import io.lintas.wire.auth.Scramble;
import io.lintas.wire.message.AuthSwitchRequest;
import io.lintas.wire.message.EofPacket;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.HandshakeResponse41;
import io.lintas.wire.message.HandshakeV10;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SslRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One admin client connection: mysql_native_password login against the admin credentials, then one command at a
 * time. Statements run on the admin SQL executor, never on the event loop; their results are written back on the
 * channel's loop. Frames a client pipelines meanwhile wait in a queue.
 */
public final class AdminSession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AdminSession.class);

    /** What the admin server offers; no TLS, no compression, no multi-statements, no MariaDB extensions. */
    static final long SERVER_CAPABILITIES = Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_FOUND_ROWS
        | Capabilities.CLIENT_LONG_FLAG | Capabilities.CLIENT_CONNECT_WITH_DB | Capabilities.CLIENT_PROTOCOL_41
        | Capabilities.CLIENT_TRANSACTIONS | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH
        | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_CONNECT_ATTRS
        | Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_MULTI_RESULTS;
    private static final int STATUS = ServerStatus.AUTOCOMMIT;
    private static final int ER_UNKNOWN_COM_ERROR = 1047;
    /** A client that has not logged in by then is closed, so idle half-open connections do not pile up. */
    static final long HANDSHAKE_TIMEOUT_MS = 10_000;

    private enum State { HANDSHAKE, AUTH_SWITCH, READY, CLOSED }

    /** Shared by every session of one server. */
    public record Shared(String username, byte[] passwordStage2, AdminSqlEngine engine, Executor sqlExecutor,
                         long startedAtNanos) {}

    private final Shared shared;
    private final long connectionId;
    private final byte[] scramble = Scramble.generate();
    private final ArrayDeque<Packet> queued = new ArrayDeque<>();

    private ChannelHandlerContext ctx;
    private State state = State.HANDSHAKE;
    private HandshakeResponse41 handshake;
    private long capabilities = SERVER_CAPABILITIES;
    private ResultSetWriter writer;
    private SessionContext session;
    private boolean busy;
    private String remote = "?";

    /** A session for a freshly accepted admin connection. */
    public AdminSession(Shared shared, long connectionId) {
        this.shared = shared;
        this.connectionId = connectionId;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        SocketAddress addr = ctx.channel().remoteAddress();
        remote = addr instanceof InetSocketAddress isa ? isa.getAddress().getHostAddress() + ":" + isa.getPort() : String.valueOf(addr);
        writer = new ResultSetWriter(ctx.alloc(), capabilities, STATUS);
        HandshakeV10 greeting = new HandshakeV10(SessionVariables.VERSION, connectionId, scramble, SERVER_CAPABILITIES,
            ResultSetWriter.UTF8MB4_GENERAL_CI, STATUS, NativePassword.PLUGIN_NAME);
        ctx.writeAndFlush(greeting.toFrame(ctx.alloc(), 0, SERVER_CAPABILITIES));
        ctx.executor().schedule(() -> {
            if (state == State.HANDSHAKE || state == State.AUTH_SWITCH) {
                log.info("admin conn={} client={} did not log in within {} ms, closing", connectionId, remote, HANDSHAKE_TIMEOUT_MS);
                failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", state == State.HANDSHAKE ? 2 : 4);
            }
        }, HANDSHAKE_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Packet frame = (Packet) msg;
        boolean release = true;
        try {
            switch (state) {
                case HANDSHAKE -> onHandshakeResponse(frame);
                case AUTH_SWITCH -> onAuthSwitchResponse(frame);
                case READY -> {
                    release = false;
                    if (busy) {
                        queued.add(frame);
                    } else {
                        onCommand(frame);
                    }
                }
                case CLOSED -> { }
            }
        } catch (MalformedPacketException e) {
            failAndClose(state == State.READY ? ErrorCode.ER_MALFORMED_PACKET : ErrorCode.ER_HANDSHAKE_ERROR,
                state == State.READY ? "Malformed communication packet" : "Bad handshake", (frame.sequenceId() + 1) & 0xFF);
        } finally {
            if (release) {
                ReferenceCountUtil.release(frame);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        queued.forEach(ReferenceCountUtil::release);
        queued.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin conn={} client={} error: {}", connectionId, remote, cause.toString());
        ctx.close();
    }

    // ---- login -------------------------------------------------------------------------------------------

    private void onHandshakeResponse(Packet frame) {
        if (frame.sequenceId() != 1 || frame.hasContinuation()) {
            failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", 2);
            return;
        }
        if (frame.payloadLength() == SslRequest.LENGTH
                && Capabilities.has(SslRequest.decode(frame.payload()).capabilities(), Capabilities.CLIENT_SSL)) {
            failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "TLS is not enabled on the admin interface", 2);
            return;
        }
        handshake = HandshakeResponse41.decode(frame.payload());
        capabilities = handshake.capabilities() & SERVER_CAPABILITIES;
        writer = new ResultSetWriter(ctx.alloc(), capabilities, STATUS);
        String plugin = handshake.authPluginName();
        byte[] token = handshake.authResponse();
        boolean nativePlugin = plugin == null || plugin.isEmpty() || NativePassword.PLUGIN_NAME.equals(plugin);
        if (nativePlugin && (token.length == 0 || token.length == NativePassword.SCRAMBLE_LENGTH)) {
            completeLogin(token, 2);
        } else {
            // e.g. a MySQL 8 client starting with caching_sha2_password: ask for mysql_native_password, as the proxy does.
            state = State.AUTH_SWITCH;
            ctx.writeAndFlush(new AuthSwitchRequest(NativePassword.PLUGIN_NAME, scramble).toFrame(ctx.alloc(), 2, capabilities));
        }
    }

    private void onAuthSwitchResponse(Packet frame) {
        if (frame.sequenceId() != 3) {
            failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", 4);
            return;
        }
        completeLogin(ByteBufUtil.getBytes(frame.payload()), 4);
    }

    private void completeLogin(byte[] token, int replySeq) {
        String user = handshake.username();
        boolean userOk = MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), shared.username().getBytes(StandardCharsets.UTF_8));
        boolean passwordOk = NativePassword.recoverStage1(token, scramble, shared.passwordStage2()) != null;
        if (!userOk || !passwordOk) {
            log.info("admin conn={} client={} login failed for user={}", connectionId, remote, user);
            String host = remote.contains(":") ? remote.substring(0, remote.lastIndexOf(':')) : remote;
            failAndClose(ErrorCode.ER_ACCESS_DENIED_ERROR, "Access denied for user '" + user + "'@'" + host
                + "' (using password: " + (token.length > 0 ? "YES" : "NO") + ")", replySeq);
            return;
        }
        String db = handshake.database();
        if (db != null && !db.isEmpty() && !AdminSqlEngine.isSchema(db)) {
            failAndClose(ErrorCode.ER_BAD_DB_ERROR, "Unknown database '" + db + "'", replySeq);
            return;
        }
        session = new SessionContext(connectionId, user, db == null || db.isEmpty() ? null : db.toLowerCase(java.util.Locale.ROOT));
        state = State.READY;
        log.debug("admin conn={} client={} user={} logged in", connectionId, remote, user);
        ctx.writeAndFlush(writer.message(OkPacket.of(STATUS), replySeq));
    }

    // ---- commands ----------------------------------------------------------------------------------------

    private void onCommand(Packet frame) {
        try {
            if (frame.hasContinuation()) {
                failAndClose(ErrorCode.ER_NET_PACKET_TOO_LARGE, "Got a packet bigger than the admin interface accepts", 1);
                return;
            }
            ByteBuf payload = frame.payload();
            int command = frame.firstByte();
            switch (command) {
                case Command.COM_QUERY -> runStatement(payload.toString(1, payload.readableBytes() - 1, StandardCharsets.UTF_8));
                case Command.COM_PROCESS_KILL -> runStatement("KILL " + payload.getUnsignedIntLE(1));
                case Command.COM_INIT_DB -> runStatement("USE `" + payload.toString(1, payload.readableBytes() - 1,
                    StandardCharsets.UTF_8).replace("`", "") + "`");
                case Command.COM_QUIT -> {
                    state = State.CLOSED;
                    ctx.close();
                }
                case Command.COM_PING, Command.COM_RESET_CONNECTION -> ctx.writeAndFlush(writer.message(OkPacket.of(STATUS), 1));
                case Command.COM_SET_OPTION -> ctx.writeAndFlush(writer.message(new EofPacket(0, STATUS), 1));
                case Command.COM_FIELD_LIST -> ctx.writeAndFlush(writer.endOfFieldList(1));
                case Command.COM_STATISTICS -> {
                    ByteBuf b = PacketWriter.begin(ctx.alloc(), 32);
                    // The layout MySQL uses, which the mariadb CLI's "status" prints.
                    long uptime = (System.nanoTime() - shared.startedAtNanos()) / 1_000_000_000L;
                    b.writeCharSequence("Uptime: " + uptime + "  Threads: 1  Questions: 0  Slow queries: 0  Opens: 0"
                        + "  Open tables: 0  Queries per second avg: 0.000", StandardCharsets.UTF_8);
                    ctx.writeAndFlush(PacketWriter.finish(b, 1));
                }
                default -> ctx.writeAndFlush(writer.message(new ErrPacket(ER_UNKNOWN_COM_ERROR, "08S01",
                    "Unknown command " + Command.name(command) + " on the admin interface"), 1));
            }
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    private void runStatement(String sql) {
        busy = true;
        ctx.channel().config().setAutoRead(false);
        try {
            shared.sqlExecutor().execute(() -> {
                AdminResult result = shared.engine().execute(session, sql);
                ctx.executor().execute(() -> writeResult(result));
            });
        } catch (RejectedExecutionException e) {
            // The server is shutting down.
            writeResult(new AdminResult.Error(ErrorCode.ER_NET_ERROR_ON_WRITE.code(), "08S01", "admin interface is shutting down"));
        }
    }

    private void writeResult(AdminResult result) {
        if (state == State.CLOSED) {
            return;
        }
        List<ByteBuf> frames = writer.frames(result, 1);
        for (ByteBuf f : frames) {
            ctx.write(f);
        }
        ctx.flush();
        busy = false;
        while (!busy && state == State.READY && !queued.isEmpty()) {
            onCommand(queued.poll());
        }
        if (!busy && state == State.READY) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void failAndClose(ErrorCode code, String message, int seq) {
        state = State.CLOSED;
        ctx.writeAndFlush(ErrPacket.of(code, message).toFrame(ctx.alloc(), seq, capabilities))
            .addListener(ChannelFutureListener.CLOSE);
    }
}
