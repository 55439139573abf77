package io.lintas.proxy.session;

import io.lintas.monitor.BackendNode;
import io.lintas.monitor.Topology;
import io.lintas.pool.BackendConnection;
import io.lintas.pool.BackendCredentials;
import io.lintas.pool.BackendLoginException;
import io.lintas.pool.LoginRequest;
import io.lintas.pool.ResponseSink;
import io.lintas.proxy.config.UserAccount;
import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.lintas.wire.ErrorCode;
import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.Packet;
import io.lintas.wire.PacketFramer;
import io.lintas.wire.PacketWriter;
import io.lintas.router.KillStatement;
import io.netty.buffer.ByteBuf;
import io.lintas.wire.ResponseTracker;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.auth.NativePassword;
import io.lintas.wire.auth.Scramble;
import io.lintas.wire.message.AuthSwitchRequest;
import io.lintas.wire.message.ChangeUser;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.HandshakeResponse41;
import io.lintas.wire.message.HandshakeV10;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SslRequest;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: authenticates the client, then relays its commands to a backend connection and
 * streams every response frame back unchanged. Runs entirely on the client channel's event loop; the
 * backend connection lives on the same loop.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter implements ResponseSink {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    /** Frames a client may pipeline ahead of the running command before the session stops reading. */
    private static final int MAX_QUEUED_FRAMES = 1024;
    /** ER_NO_SUCH_THREAD: what MariaDB answers a KILL of an unknown id. */
    private static final int ER_NO_SUCH_THREAD = 1094;

    private enum State { HANDSHAKE, AUTH_SWITCH, CONNECTING, READY, CHANGE_USER_SWITCH, CHANGING_USER, CLOSED }

    private final ProxyContext context;
    private final long connectionId;
    private final byte[] scramble = Scramble.generate();
    private final ArrayDeque<Packet> queued = new ArrayDeque<>();

    private ChannelHandlerContext ctx;
    private PacketFramer framer;
    private State state = State.HANDSHAKE;
    private ScheduledFuture<?> handshakeTimer;
    private String remote = "?";

    // Login.
    private long clientCapabilities;
    private HandshakeResponse41 handshake;
    private ChangeUser pendingChangeUser;
    private byte[] switchScramble;
    private String username;
    private String database;
    private int characterSet;

    // Command relay.
    private BackendConnection backend;
    // Read by other sessions' threads when they translate a KILL.
    private volatile BackendNode backendNode;
    private volatile long backendThreadId = -1;
    private boolean awaitingResponse;
    private boolean clientFrameContinues;
    private boolean uploadingInfile;
    private boolean infileFrameContinues;
    private long commandBytes;
    private int lastSequenceToClient;

    /** A session on a freshly accepted client channel. */
    public ClientSession(ProxyContext context) {
        this.context = context;
        this.connectionId = context.nextConnectionId();
    }

    /** The connection id announced to the client. */
    public long connectionId() {
        return connectionId;
    }

    /** The monitor took {@code node} out (OFFLINE_HARD): drop the connection to it; thread-safe. */
    void backendNodeDown(BackendNode node, String reason) {
        ctx.executor().execute(() -> {
            BackendConnection conn = backend;
            if (conn != null && conn.node().equals(node) && state != State.CLOSED) {
                log.info("conn={} client={} user={} node {} is OFFLINE_HARD, dropping its connection", connectionId,
                    remote, username, node.name());
                conn.abort(new IOException("node " + node.name() + " is OFFLINE_HARD: " + reason));
            }
        });
    }

    /** The node this session relays to, or null. */
    BackendNode backendNode() {
        return backendNode;
    }

    /** The node's thread id of this session's backend connection, or -1. */
    long backendThreadId() {
        return backendThreadId;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.framer = ctx.pipeline().get(PacketFramer.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        context.register(this);
        SocketAddress addr = ctx.channel().remoteAddress();
        remote = addr instanceof InetSocketAddress isa ? isa.getAddress().getHostAddress() + ":" + isa.getPort()
            : addr == null ? "unix-socket" : String.valueOf(addr);
        handshakeTimer = ctx.executor().schedule(this::handshakeTimedOut,
            context.settings().handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
        ServerIdentity id = context.identity();
        HandshakeV10 greeting = new HandshakeV10(id.version(), connectionId, scramble, id.capabilities(),
            id.characterSet(), ServerStatus.AUTOCOMMIT, NativePassword.PLUGIN_NAME);
        ctx.writeAndFlush(greeting.toFrame(ctx.alloc(), 0, id.capabilities()));
        // One frame at a time during login: a client must wait for each answer.
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Packet frame = (Packet) msg;
        try {
            switch (state) {
                case HANDSHAKE -> onHandshakeResponse(frame);
                case AUTH_SWITCH -> onAuthSwitchResponse(frame);
                case CHANGE_USER_SWITCH -> onChangeUserSwitchResponse(frame);
                case READY -> {
                    Packet owned = frame;
                    frame = null; // from here on the relay owns it
                    onCommandFrame(owned);
                }
                case CONNECTING, CHANGING_USER -> {
                    // A client must not send before it gets its answer; keep it for after.
                    Packet owned = frame;
                    frame = null;
                    enqueue(owned);
                }
                case CLOSED -> { }
            }
        } catch (MalformedPacketException e) {
            log.debug("conn={} client={} malformed packet: {}", connectionId, remote, e.getMessage());
            failAndClose(state == State.READY ? ErrorCode.ER_MALFORMED_PACKET : ErrorCode.ER_HANDSHAKE_ERROR,
                state == State.READY ? "Malformed communication packet" : "Bad handshake", nextClientSequence(frame));
        } finally {
            if (frame != null) {
                ReferenceCountUtil.release(frame);
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (backend != null && backend.isUsable()) {
            backend.flush();
        }
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // A slow client: stop reading the backend rather than buffering the result in memory.
        if (backend != null && backend.isUsable()) {
            backend.setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // Reader idle for net_read_timeout: only a problem while the client owes us the rest of a packet,
            // and only while we read from it (a pause of our own, for queued pipelined commands or backpressure,
            // is not the client stalling).
            boolean midPacket = framer != null && framer.pendingBytes() > 0;
            boolean reading = ctx.channel().config().isAutoRead();
            if (state == State.READY && reading && (midPacket || clientFrameContinues || uploadingInfile)) {
                log.info("conn={} client={} user={} timed out in the middle of a packet, closing", connectionId, remote, username);
                failAndClose(ErrorCode.ER_NET_READ_INTERRUPTED, "Got timeout reading communication packets", 1);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        context.unregister(this);
        closeSession();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("conn={} client={} error: {}", connectionId, remote, cause.toString());
        closeSession();
        ctx.close();
    }

    // ---- login -------------------------------------------------------------------------------------------

    private void handshakeTimedOut() {
        if (state == State.HANDSHAKE || state == State.AUTH_SWITCH) {
            log.info("conn={} client={} handshake not completed within {} ms, closing", connectionId, remote,
                context.settings().handshakeTimeoutMs());
            failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", state == State.HANDSHAKE ? 2 : 4);
        }
    }

    private void onHandshakeResponse(Packet frame) {
        if (frame.sequenceId() != 1 || frame.hasContinuation()) {
            failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", 2);
            return;
        }
        if (frame.payloadLength() == SslRequest.LENGTH) {
            SslRequest ssl = SslRequest.decode(frame.payload());
            if (Capabilities.has(ssl.capabilities(), Capabilities.CLIENT_SSL)) {
                failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "TLS is not enabled on this listener", 2);
                return;
            }
        }
        handshake = HandshakeResponse41.decode(frame.payload());
        clientCapabilities = handshake.capabilities() & context.identity().capabilities() & 0xFFFFFFFFL;
        username = handshake.username();
        characterSet = handshake.characterSet();
        if (ClientAuthenticator.canVerify(handshake.authPluginName(), handshake.authResponse())) {
            completeLogin(handshake.authResponse(), scramble, 2);
        } else {
            // e.g. a MySQL 8 client starting with caching_sha2_password: ask for mysql_native_password.
            state = State.AUTH_SWITCH;
            switchScramble = scramble;
            ctx.writeAndFlush(new AuthSwitchRequest(NativePassword.PLUGIN_NAME, scramble)
                .toFrame(ctx.alloc(), 2, clientCapabilities));
        }
    }

    private void onAuthSwitchResponse(Packet frame) {
        if (frame.sequenceId() != 3) {
            failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", 4);
            return;
        }
        completeLogin(ByteBufUtil.getBytes(frame.payload()), switchScramble, 4);
    }

    private void completeLogin(byte[] token, byte[] usedScramble, int replySeq) {
        UserAccount account = context.users().find(username);
        BackendCredentials credentials = ClientAuthenticator.verify(account, token, usedScramble);
        if (credentials == null) {
            log.info("conn={} client={} login failed for user={}", connectionId, remote, username);
            failAndClose(ErrorCode.ER_ACCESS_DENIED_ERROR, accessDenied(username, token.length > 0), replySeq);
            return;
        }
        cancelHandshakeTimer();
        String db = handshake.database();
        if ((db == null || db.isEmpty()) && account.defaultSchema() != null) {
            db = account.defaultSchema();
        }
        database = db;
        state = State.CONNECTING;
        ctx.channel().config().setAutoRead(false);
        connectBackend(credentials, replySeq);
    }

    private void connectBackend(BackendCredentials credentials, int replySeq) {
        Topology topology = context.topology();
        BackendNode node = topology.writer().orElse(null);
        if (node == null) {
            StringBuilder why = new StringBuilder();
            topology.states().forEach((n, st) -> why.append(why.length() == 0 ? "" : ", ").append(n.name()).append(' ').append(st));
            failAndClose(ErrorCode.BACKEND_UNREACHABLE, "No database node can take writes ("
                + (why.length() == 0 ? topology.reason() : why) + ")", replySeq);
            return;
        }
        Map<String, String> attrs = new HashMap<>(handshake.connectAttributes());
        attrs.put("_proxy", "lintas");
        attrs.put("_proxy_client", remote);
        LoginRequest request = new LoginRequest(credentials, database, clientCapabilities, characterSet,
            handshake.maxPacketSize(), attrs);
        context.connector().connect(ctx.channel().eventLoop(), node, request).addListener(
            (Future<BackendConnection> f) -> onBackendConnected(f, node, replySeq));
    }

    private void onBackendConnected(Future<BackendConnection> f, BackendNode node, int replySeq) {
        if (!f.isSuccess()) {
            failBackendLogin(f.cause(), node, replySeq);
            return;
        }
        BackendConnection conn = f.getNow();
        if (state != State.CONNECTING || !ctx.channel().isActive()) {
            conn.close();
            return;
        }
        backend = conn;
        backendNode = conn.node();
        backendThreadId = conn.serverThreadId();
        context.identity().learn(conn.greeting());
        state = State.READY;
        log.debug("conn={} client={} user={} logged in, backend {} thread {}", connectionId, remote, username, node,
            conn.serverThreadId());
        ctx.writeAndFlush(OkPacket.of(conn.statusFlags()).toFrame(ctx.alloc(), replySeq, clientCapabilities));
        drainQueue();
        updateClientAutoRead();
    }

    private void failBackendLogin(Throwable cause, BackendNode node, int replySeq) {
        if (cause instanceof BackendLoginException ble && ble.serverError() != null) {
            ErrPacket err = ble.serverError();
            log.info("conn={} client={} user={} backend {} refused login: {} {}", connectionId, remote, username, node,
                err.errorCode(), err.message());
            sendAndClose(err, replySeq);
        } else {
            log.warn("conn={} client={} user={} cannot reach backend {}: {}", connectionId, remote, username, node,
                cause.getMessage());
            context.reportNodeFailure(node, "login failed: " + cause.getMessage());
            failAndClose(ErrorCode.BACKEND_UNREACHABLE, "Lintas cannot reach database node '" + node.name() + "' ("
                + node.address() + "): " + cause.getMessage(), replySeq);
        }
    }

    // ---- command phase -----------------------------------------------------------------------------------

    private void onCommandFrame(Packet frame) {
        if (clientFrameContinues) {
            commandBytes += frame.payloadLength();
            if (exceedsMaxPacket(frame)) {
                return;
            }
            clientFrameContinues = frame.hasContinuation();
            lastSequenceToClient = frame.sequenceId();
            backend.write(frame);
            if (!clientFrameContinues && !awaitingResponse) {
                commandDone();
            }
            return;
        }
        if (uploadingInfile) {
            // LOAD DATA LOCAL INFILE: the client streams the file; an empty frame ends it.
            boolean end = frame.payloadLength() == 0 && !infileFrameContinues;
            infileFrameContinues = frame.hasContinuation();
            lastSequenceToClient = frame.sequenceId();
            backend.write(frame);
            if (end) {
                uploadingInfile = false;
                backend.flush();
                updateClientAutoRead();
            }
            return;
        }
        if (awaitingResponse) {
            enqueue(frame);
            return;
        }
        startCommand(frame);
    }

    private void startCommand(Packet frame) {
        int command = frame.firstByte();
        if (frame.sequenceId() != 0) {
            ReferenceCountUtil.release(frame);
            failAndClose(ErrorCode.ER_NET_PACKETS_OUT_OF_ORDER, "Got packets out of order", 1);
            return;
        }
        switch (command) {
            case -1 -> {
                ReferenceCountUtil.release(frame);
                sendError(ErrPacket.of(ErrorCode.ER_MALFORMED_PACKET, "Malformed communication packet"), 1);
            }
            case Command.COM_QUIT -> {
                ReferenceCountUtil.release(frame);
                closeSession();
                ctx.close();
            }
            case Command.COM_CHANGE_USER -> {
                try {
                    startChangeUser(frame);
                } finally {
                    ReferenceCountUtil.release(frame);
                }
            }
            case Command.COM_BINLOG_DUMP, Command.COM_BINLOG_DUMP_GTID, Command.COM_REGISTER_SLAVE,
                 Command.COM_TABLE_DUMP, Command.COM_CONNECT_OUT, Command.COM_DAEMON, Command.COM_CONNECT,
                 Command.COM_TIME, Command.COM_DELAYED_INSERT, Command.COM_SLEEP -> {
                ReferenceCountUtil.release(frame);
                sendError(ErrPacket.of(ErrorCode.ER_UNKNOWN_COM_ERROR, "Unknown command "
                    + Command.name(command) + " (not relayed by Lintas)"), 1);
            }
            case Command.COM_QUERY -> {
                Packet translated = translateKillQuery(frame);
                if (translated != null) {
                    relay(command, translated);
                }
            }
            case Command.COM_PROCESS_KILL -> {
                Packet translated = translateProcessKill(frame);
                if (translated != null) {
                    relay(command, translated);
                }
            }
            default -> relay(command, frame);
        }
    }

    // ---- KILL --------------------------------------------------------------------------------------------

    /**
     * A {@code KILL [QUERY] n} names one of Lintas's connection ids (what clients learn from the greeting and
     * use to cancel), not a node's thread: rewrite it to the thread behind that session. Relaying the number
     * unchanged could kill an unrelated session on the node. Returns the frame to relay, or null when the
     * session already answered.
     */
    private Packet translateKillQuery(Packet frame) {
        if (frame.hasContinuation() || frame.payloadLength() > 512 || !mayStartWithKill(frame)) {
            return frame;
        }
        String sql = frame.payload().toString(1, frame.payloadLength() - 1, StandardCharsets.UTF_8);
        KillStatement kill = KillStatement.parse(sql).orElse(null);
        if (kill == null || kill.target() == KillStatement.Target.USER || kill.target() == KillStatement.Target.QUERY_ID) {
            return frame;
        }
        long threadId = killTarget(kill.id());
        if (threadId < 0) {
            ReferenceCountUtil.release(frame);
            return null;
        }
        ReferenceCountUtil.release(frame);
        ByteBuf buf = PacketWriter.begin(ctx.alloc(), 32);
        buf.writeByte(Command.COM_QUERY).writeCharSequence(kill.withId(threadId), StandardCharsets.US_ASCII);
        return new Packet(PacketWriter.finish(buf, 0));
    }

    private Packet translateProcessKill(Packet frame) {
        if (frame.payloadLength() < 5) {
            return frame; // malformed: the server answers it
        }
        long threadId = killTarget(frame.payload().getUnsignedIntLE(1));
        if (threadId < 0) {
            ReferenceCountUtil.release(frame);
            return null;
        }
        frame.content().setIntLE(frame.content().readerIndex() + Packet.HEADER_SIZE + 1, (int) threadId);
        return frame;
    }

    /**
     * The node thread to kill for client-visible id {@code id}, or -1 after answering ERR 1094. An id that is
     * not a Lintas connection id passes unchanged only when it is the thread of an open Lintas session on the
     * same node (a client may have read it from CONNECTION_ID()).
     */
    private long killTarget(long id) {
        BackendNode here = backendNode;
        ClientSession target = context.session(id);
        if (target != null) {
            BackendNode there = target.backendNode();
            long thread = target.backendThreadId();
            if (there != null && thread >= 0 && there.equals(here)) {
                return thread;
            }
            sendError(new ErrPacket(ER_NO_SUCH_THREAD, "HY000", "Unknown thread id: " + id
                + (there == null ? "" : " (connection " + id + " runs on node " + there.name() + ", this one on "
                + (here == null ? "none" : here.name()) + ")")), 1);
            return -1;
        }
        if (here != null && context.isBackendThread(here, id)) {
            return id;
        }
        sendError(new ErrPacket(ER_NO_SUCH_THREAD, "HY000", "Unknown thread id: " + id), 1);
        return -1;
    }

    private static boolean mayStartWithKill(Packet frame) {
        ByteBuf p = frame.payload();
        for (int i = 1; i < p.readableBytes(); i++) {
            int b = p.getUnsignedByte(i);
            if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                continue;
            }
            return b == 'k' || b == 'K' || b == '/' || b == '-' || b == '#';
        }
        return false;
    }

    private void relay(int command, Packet frame) {
        if (backend == null || !backend.isUsable()) {
            ReferenceCountUtil.release(frame);
            failAndClose(ErrorCode.ER_NET_READ_ERROR, "Lost connection to the database node", 1);
            return;
        }
        commandBytes = frame.payloadLength();
        if (exceedsMaxPacket(frame)) {
            return;
        }
        boolean cursor = command == Command.COM_STMT_EXECUTE && frame.payloadLength() > 5
            && (frame.payload().getUnsignedByte(5) & Command.CURSOR_TYPE_READ_ONLY) != 0;
        awaitingResponse = ResponseTracker.expectsResponse(command);
        clientFrameContinues = frame.hasContinuation();
        // Until the server answers, an error we make up must follow the client's last frame.
        lastSequenceToClient = frame.sequenceId();
        backend.startCommand(command, cursor, this);
        backend.write(frame);
        if (!awaitingResponse && !clientFrameContinues) {
            commandDone();
        }
        updateClientAutoRead();
    }

    @Override
    public void onResponseFrame(Packet frame, ResponseTracker.Event event) {
        lastSequenceToClient = frame.sequenceId();
        ctx.write(frame.content(), ctx.voidPromise());
        switch (event) {
            case COMPLETE -> {
                awaitingResponse = false;
                if (!clientFrameContinues) {
                    commandDone();
                }
            }
            case LOCAL_INFILE_REQUEST -> {
                uploadingInfile = true;
                infileFrameContinues = false;
                ctx.flush();
                updateClientAutoRead();
            }
            case CONTINUE -> { }
        }
    }

    @Override
    public void onReadComplete() {
        ctx.flush();
    }

    @Override
    public void onWritabilityChanged(boolean writable) {
        updateClientAutoRead();
    }

    @Override
    public void onBackendLost(Throwable cause) {
        if (state == State.CLOSED) {
            return;
        }
        BackendNode node = backend == null ? null : backend.node();
        if (awaitingResponse || clientFrameContinues || uploadingInfile) {
            log.info("conn={} client={} user={} backend {} lost during a command: {}", connectionId, remote, username,
                node, cause == null ? "closed" : cause.getMessage());
            if (node != null) {
                context.reportNodeFailure(node, "connection lost during a command");
            }
            failAndClose(ErrorCode.ER_NET_READ_ERROR, "Lost connection to database node '"
                + (node == null ? "?" : node.name()) + "' during query", lastSequenceToClient + 1);
        } else {
            // The session's state lived on that connection; the client must reconnect.
            log.info("conn={} client={} user={} backend {} closed while idle, closing client", connectionId, remote,
                username, node);
            closeSession();
            ctx.close();
        }
    }

    /** Enforces max_allowed_packet on a client command; on violation answers ERR 1153 and closes, as MariaDB does. */
    private boolean exceedsMaxPacket(Packet frame) {
        if (commandBytes <= context.settings().maxAllowedPacket()) {
            return false;
        }
        ReferenceCountUtil.release(frame);
        log.info("conn={} client={} user={} sent a packet over max_allowed_packet ({} bytes), closing", connectionId,
            remote, username, context.settings().maxAllowedPacket());
        failAndClose(ErrorCode.ER_NET_PACKET_TOO_LARGE, "Got a packet bigger than 'max_allowed_packet' bytes",
            frame.sequenceId() + 1);
        return true;
    }

    private void commandDone() {
        awaitingResponse = false;
        drainQueue();
        updateClientAutoRead();
    }

    private void drainQueue() {
        boolean started = false;
        while (state == State.READY && !awaitingResponse && !clientFrameContinues && !uploadingInfile) {
            Packet next = queued.poll();
            if (next == null) {
                break;
            }
            startCommand(next);
            started = true;
        }
        // Called from the backend's read path (a response just completed) or after login, where no client
        // channelReadComplete follows to flush: send the pipelined command now, or it waits forever.
        if (started && backend != null && backend.isUsable()) {
            backend.flush();
        }
    }

    private void enqueue(Packet frame) {
        if (queued.size() >= MAX_QUEUED_FRAMES) {
            ReferenceCountUtil.release(frame);
            failAndClose(ErrorCode.ER_NET_PACKETS_OUT_OF_ORDER, "Too many pipelined commands", 1);
            return;
        }
        queued.add(frame);
        ctx.channel().config().setAutoRead(false);
    }

    private void updateClientAutoRead() {
        if (state != State.READY) {
            return;
        }
        boolean wantsClientBytes = clientFrameContinues || uploadingInfile || (!awaitingResponse && queued.isEmpty());
        boolean backendWritable = backend == null || !backend.isUsable() || backend.isWritable();
        boolean read = wantsClientBytes && backendWritable;
        if (read && !ctx.channel().config().isAutoRead()) {
            // We paused reading, not the client: its net_read_timeout starts again now.
            IdleStateHandler idle = ctx.pipeline().get(IdleStateHandler.class);
            if (idle != null) {
                idle.resetReadTimeout();
            }
        }
        ctx.channel().config().setAutoRead(read);
    }

    // ---- COM_CHANGE_USER ---------------------------------------------------------------------------------

    private void startChangeUser(Packet frame) {
        ChangeUser cu = ChangeUser.decode(frame.payload(), clientCapabilities);
        pendingChangeUser = cu;
        awaitingResponse = true;
        if (ClientAuthenticator.canVerify(cu.authPluginName(), cu.authResponse())) {
            finishChangeUser(cu.authResponse(), scramble, 1);
        } else {
            state = State.CHANGE_USER_SWITCH;
            switchScramble = Scramble.generate();
            ctx.writeAndFlush(new AuthSwitchRequest(NativePassword.PLUGIN_NAME, switchScramble)
                .toFrame(ctx.alloc(), 1, clientCapabilities));
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void onChangeUserSwitchResponse(Packet frame) {
        if (frame.sequenceId() != 2) {
            failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", 3);
            return;
        }
        finishChangeUser(ByteBufUtil.getBytes(frame.payload()), switchScramble, 3);
    }

    private void finishChangeUser(byte[] token, byte[] usedScramble, int replySeq) {
        ChangeUser cu = pendingChangeUser;
        pendingChangeUser = null;
        UserAccount account = context.users().find(cu.username());
        BackendCredentials credentials = ClientAuthenticator.verify(account, token, usedScramble);
        if (credentials == null) {
            log.info("conn={} client={} change of user to user={} failed", connectionId, remote, cu.username());
            failAndClose(ErrorCode.ER_ACCESS_DENIED_ERROR, accessDenied(cu.username(), token.length > 0), replySeq);
            return;
        }
        String db = cu.database();
        if ((db == null || db.isEmpty()) && account.defaultSchema() != null) {
            db = account.defaultSchema();
        }
        if (cu.characterSet() != 0) {
            characterSet = cu.characterSet();
        }
        state = State.CHANGING_USER;
        ctx.channel().config().setAutoRead(false);
        String newDb = db;
        Map<String, String> attrs = new HashMap<>(cu.connectAttributes());
        attrs.put("_proxy", "lintas");
        backend.changeUser(credentials, newDb, characterSet, attrs).addListener((Future<OkPacket> f) -> {
            if (state != State.CHANGING_USER) {
                return;
            }
            if (f.isSuccess()) {
                username = cu.username();
                database = newDb;
                state = State.READY;
                awaitingResponse = false;
                ctx.writeAndFlush(OkPacket.of(f.getNow().statusFlags()).toFrame(ctx.alloc(), replySeq, clientCapabilities));
                drainQueue();
                updateClientAutoRead();
            } else if (f.cause() instanceof BackendLoginException ble && ble.serverError() != null) {
                sendAndClose(ble.serverError(), replySeq);
            } else {
                failAndClose(ErrorCode.ER_NET_READ_ERROR, "Lost connection to the database node during change of user", replySeq);
            }
        });
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static String accessDenied(String user, boolean usingPassword) {
        return "Access denied for user '" + user + "' (using password: " + (usingPassword ? "YES" : "NO") + ")";
    }

    private int nextClientSequence(Packet frame) {
        return frame == null ? 1 : frame.sequenceId() + 1;
    }

    private void sendError(ErrPacket err, int seq) {
        ctx.writeAndFlush(err.toFrame(ctx.alloc(), seq & 0xFF, clientCapabilities));
    }

    private void failAndClose(ErrorCode code, String message, int seq) {
        sendAndClose(ErrPacket.of(code, message), seq);
    }

    private void sendAndClose(ErrPacket err, int seq) {
        if (state == State.CLOSED) {
            return;
        }
        closeSession();
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(err.toFrame(ctx.alloc(), seq & 0xFF, clientCapabilities)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void closeSession() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        cancelHandshakeTimer();
        Packet p;
        while ((p = queued.poll()) != null) {
            p.release();
        }
        if (backend != null) {
            backend.detach();
            if (backend.inCommand() || clientFrameContinues || uploadingInfile) {
                // Mid-command: the server side is in an unknown state, drop it.
                backend.abort();
            } else {
                backend.close();
            }
            backend = null;
            backendNode = null;
            backendThreadId = -1;
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }
}
