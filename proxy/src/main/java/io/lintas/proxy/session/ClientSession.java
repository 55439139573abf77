package io.lintas.proxy.session;

import io.lintas.monitor.BackendNode;
import io.lintas.monitor.NodeState;
import io.lintas.monitor.Topology;
import io.lintas.pool.BackendCommandException;
import io.lintas.pool.BackendConnection;
import io.lintas.pool.BackendCredentials;
import io.lintas.pool.BackendLoginException;
import io.lintas.pool.NodeUnavailableException;
import io.lintas.pool.PoolExhaustedException;
import io.lintas.pool.PoolKey;
import io.lintas.pool.ResponseSink;
import io.lintas.pool.SessionSync;
import io.lintas.pool.state.SessionState;
import io.lintas.pool.state.StatementCache;
import io.lintas.proxy.config.LintasConfig;
import io.lintas.proxy.config.UserAccount;
import io.lintas.router.Classification;
import io.lintas.router.Effect;
import io.lintas.router.KillStatement;
import io.lintas.router.SetScope;
import io.lintas.router.rules.QueryRuleSet;
import io.lintas.router.rules.RuleOutcome;
import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.lintas.wire.ErrorCode;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.Packet;
import io.lintas.wire.PacketFramer;
import io.lintas.wire.PacketWriter;
import io.lintas.wire.ResponseTracker;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.SessionTracking;
import io.lintas.wire.auth.CachingSha2ClientExchange;
import io.lintas.wire.auth.CachingSha2Password;
import io.lintas.wire.auth.CachingSha2ServerExchange;
import io.lintas.wire.auth.NativePassword;
import io.lintas.wire.auth.Sha2FastAuthEntry;
import io.lintas.wire.message.WireMessage;
import io.lintas.wire.tls.ServerTlsUpgrade;
import io.lintas.proxy.security.ClientSecurity;
import io.lintas.proxy.security.ConnectionLimiter;
import io.lintas.proxy.security.LoginThrottle;
import io.lintas.wire.auth.Scramble;
import io.lintas.wire.message.AuthSwitchRequest;
import io.lintas.wire.message.ChangeUser;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.HandshakeResponse41;
import io.lintas.wire.message.HandshakeV10;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SessionStateChange;
import io.lintas.wire.message.SslRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One client connection. Authenticates the client itself, then runs each command on a backend connection
 * borrowed from the pool for that command: the router picks the node (reads to a reader, everything else to
 * the writer), the connection's session state is brought in line with the client's, the command's frames are
 * relayed and every response frame streams back unchanged. When the response is complete the connection goes
 * back to the pool, unless the session holds state that lives on it (a transaction, locks, temporary tables,
 * user variables, an open cursor...): then the session keeps it until that state is gone.
 *
 * <p>Everything runs on the client channel's event loop; borrowed connections live on the same loop.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter implements ResponseSink {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    /** Frames a client may pipeline ahead of the running command before the session stops reading. */
    private static final int MAX_QUEUED_FRAMES = 1024;
    /** Longest prefix of a statement that is decoded for classification (the rest cannot change the route). */
    private static final int MAX_CLASSIFIED_BYTES = 1 << 20;
    /** ER_CONNECTION_KILLED: what a session that kills itself gets. */
    private static final int ER_CONNECTION_KILLED = 1927;
    private static final String CAUSAL_PREFIX = "SET STATEMENT wsrep_sync_wait=1 FOR ";
    private static final Map<String, String> CAUSAL_READ = Map.of("wsrep_sync_wait", "1");
    /** Pause between attempts to find a writer while a failover is under way. */
    private static final long FAILOVER_RETRY_MS = 25;
    /** ER_SECURE_TRANSPORT_REQUIRED: a plain client where proxy.tls.require_tls is set. */
    private static final int ER_SECURE_TRANSPORT_REQUIRED = 3159;
    private static final java.util.concurrent.atomic.AtomicLong lastTooManyLog =
        new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(2));

    private enum State { HANDSHAKE, AUTH_SWITCH, CONNECTING, READY, CHANGE_USER_SWITCH, CHANGING_USER, CLOSED }

    private final ProxyContext context;
    private final long connectionId;
    private final byte[] scramble = Scramble.generate();
    private final ArrayDeque<Packet> queued = new ArrayDeque<>();
    final SessionActivity activity = new SessionActivity(); // admin processlist

    private ChannelHandlerContext ctx;
    private PacketFramer framer;
    private ReadStallTimer readStall;
    private State state = State.HANDSHAKE;
    private ScheduledFuture<?> handshakeTimer;
    private String remote = "?";

    // Login.
    private long clientCapabilities;
    private HandshakeResponse41 handshake;
    private ChangeUser pendingChangeUser;
    private byte[] switchScramble;
    private volatile String username;
    private int characterSet;
    private BackendCredentials credentials;
    // Login security: connection slot, TLS, caching_sha2 exchange in progress, sequence id expected next.
    private ConnectionLimiter.Permit permit;
    private boolean unixSocket;
    private String clientIp = "?";
    private long serverCapabilities;
    private boolean tlsUpgraded;
    private CachingSha2ServerExchange sha2;
    private int authSeq = 1;

    // Session state the client expects, and what holds it.
    private SessionState expected;
    private boolean autocommit = true;
    private boolean inTransaction;
    private String pinReason;
    /** The connection kept between commands (transaction, pinned state, cursor, long data), or null. */
    private BackendConnection held;
    /**
     * The held connection whose last statement of this session left warnings: kept until the next command, so
     * that SHOW WARNINGS or @@warning_count asked next reads them there (other commands give it back first).
     */
    private BackendConnection warned;
    /** Counts the times {@link #warned} was set, so that a hold's expiry timer knows it is still its own hold. */
    private int warnedHolds;
    private final HashMap<BackendNode, PoolKey> keys = new HashMap<>();
    private final HashMap<Integer, ClientStatement> statements = new HashMap<>();
    private int nextStatementId = 1;
    /** Read-your-writes: writes done by this session, and per reader the write count it is known to have. */
    private long writeEpoch;
    private final HashMap<BackendNode, Long> syncedEpoch = new HashMap<>();

    // The command in progress.
    private BackendConnection current;
    private volatile BackendNode runningNode;
    private volatile long runningThread = -1;
    /** The statement timeout a query rule set for the running command (0: none), and its timer once armed. */
    private int cmdTimeoutMs;
    private ScheduledFuture<?> cmdTimer;
    private int cmdType = -1;
    private Classification cmdClass;
    private boolean cmdRead;
    private boolean cmdSessionOnly;
    private boolean cmdUsesLastInsertId;
    private boolean cmdCursor;
    private boolean cmdCausal;
    private long cmdEpoch;
    private BackendNode cmdNode;
    private BackendNode cmdForcedNode;
    private BackendNode cmdExcluded;
    private boolean cmdOnReader;
    private long cmdDeadlineNanos;
    private long cmdStartNanos;
    /** COM_SET_OPTION's option (0 = multi-statements on, 1 = off), or -1. */
    private int cmdOption = -1;
    /** The response to the command in progress ended with an ERR. */
    private boolean cmdErrored;
    /** The command in progress reads the warnings of the session's previous statement on their connection. */
    private boolean cmdReadsWarnings;
    private ClientStatement cmdStatement;
    private String prepareSql;
    private Classification prepareClass;
    private boolean prepareSeen;
    private Packet pendingFrame;
    private final ArrayDeque<Packet> pendingContinuations = new ArrayDeque<>();
    private final RetryFrame retryFrame = new RetryFrame();
    private boolean responseStarted;
    private boolean awaitingResponse;
    private boolean clientFrameContinues;
    private boolean uploadingInfile;
    private boolean infileFrameContinues;
    private long commandBytes;
    private int lastSequenceToClient;
    private long lastInsertIdSeen;

    // Relayed frames not yet written: adjacent frames of one backend read, written as one slice of that read's
    // buffer (one pipeline pass, outbound entry and iovec instead of one per frame). Bounded by one read.
    /** The run's first frame (retained; keeps the source's memory alive), or null when no run is pending. */
    private ByteBuf runFirst;
    /** The buffer the run's frames were sliced from, or null when the run cannot grow (a rewritten frame). */
    private ByteBuf runSource;
    private int runStart;
    private int runEnd;

    /** A session on a freshly accepted client channel. */
    public ClientSession(ProxyContext context) {
        this.context = context;
        this.connectionId = context.nextConnectionId();
    }

    /** The connection id announced to the client. */
    public long connectionId() {
        return connectionId;
    }

    /** The user logged in on this session (null before login). */
    String username() {
        return username;
    }

    // ---- Netty events ------------------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.framer = ctx.pipeline().get(PacketFramer.class);
        this.readStall = new ReadStallTimer(ctx.channel(), context.settings().netReadTimeoutMs(), this::owesClientBytes,
            this::readTimedOut);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        context.register(this);
        SocketAddress addr = ctx.channel().remoteAddress();
        remote = addr instanceof InetSocketAddress isa ? isa.getAddress().getHostAddress() + ":" + isa.getPort()
            : addr == null ? "unix-socket" : String.valueOf(addr);
        unixSocket = !(addr instanceof InetSocketAddress);
        clientIp = addr instanceof InetSocketAddress isa ? isa.getAddress().getHostAddress() : "unix-socket";
        ServerIdentity id = context.identity();
        ClientSecurity sec = context.security();
        permit = sec.limiter().tryAcquire();
        if (permit == null) {
            // Over proxy.max_connections: answer at once instead of the greeting, as MariaDB does.
            long now = System.nanoTime();
            long last = lastTooManyLog.get();
            if (now - last > TimeUnit.SECONDS.toNanos(1) && lastTooManyLog.compareAndSet(last, now)) {
                // At most once a second: a flood must not flood the log too.
                log.warn("conn={} client={} refused: too many connections ({}, proxy.max_connections)", connectionId,
                    remote, sec.limiter().openConnections());
            }
            clientCapabilities = id.capabilities();
            failAndClose(ErrorCode.ER_CON_COUNT_ERROR, "Too many connections", 0);
            return;
        }
        handshakeTimer = ctx.executor().schedule(this::handshakeTimedOut,
            context.settings().handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
        serverCapabilities = id.capabilities();
        if (sec.sslContext() != null && !unixSocket) {
            serverCapabilities |= Capabilities.CLIENT_SSL;
        }
        HandshakeV10 greeting = new HandshakeV10(id.version(), connectionId, scramble, serverCapabilities,
            id.characterSet(), ServerStatus.AUTOCOMMIT,
            sec.cachingSha2() ? CachingSha2Password.PLUGIN_NAME : NativePassword.PLUGIN_NAME);
        ctx.writeAndFlush(greeting.toFrame(ctx.alloc(), 0, serverCapabilities));
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
        readStall.afterRead();
        writeRun();
        if (current != null && current.isUsable()) {
            current.flush();
        }
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // A slow client: stop reading the backend rather than buffering the result in memory.
        if (current != null && current.isUsable()) {
            current.setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * net_read_timeout applies only while the client owes us the rest of a packet (ReadStallTimer also requires
     * that we read from it: a pause of our own is not the client stalling). Part of a pipelined command that waits
     * behind a response is not owed yet: MariaDB would not be reading it either (commandDone() restarts the clock).
     */
    private boolean owesClientBytes() {
        boolean midPacket = framer != null && framer.pendingBytes() > 0 && !awaitingResponse;
        return state == State.READY && (midPacket || clientFrameContinues || uploadingInfile);
    }

    private void readTimedOut() {
        if (owesClientBytes()) {
            log.info("conn={} client={} user={} timed out in the middle of a packet, closing", connectionId, remote, username);
            failAndClose(ErrorCode.ER_NET_READ_INTERRUPTED, "Got timeout reading communication packets", 1);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discardRun();
        context.unregister(this);
        closeSession();
        if (permit != null) {
            permit.close();
        }
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
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (tls != null && !tls.handshakeFuture().isDone()) {
                // Stuck in the TLS handshake: there is no channel to send an ERR on.
                closeSession();
                ctx.close();
                return;
            }
            failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", authSeq + 1);
        }
    }

    private void onHandshakeResponse(Packet frame) {
        if (frame.sequenceId() != authSeq || frame.hasContinuation()) {
            failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", authSeq + 1);
            return;
        }
        ClientSecurity sec = context.security();
        if (frame.payloadLength() == SslRequest.LENGTH) {
            SslRequest ssl = SslRequest.decode(frame.payload());
            if (Capabilities.has(ssl.capabilities(), Capabilities.CLIENT_SSL)) {
                if (sec.sslContext() == null || unixSocket) {
                    failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "TLS is not enabled on this listener", authSeq + 1);
                } else if (tlsUpgraded || ServerTlsUpgrade.isActive(ctx.channel())) {
                    failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", authSeq + 1);
                } else {
                    // The client's HandshakeResponse41 follows inside TLS, with sequence id 2, under the same timer.
                    tlsUpgraded = true;
                    authSeq = frame.sequenceId() + 1;
                    ServerTlsUpgrade.upgrade(ctx.channel(), sec.sslContext(), framer).addListener(f -> {
                        if (!f.isSuccess()) {
                            log.info("conn={} client={} TLS handshake failed: {}", connectionId, remote,
                                describe(f.cause()));
                            closeSession();
                        }
                    });
                }
                return;
            }
        }
        handshake = HandshakeResponse41.decode(frame.payload());
        clientCapabilities = handshake.capabilities() & serverCapabilities & ~Capabilities.CLIENT_SSL & 0xFFFFFFFFL;
        username = handshake.username();
        characterSet = handshake.characterSet();
        int replySeq = frame.sequenceId() + 1;
        if (sec.requireTls() && !tlsUpgraded && !unixSocket) {
            log.info("conn={} client={} user={} refused: proxy.tls.require_tls and the client did not use TLS",
                connectionId, remote, username);
            sendAndClose(new ErrPacket(ER_SECURE_TRANSPORT_REQUIRED, "HY000",
                "Connections using insecure transport are prohibited (proxy.tls.require_tls): connect with TLS"), replySeq);
            return;
        }
        if (sec.cachingSha2()) {
            sha2 = newSha2Exchange(username, scramble);
            onSha2Step(sha2.start(handshake.authPluginName(), handshake.authResponse()), frame.sequenceId(), false);
        } else if (ClientAuthenticator.canVerify(handshake.authPluginName(), handshake.authResponse())) {
            completeLogin(handshake.authResponse(), scramble, replySeq);
        } else {
            // e.g. a MySQL 8 client starting with caching_sha2_password: ask for mysql_native_password.
            state = State.AUTH_SWITCH;
            switchScramble = scramble;
            authSeq = replySeq + 1;
            ctx.writeAndFlush(new AuthSwitchRequest(NativePassword.PLUGIN_NAME, scramble)
                .toFrame(ctx.alloc(), replySeq, clientCapabilities));
        }
    }

    private void onAuthSwitchResponse(Packet frame) {
        if (frame.sequenceId() != authSeq) {
            failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", authSeq + 1);
            return;
        }
        if (sha2 != null) {
            onSha2Step(sha2.onPacket(frame.payload()), frame.sequenceId(), false);
            return;
        }
        completeLogin(ByteBufUtil.getBytes(frame.payload()), switchScramble, frame.sequenceId() + 1);
    }

    /**
     * What a caching_sha2 backend needs for {@code user}: the configured clear password's secrets, else the
     * SHA256(password) the client's proof revealed (enough for the backend's fast path).
     */
    private CachingSha2ClientExchange.Secrets backendSha2(String user, CachingSha2ServerExchange.Verified v) {
        UserAccount account = context.users().find(user);
        if (account != null && account.backendSha2() != null) {
            return account.backendSha2();
        }
        return v.sha2Stage1() == null ? null : new CachingSha2ClientExchange.Secrets(v.sha2Stage1(), null);
    }

    /** A caching_sha2_password exchange for {@code user} against {@code challenge}. */
    private CachingSha2ServerExchange newSha2Exchange(String user, byte[] challenge) {
        ClientSecurity sec = context.security();
        UserAccount account = context.users().find(user);
        CachingSha2ServerExchange.Account acct = null;
        if (account != null) {
            Sha2FastAuthEntry fast = sec.fastAuthCache().get(user);
            acct = new CachingSha2ServerExchange.Account(account.stage2(), fast != null ? fast : account.sha2FastAuth());
        }
        return new CachingSha2ServerExchange(challenge, acct, tlsUpgraded || unixSocket, sec.rsaKeys());
    }

    /** Sends a caching_sha2 step's replies after the client's packet {@code clientSeq} and acts on its outcome. */
    private void onSha2Step(CachingSha2ServerExchange.Step step, int clientSeq, boolean changeUser) {
        int seq = clientSeq + 1;
        for (WireMessage reply : step.replies()) {
            ctx.write(reply.toFrame(ctx.alloc(), seq & 0xFF, clientCapabilities));
            seq++;
        }
        ctx.flush();
        String user = changeUser ? pendingChangeUser.username() : username;
        switch (step.outcome()) {
            case CONTINUE -> {
                state = changeUser ? State.CHANGE_USER_SWITCH : State.AUTH_SWITCH;
                authSeq = seq & 0xFF;
                ctx.channel().config().setAutoRead(true);
            }
            case VERIFIED -> {
                sha2 = null;
                CachingSha2ServerExchange.Verified v = step.verified();
                if (v.newFastAuth() != null) {
                    context.security().fastAuthCache().put(user, v.newFastAuth());
                }
                BackendCredentials creds = new BackendCredentials(user, v.nativeStage1(), backendSha2(user, v));
                if (changeUser) {
                    changeUserVerified(creds, seq);
                } else {
                    loginVerified(creds, seq);
                }
            }
            case DENIED -> {
                sha2 = null;
                loginDenied(user, step.reason(), true, seq, changeUser);
            }
        }
    }

    private void completeLogin(byte[] token, byte[] usedScramble, int replySeq) {
        UserAccount account = context.users().find(username);
        BackendCredentials verified = ClientAuthenticator.verify(account, token, usedScramble);
        if (verified == null) {
            loginDenied(username, account == null ? "unknown user" : "wrong password", token.length > 0, replySeq, false);
            return;
        }
        loginVerified(verified, replySeq);
    }

    /**
     * A failed login or change of user: ERR 1045 and close, held back by the login throttle when this address
     * failed repeatedly. Logged once, with user and address (never the password).
     */
    private void loginDenied(String user, String reason, boolean usingPassword, int replySeq, boolean changeUser) {
        log.info("conn={} client={} {} user={} failed: {}", connectionId, remote, changeUser ? "change of user to" : "login for",
            user, reason);
        afterThrottle(false, () -> failAndClose(ErrorCode.ER_ACCESS_DENIED_ERROR, accessDenied(user, usingPassword), replySeq));
    }

    /** The client proved its password: take the user's connection slot, then open the session. */
    private void loginVerified(BackendCredentials verified, int replySeq) {
        afterThrottle(true, () -> {
            if (!bindUser(username, replySeq)) {
                return;
            }
            cancelHandshakeTimer();
            UserAccount account = context.users().find(username);
            String db = handshake.database();
            if ((db == null || db.isEmpty()) && account != null && account.defaultSchema() != null) {
                db = account.defaultSchema();
            }
            credentials = verified;
            expected = new SessionState(db == null || db.isEmpty() ? null : db);
            state = State.CONNECTING;
            openSession(replySeq, false);
            if (state == State.CONNECTING) {
                // The check needs a new connection or a round trip: read nothing meanwhile. A pooled connection
                // in line with the session opened it above, sparing the pause and resume (two epoll_ctl calls).
                ctx.channel().config().setAutoRead(false);
            }
        });
    }

    /** Counts the session against {@code user}'s max_connections; on refusal answers ERR 1226 and closes. */
    private boolean bindUser(String user, int replySeq) {
        if (permit.tryBindUser(user) == ConnectionLimiter.Refusal.USER) {
            int limit = context.security().limiter().limitOf(user);
            log.info("conn={} client={} user={} refused: max_connections ({}) reached", connectionId, remote, user, limit);
            failAndClose(ErrorCode.ER_USER_LIMIT_REACHED, "User '" + user
                + "' has exceeded the 'max_user_connections' resource (current value: " + limit + ")", replySeq);
            return false;
        }
        return true;
    }

    /**
     * Runs {@code answer} once the login throttle's delay for this client address has passed (successes are
     * delayed too, so timing reveals nothing), then records the verdict. The unix socket is never throttled.
     */
    private void afterThrottle(boolean success, Runnable answer) {
        LoginThrottle throttle = context.security().throttle();
        if (throttle == null || unixSocket) {
            answer.run();
            return;
        }
        Runnable record = () -> {
            if (success) {
                throttle.recordSuccess(clientIp);
            } else {
                throttle.recordFailure(clientIp);
            }
        };
        long delayMs = throttle.delayFor(clientIp).toMillis();
        if (delayMs <= 0) {
            record.run();
            answer.run();
            return;
        }
        // Read nothing meanwhile; CONNECTING keeps the handshake timer from firing and queues stray frames.
        State before = state;
        state = before == State.CHANGE_USER_SWITCH || before == State.READY ? State.CHANGING_USER : State.CONNECTING;
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> {
            if (state == State.CLOSED || !ctx.channel().isActive()) {
                return;
            }
            record.run();
            answer.run();
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Finishes a login or change of user: borrows a connection once to check that the user can log in to the
     * nodes and that the schema exists (the server's own error goes to the client otherwise), then answers OK.
     */
    private void openSession(int replySeq, boolean changeUser) {
        BackendNode node = readNode(null);
        if (node == null) {
            node = context.topology().writer().orElse(null);
        }
        if (node == null) {
            failAndClose(ErrorCode.BACKEND_UNREACHABLE, "No database node is available (" + context.topology().reason() + ")",
                replySeq);
            return;
        }
        BackendNode target = node;
        context.pool().borrow(key(target), ctx.channel().eventLoop()).addListener((Future<BackendConnection> f) -> {
            if (!f.isSuccess()) {
                failOpen(f.cause(), target, replySeq);
                return;
            }
            BackendConnection conn = f.getNow();
            if (state == State.CLOSED || !ctx.channel().isActive()) {
                context.pool().release(conn);
                return;
            }
            context.identity().learn(conn.greeting());
            Future<Void> sync = SessionSync.syncIfNeeded(conn, expected, null, false, syncTimeoutMs());
            if (sync == null) {
                sessionOpened(conn, replySeq, changeUser);
            } else {
                sync.addListener((Future<Void> s) -> {
                    if (s.isSuccess()) {
                        sessionOpened(conn, replySeq, changeUser);
                    } else {
                        conn.markDirty();
                        context.pool().release(conn);
                        failOpen(s.cause(), target, replySeq);
                    }
                });
            }
        });
    }

    private void sessionOpened(BackendConnection conn, int replySeq, boolean changeUser) {
        context.pool().release(conn);
        if (state == State.CLOSED) {
            return;
        }
        state = State.READY;
        log.debug("conn={} client={} user={} {}", connectionId, remote, username, changeUser ? "changed user" : "logged in");
        writeRun();
        ctx.writeAndFlush(OkPacket.of(statusFlags()).toFrame(ctx.alloc(), replySeq, clientCapabilities));
        awaitingResponse = false;
        drainQueue();
        updateClientAutoRead();
    }

    private void failOpen(Throwable cause, BackendNode node, int replySeq) {
        ErrPacket server = serverError(cause);
        if (server != null) {
            log.info("conn={} client={} user={} refused by {}: {} {}", connectionId, remote, username, node.name(),
                server.errorCode(), server.message());
            sendAndClose(server, replySeq);
            return;
        }
        if (cause instanceof PoolExhaustedException) {
            failAndClose(ErrorCode.BACKEND_BUSY, cause.getMessage(), replySeq);
            return;
        }
        log.warn("conn={} client={} user={} cannot reach {}: {}", connectionId, remote, username, node.name(),
            cause.getMessage());
        reportFailure(node, cause);
        failAndClose(ErrorCode.BACKEND_UNREACHABLE, "Lintas cannot reach database node '" + node.name() + "' ("
            + node.address() + "): " + cause.getMessage(), replySeq);
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
            if (pendingFrame != null || current == null) {
                pendingContinuations.add(frame); // the connection is still being acquired
            } else {
                current.write(frame);
            }
            if (!clientFrameContinues && !awaitingResponse && pendingFrame == null) {
                requestSent();
                commandDone();
            }
            return;
        }
        if (uploadingInfile) {
            // LOAD DATA LOCAL INFILE: the client streams the file; an empty frame ends it.
            boolean end = frame.payloadLength() == 0 && !infileFrameContinues;
            infileFrameContinues = frame.hasContinuation();
            lastSequenceToClient = frame.sequenceId();
            current.write(frame);
            if (end) {
                uploadingInfile = false;
                current.flush();
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
        commandBytes = frame.payloadLength();
        if (exceedsMaxPacket(frame)) {
            return;
        }
        resetCommand(command);
        activity.started(command, expected.schema(), cmdStartNanos);
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
            case Command.COM_PING -> {
                ReferenceCountUtil.release(frame);
                writeRun();
                ctx.writeAndFlush(OkPacket.of(statusFlags()).toFrame(ctx.alloc(), 1, clientCapabilities));
            }
            case Command.COM_CHANGE_USER -> {
                try {
                    startChangeUser(frame);
                } finally {
                    ReferenceCountUtil.release(frame);
                }
            }
            case Command.COM_RESET_CONNECTION -> {
                ReferenceCountUtil.release(frame);
                resetSession();
                writeRun();
                ctx.writeAndFlush(OkPacket.of(statusFlags()).toFrame(ctx.alloc(), 1, clientCapabilities));
            }
            case Command.COM_BINLOG_DUMP, Command.COM_BINLOG_DUMP_GTID, Command.COM_REGISTER_SLAVE,
                 Command.COM_TABLE_DUMP, Command.COM_CONNECT_OUT, Command.COM_DAEMON, Command.COM_CONNECT,
                 Command.COM_TIME, Command.COM_DELAYED_INSERT, Command.COM_SLEEP -> {
                ReferenceCountUtil.release(frame);
                sendError(ErrPacket.of(ErrorCode.ER_UNKNOWN_COM_ERROR, "Unknown command "
                    + Command.name(command) + " (not relayed by Lintas)"), 1);
            }
            case Command.COM_QUERY -> startQuery(frame);
            case Command.COM_PROCESS_KILL -> {
                long id = frame.payloadLength() >= 5 ? frame.payload().getUnsignedIntLE(1) : -1;
                ReferenceCountUtil.release(frame);
                kill(new KillStatement(null, KillStatement.Target.CONNECTION, id));
            }
            case Command.COM_STMT_PREPARE -> startPrepare(frame);
            case Command.COM_STMT_EXECUTE -> startExecute(frame);
            case Command.COM_STMT_SEND_LONG_DATA -> startLongData(frame);
            case Command.COM_STMT_FETCH -> startFetch(frame);
            case Command.COM_STMT_RESET -> startStatementReset(frame);
            case Command.COM_STMT_CLOSE -> closeStatement(frame);
            case Command.COM_INIT_DB, Command.COM_FIELD_LIST, Command.COM_STATISTICS, Command.COM_PROCESS_INFO -> {
                cmdRead = true;
                dispatch(frame);
            }
            case Command.COM_SET_OPTION -> {
                cmdOption = frame.payloadLength() >= 3 ? frame.payload().getUnsignedShortLE(1) : -1;
                cmdRead = true; // any node answers it; only the session's pool key changes
                dispatch(frame);
            }
            default -> dispatch(frame); // COM_DEBUG, COM_REFRESH, ...: the writer answers
        }
    }

    private void resetCommand(int command) {
        cmdType = command;
        cmdClass = null;
        cmdRead = false;
        cmdSessionOnly = false;
        cmdUsesLastInsertId = false;
        cmdCursor = false;
        cmdCausal = false;
        cmdNode = null;
        cmdForcedNode = null;
        cmdExcluded = null;
        cmdOnReader = false;
        cmdStatement = null;
        prepareSql = null;
        prepareClass = null;
        prepareSeen = false;
        responseStarted = false;
        lastInsertIdSeen = 0;
        cmdOption = -1;
        cmdErrored = false;
        cmdReadsWarnings = false;
        cancelStatementTimer(); // a timer left by a command that ended on an error path
        cmdTimeoutMs = 0;
        cmdStartNanos = System.nanoTime();
        cmdDeadlineNanos = cmdStartNanos + TimeUnit.MILLISECONDS.toNanos(context.routing().failoverWaitMs());
    }

    private void startQuery(Packet frame) {
        String sql = text(frame);
        activity.query(sql);
        if (mayStartWithKill(sql)) {
            KillStatement kill = KillStatement.parse(sql).orElse(null);
            if (kill != null && (kill.target() == KillStatement.Target.CONNECTION
                || kill.target() == KillStatement.Target.QUERY)) {
                ReferenceCountUtil.release(frame);
                kill(kill);
                return;
            }
        }
        Classification c = context.classifier().classify(sql);
        QueryRuleSet rules = context.rules();
        if (!rules.isEmpty()) {
            RuleOutcome outcome = rules.evaluate(username, expected.schema(), sql, c.digestText());
            if (outcome.errorMessage() != null) {
                ReferenceCountUtil.release(frame);
                sendError(ErrPacket.of(ErrorCode.ER_NOT_ALLOWED_COMMAND, outcome.errorMessage()), 1);
                return;
            }
            if (outcome.rewrittenQuery() != null && !frame.hasContinuation()) {
                sql = outcome.rewrittenQuery();
                frame = queryFrame(frame, sql);
                c = context.classifier().classify(sql);
            }
            classify(c);
            if (outcome.timeoutMs() != null) {
                cmdTimeoutMs = outcome.timeoutMs();
            }
            Integer hg = outcome.destinationHostgroup();
            if (hg != null && (held == null || held == warned)) {
                // The operator's rule decides, unless the session's state ties it to its connection.
                cmdRead = hg == context.routing().readerHostgroup() && autocommit;
            }
        } else {
            classify(c);
        }
        if (c.has(Effect.SESSION_VARIABLE) && !frame.hasContinuation()) {
            // MariaDB does not report SET @@var=... (no scope) to the session tracker; @@session.var it does.
            String scoped = SetScope.scopeAssignments(sql);
            if (scoped != null) {
                frame = queryFrame(frame, scoped);
            }
        }
        dispatch(frame);
    }

    /** A COM_QUERY frame with {@code sql}; releases {@code original}. */
    private Packet queryFrame(Packet original, String sql) {
        original.release();
        return queryFrame(sql);
    }

    /** A new COM_QUERY frame (sequence 0) carrying {@code sql}. */
    private Packet queryFrame(String sql) {
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = PacketWriter.begin(ctx.alloc(), 1 + bytes.length);
        out.writeByte(Command.COM_QUERY).writeBytes(bytes);
        return new Packet(PacketWriter.finish(out, 0));
    }

    /** Sets the command's route and session effects from its classification. */
    private void classify(Classification c) {
        cmdClass = c;
        cmdUsesLastInsertId = usesLastInsertId(c.digestText());
        boolean readOnlyTransaction = c.has(Effect.BEGIN_READ_ONLY_TRANSACTION);
        cmdRead = autocommit && (c.isRead() || readOnlyTransaction);
        cmdSessionOnly = c.has(Effect.SESSION_VARIABLE) || c.has(Effect.USE_SCHEMA);
    }

    private void startPrepare(Packet frame) {
        String sql = text(frame);
        Classification c = context.classifier().classify(sql);
        prepareSql = sql;
        prepareClass = c;
        cmdClass = c;
        cmdRead = autocommit && c.isRead();
        dispatch(frame);
    }

    private void startExecute(Packet frame) {
        ClientStatement stmt = statement(frame, "mysqld_stmt_execute");
        if (stmt == null) {
            return;
        }
        cmdStatement = stmt;
        cmdClass = stmt.classification;
        cmdUsesLastInsertId = stmt.usesLastInsertId;
        cmdRead = autocommit && stmt.classification.isRead() && !stmt.longDataPending;
        cmdCursor = frame.payloadLength() > 5 && (frame.payload().getUnsignedByte(5) & Command.CURSOR_TYPE_READ_ONLY) != 0;
        byte[] types = ExecutePacket.boundTypes(frame, stmt.parameters);
        if (types != null) {
            stmt.parameterTypes = types;
        }
        dispatch(frame);
    }

    private void startLongData(Packet frame) {
        ClientStatement stmt = statement(frame, null);
        if (stmt == null) {
            return; // no answer to COM_STMT_SEND_LONG_DATA; the execute reports the unknown statement
        }
        cmdStatement = stmt;
        cmdClass = stmt.classification;
        stmt.longDataPending = true;
        dispatch(frame);
    }

    private void startFetch(Packet frame) {
        ClientStatement stmt = statement(frame, "mysqld_stmt_fetch");
        if (stmt == null) {
            return;
        }
        if (!stmt.cursorOpen || held == null) {
            ReferenceCountUtil.release(frame);
            sendError(new ErrPacket(1421, "HY000", "The statement (" + stmt.id + ") has no open cursor"), 1);
            return;
        }
        cmdStatement = stmt;
        dispatch(frame);
    }

    private void startStatementReset(Packet frame) {
        ClientStatement stmt = statement(frame, "mysqld_stmt_reset");
        if (stmt == null) {
            return;
        }
        if (held == null || !stmt.needsConnection()) {
            // Nothing of this statement lives on a connection: nothing to reset.
            ReferenceCountUtil.release(frame);
            writeRun();
            ctx.writeAndFlush(OkPacket.of(statusFlags()).toFrame(ctx.alloc(), 1, clientCapabilities));
            return;
        }
        cmdStatement = stmt;
        dispatch(frame);
    }

    private void closeStatement(Packet frame) {
        int id = ExecutePacket.statementId(frame);
        ReferenceCountUtil.release(frame);
        ClientStatement stmt = statements.remove(id);
        if (stmt != null && stmt.needsConnection() && held != null) {
            // Its cursor or long data lives on the held connection: close it there.
            StatementCache.BackendStatement bs = held.statements().remove(stmt.key());
            if (bs != null) {
                held.closeStatement(bs.id());
                held.flush();
            }
            stmt.cursorOpen = false;
            stmt.longDataPending = false;
            releaseHeldIfFree();
        }
    }

    /** The statement a statement command names, or null after answering ERR 1243 (when {@code what} is set). */
    private ClientStatement statement(Packet frame, String what) {
        int id = ExecutePacket.statementId(frame);
        ClientStatement stmt = statements.get(id);
        if (stmt == null) {
            ReferenceCountUtil.release(frame);
            if (what != null) {
                sendError(ErrPacket.of(ErrorCode.ER_UNKNOWN_STMT_HANDLER, "Unknown prepared statement handler ("
                    + Integer.toUnsignedString(id) + ") given to " + what), 1);
            }
        }
        return stmt;
    }

    // ---- running a command on a backend ------------------------------------------------------------------

    private void dispatch(Packet frame) {
        if (warned != null) {
            BackendConnection w = warned;
            warned = null;
            if (held == w && asksForWarnings()) {
                cmdReadsWarnings = true; // reading them clears nothing: the next command may ask again
            } else if (held == w && !mustHold(w)) {
                held = null;
                releaseToPool(w);
            }
        }
        awaitingResponse = ResponseTracker.expectsResponse(cmdType);
        clientFrameContinues = frame.hasContinuation();
        // Until the server answers, an error we make up must follow the client's last frame.
        lastSequenceToClient = frame.sequenceId();
        pendingFrame = frame;
        acquire();
        // After acquire(): a connection lent at once sends the command before we look, and reading then never
        // pauses; one still on its way pauses it (the next command must not overtake this one).
        updateClientAutoRead();
    }

    /** Finds the connection for the pending command: the held one, or one borrowed for the routed node. */
    private void acquire() {
        if (state != State.READY) {
            return;
        }
        if (held != null) {
            onConnection(held);
            return;
        }
        BackendNode node = chooseNode();
        if (node == null) {
            if (System.nanoTime() < cmdDeadlineNanos && !context.outageOutlastsFailoverWait(cmdRead)) {
                // No node for this right now (the monitor is moving writes, or the cluster is re-forming):
                // nothing was sent yet, so wait for the next topology. An outage that has lasted longer than
                // that wait (no Primary component) fails at once instead.
                cmdExcluded = null;
                ctx.executor().schedule(this::acquire, FAILOVER_RETRY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            commandFailed(ErrPacket.of(ErrorCode.BACKEND_UNREACHABLE, cmdRead
                ? "No database node can serve reads (" + describeTopology() + ")"
                : "No database node can take writes (" + describeTopology() + ")"));
            return;
        }
        cmdNode = node;
        Topology t = context.topology();
        cmdOnReader = cmdRead && !node.equals(t.writer().orElse(null));
        cmdCausal = cmdOnReader && context.routing().consistency() == LintasConfig.Consistency.READ_YOUR_WRITES
            && writeEpoch > syncedEpoch.getOrDefault(node, 0L);
        cmdEpoch = writeEpoch;
        Future<BackendConnection> f = context.pool().borrow(key(node), ctx.channel().eventLoop());
        if (f.isDone()) {
            onBorrowed(f, node);
        } else {
            f.addListener((Future<BackendConnection> done) -> onBorrowed(done, node));
        }
    }

    private BackendNode chooseNode() {
        if (cmdForcedNode != null) {
            return cmdForcedNode;
        }
        Topology t = context.topology();
        if (cmdRead) {
            BackendNode reader = readNode(cmdExcluded);
            if (reader != null) {
                return reader;
            }
            if (!context.routing().readsFallBackToWriter()) {
                return null;
            }
        }
        BackendNode writer = t.writer().orElse(null);
        return writer != null && !writer.equals(cmdRead ? null : cmdExcluded) ? writer : null;
    }

    /** A reader for a new read (ONLINE, not {@code excluded}), chosen by the balancer, or null. */
    private BackendNode readNode(BackendNode excluded) {
        Topology t = context.topology();
        List<BackendNode> readers = t.readers();
        List<BackendNode> usable = readers;
        for (int i = 0; i < readers.size(); i++) {
            BackendNode n = readers.get(i);
            if (t.stateOf(n) != NodeState.ONLINE || n.equals(excluded)) {
                // Rare: copy only when something must be left out.
                usable = new ArrayList<>(readers.size());
                for (BackendNode r : readers) {
                    if (t.stateOf(r) == NodeState.ONLINE && !r.equals(excluded)) {
                        usable.add(r);
                    }
                }
                break;
            }
        }
        return context.balancer().choose(usable);
    }

    private void onBorrowed(Future<BackendConnection> f, BackendNode node) {
        if (!f.isSuccess()) {
            acquireFailed(node, f.cause());
            return;
        }
        BackendConnection conn = f.getNow();
        if (state == State.CLOSED || pendingFrame == null) {
            context.pool().release(conn);
            return;
        }
        if (!conn.tracksSessionState()) {
            // Without session tracking the session's state cannot follow it to another connection.
            pin("session state tracking is off (pool.track_session_state)");
        }
        onConnection(conn);
    }

    private void onConnection(BackendConnection conn) {
        current = conn;
        runningNode = conn.node();
        runningThread = conn.serverThreadId();
        if (cmdTimeoutMs > 0 && cmdTimer == null) {
            // The clock runs from the first send; a read retried on another node keeps it.
            cmdTimer = ctx.executor().schedule(this::statementTimedOut, cmdTimeoutMs, TimeUnit.MILLISECONDS);
        }
        Map<String, String> extra = cmdCausal && !prefixable() ? CAUSAL_READ : null;
        Future<Void> sync = SessionSync.syncIfNeeded(conn, expected, extra, cmdUsesLastInsertId, syncTimeoutMs());
        if (sync == null) {
            afterSync(conn);
        } else {
            sync.addListener((Future<Void> s) -> {
                if (state == State.CLOSED || current != conn) {
                    return;
                }
                if (s.isSuccess()) {
                    afterSync(conn);
                } else {
                    syncFailed(conn, s.cause());
                }
            });
        }
    }

    private void afterSync(BackendConnection conn) {
        ClientStatement stmt = cmdStatement;
        if (stmt == null || cmdType == Command.COM_STMT_PREPARE) {
            send(conn, null);
            return;
        }
        String cacheKey = stmt.key();
        StatementCache.BackendStatement bs = conn.statements().get(cacheKey);
        if (bs != null) {
            send(conn, bs);
            return;
        }
        // First use of this statement on this connection: prepare it here, keeping the client's metadata.
        String home = stmt.schema;
        String now = conn.sessionState().schema();
        if (home == null || now == null || home.equals(now)) {
            prepareThenSend(conn, stmt, cacheKey, null);
            return;
        }
        // The session has moved to another schema since it prepared the statement: MariaDB resolves the
        // statement's unqualified names in the schema it was prepared in, so prepare it there.
        conn.initDb(home, syncTimeoutMs()).addListener((Future<OkPacket> f) -> {
            if (state == State.CLOSED || current != conn) {
                return;
            }
            if (f.isSuccess()) {
                conn.sessionState().setSchema(home);
                prepareThenSend(conn, stmt, cacheKey, now);
            } else {
                syncFailed(conn, f.cause());
            }
        });
    }

    /** Prepares {@code stmt} on {@code conn}, goes back to schema {@code back} when set, then sends the command. */
    private void prepareThenSend(BackendConnection conn, ClientStatement stmt, String cacheKey, String back) {
        conn.prepareInternal(stmt.sql, cacheKey, context.backend().maxPreparedStatements(), syncTimeoutMs())
            .addListener((Future<StatementCache.BackendStatement> p) -> {
                if (state == State.CLOSED || current != conn) {
                    return;
                }
                if (!p.isSuccess()) {
                    syncFailed(conn, p.cause());
                } else if (back == null) {
                    send(conn, p.getNow());
                } else {
                    conn.initDb(back, syncTimeoutMs()).addListener((Future<OkPacket> f) -> {
                        if (state == State.CLOSED || current != conn) {
                            return;
                        }
                        if (f.isSuccess()) {
                            conn.sessionState().setSchema(back);
                            send(conn, p.getNow());
                        } else {
                            syncFailed(conn, f.cause());
                        }
                    });
                }
            });
    }

    private void send(BackendConnection conn, StatementCache.BackendStatement bs) {
        Packet frame = pendingFrame;
        pendingFrame = null;
        if (cmdRead && conn != held && cmdType == Command.COM_STMT_EXECUTE && !cmdCursor && !clientFrameContinues
            && !retryFrame.isHeld()) {
            // A prepared read may run again elsewhere too; the id is rewritten in place, so the retry
            // puts the client's id back (see onBackendLost).
            retryFrame.keep(frame);
        }
        if (bs != null) {
            ExecutePacket.setStatementId(frame, bs.id());
            if (cmdType == Command.COM_STMT_EXECUTE && cmdStatement.parameters > 0) {
                if (ExecutePacket.boundFlagOffset(frame, cmdStatement.parameters) >= 0 && !ExecutePacket.typesOmitted(frame, cmdStatement.parameters)) {
                    bs.bindTypes(cmdStatement.parameterTypes);
                } else if (cmdStatement.parameterTypes != null && ExecutePacket.typesOmitted(frame, cmdStatement.parameters)
                    && !Arrays.equals(bs.boundTypes(), cmdStatement.parameterTypes)) {
                    // This connection never saw the types the client last sent (on another one), or it holds types
                    // an earlier execute (this session's or another's) bound: the server would decode with those.
                    frame = ExecutePacket.withTypes(ctx.alloc(), frame, cmdStatement.parameters, cmdStatement.parameterTypes);
                    bs.bindTypes(cmdStatement.parameterTypes);
                }
            }
            if (cmdType == Command.COM_STMT_SEND_LONG_DATA) {
                bs.setInUse(true);
                holdConnection(conn);
            }
        }
        if (cmdRead && conn != held && cmdType == Command.COM_QUERY && !clientFrameContinues && !retryFrame.isHeld()) {
            // A read that fails before any answer may run again on another node (as the client sent it).
            retryFrame.keep(frame);
        }
        if (cmdCausal && prefixable()) {
            frame = withCausalPrefix(frame);
        }
        if (cmdOnReader) {
            context.balancer().started(conn.node());
        }
        if (!ctx.channel().isWritable()) {
            conn.setAutoRead(false);
        }
        conn.startCommand(cmdType, cmdCursor, this);
        conn.write(frame);
        Packet p;
        while ((p = pendingContinuations.poll()) != null) {
            conn.write(p);
        }
        conn.flush();
        if (!awaitingResponse && !clientFrameContinues) {
            requestSent();
            commandDone();
        }
        updateClientAutoRead();
    }

    /** A command the server does not answer (COM_STMT_SEND_LONG_DATA) was sent whole: keep or return its connection. */
    private void requestSent() {
        BackendConnection conn = current;
        if (conn != null) {
            commandFinishedOn(conn);
        }
    }

    /**
     * A query rule's timeout expired with the statement still running: interrupt it on its node (KILL QUERY from
     * a pooled connection); the client gets the node's answer, ERR 1317 "Query execution was interrupted".
     */
    private void statementTimedOut() {
        cmdTimer = null;
        BackendNode node = runningNode;
        if (interruptRunningStatement()) {
            log.info("conn={} client={} user={} statement ran over its query rule timeout of {} ms on {}, interrupting it",
                connectionId, remote, username, cmdTimeoutMs, node.name());
        }
    }

    private void cancelStatementTimer() {
        ScheduledFuture<?> t = cmdTimer;
        if (t != null) {
            cmdTimer = null;
            t.cancel(false);
        }
    }

    /** The command on {@code conn} is over: keep the connection if the session's state needs it, else return it. */
    private void commandFinishedOn(BackendConnection conn) {
        cancelStatementTimer();
        current = null;
        runningNode = null;
        runningThread = -1;
        if (mustHold(conn)) {
            holdConnection(conn);
        } else if (conn.isUsable() && (cmdReadsWarnings
            || conn.warnings() > 0 && (cmdType == Command.COM_QUERY || cmdType == Command.COM_STMT_EXECUTE))) {
            // MariaDB lists a statement's warnings on its own connection only, until the next statement.
            warned = conn;
            holdConnection(conn);
            expireWarningsHold(conn);
        } else {
            if (held == conn) {
                held = null;
            }
            releaseToPool(conn);
        }
    }

    private boolean prefixable() {
        return cmdType == Command.COM_QUERY && cmdClass != null && "SELECT".equals(cmdClass.statementType())
            && !clientFrameContinues;
    }

    private Packet withCausalPrefix(Packet frame) {
        ByteBuf p = frame.payload();
        int sqlLength = frame.payloadLength() - 1;
        ByteBuf out = PacketWriter.begin(ctx.alloc(), 1 + CAUSAL_PREFIX.length() + sqlLength);
        out.writeByte(Command.COM_QUERY);
        out.writeCharSequence(CAUSAL_PREFIX, StandardCharsets.US_ASCII);
        out.writeBytes(p, p.readerIndex() + 1, sqlLength);
        Packet rebuilt = new Packet(PacketWriter.finish(out, 0));
        frame.release();
        return rebuilt;
    }

    private void acquireFailed(BackendNode node, Throwable cause) {
        if (state == State.CLOSED || pendingFrame == null) {
            return;
        }
        ErrPacket server = serverError(cause);
        if (server != null) {
            commandFailed(server);
            return;
        }
        if (cause instanceof PoolExhaustedException) {
            commandFailed(ErrPacket.of(ErrorCode.BACKEND_BUSY, cause.getMessage()));
            return;
        }
        reportFailure(node, cause);
        if (cmdForcedNode == null && System.nanoTime() < cmdDeadlineNanos) {
            // Nothing was sent: a read tries another node at once; a write waits for the monitor to move the writer.
            boolean first = cmdExcluded == null;
            cmdExcluded = node;
            if (cmdRead && first) {
                acquire();
            } else {
                ctx.executor().schedule(this::acquire, FAILOVER_RETRY_MS, TimeUnit.MILLISECONDS);
            }
            return;
        }
        commandFailed(ErrPacket.of(ErrorCode.BACKEND_UNREACHABLE, "Lintas cannot reach database node '" + node.name()
            + "' (" + node.address() + "): " + cause.getMessage()));
    }

    private void syncFailed(BackendConnection conn, Throwable cause) {
        log.info("conn={} user={} cannot bring {} thread {} in line with the session: {}", connectionId, username,
            conn.node().name(), conn.serverThreadId(), cause.getMessage());
        conn.markDirty();
        ErrPacket server = serverError(cause);
        boolean wasHeld = conn == held;
        current = null;
        runningNode = null;
        if (!wasHeld) {
            releaseToPool(conn);
        }
        commandFailed(server != null ? server : ErrPacket.of(ErrorCode.ER_NET_READ_ERROR,
            "Lost connection to database node '" + conn.node().name() + "' while restoring the session: " + cause.getMessage()));
    }

    /** The pending command cannot run: answer the client with {@code err} (if it expects an answer). */
    private void commandFailed(ErrPacket err) {
        if (pendingFrame != null) {
            pendingFrame.release();
            pendingFrame = null;
        }
        Packet p;
        while ((p = pendingContinuations.poll()) != null) {
            p.release();
        }
        releaseRetryFrame();
        if (cmdStatement != null && cmdType == Command.COM_STMT_SEND_LONG_DATA) {
            cmdStatement.longDataPending = false;
        }
        if (clientFrameContinues) {
            // The rest of the client's packet is still coming; we cannot answer in the middle of it.
            sendAndClose(err, lastSequenceToClient + 1);
            return;
        }
        if (awaitingResponse) {
            sendError(err, lastSequenceToClient + 1);
        }
        commandDone();
    }

    // ---- responses ---------------------------------------------------------------------------------------

    @Override
    public void onSessionStateChanges(List<SessionStateChange> changes) {
        BackendConnection conn = current;
        for (SessionStateChange c : changes) {
            if (c instanceof SessionStateChange.SystemVariable v && v.name().startsWith("session_track")) {
                if (SessionTracking.isSetUp(v.name(), v.value())) {
                    continue; // the client's assignment, rewritten to Lintas's own value (SetScope)
                }
                // The client turned tracking off or changed it: the state can no longer be followed.
                pin("the session changed " + v.name());
                if (conn != null) {
                    conn.markDirty();
                }
                continue;
            }
            if (c instanceof SessionStateChange.SystemVariable v) {
                expected.setVariable(v.name(), v.value());
                if (conn != null) {
                    conn.sessionState().setVariable(v.name(), v.value());
                }
            } else if (c instanceof SessionStateChange.Schema s) {
                String schema = s.name() == null || s.name().isEmpty() ? null : s.name();
                expected.setSchema(schema);
                if (conn != null) {
                    conn.sessionState().setSchema(schema);
                }
            } else if (c instanceof SessionStateChange.StateChange sc && sc.changed() && stateChangeUnexplained()) {
                // Beyond the variables and schema it lists, the session changed state that lives on this
                // connection only: a procedure that set a user variable or created a temporary table, say.
                pin("the server reported a session state change of " + (cmdClass == null ? Command.name(cmdType)
                    : cmdClass.statementType()));
            }
        }
    }

    @Override
    public void onResponseFrame(Packet frame, ResponseTracker.Event event) {
        if (!responseStarted) {
            responseStarted = true;
            releaseRetryFrame();
            if (cmdType == Command.COM_STMT_PREPARE && frame.firstByte() == OkPacket.HEADER) {
                preparedOnBackend(frame);
            }
        }
        lastSequenceToClient = frame.sequenceId();
        if (event == ResponseTracker.Event.COMPLETE) {
            cmdErrored = frame.firstByte() == ErrPacket.HEADER;
            if (frame.firstByte() == OkPacket.HEADER && cmdType != Command.COM_STMT_PREPARE) {
                lastInsertIdSeen = lastInsertId(frame);
            }
        }
        relay(frame);
        switch (event) {
            case COMPLETE -> {
                awaitingResponse = false;
                // The connection took the clock when the response completed: the session's idle time starts there.
                long doneNanos = current != null ? current.lastActivityNanos() : System.nanoTime();
                // The connection may go back to the pool now, and its read-complete event with it: flush here.
                writeRun();
                ctx.flush();
                commandCompleted();
                if (!clientFrameContinues) {
                    commandDone(doneNanos);
                }
            }
            case LOCAL_INFILE_REQUEST -> {
                uploadingInfile = true;
                infileFrameContinues = false;
                writeRun();
                ctx.flush();
                updateClientAutoRead();
            }
            case CONTINUE -> { }
        }
    }

    /** Adds a response frame to the pending run, or writes the run and starts a new one with it. */
    private void relay(Packet frame) {
        if (state == State.CLOSED) {
            // Nothing would write a run started now (channelInactive discards what is pending).
            frame.release();
            return;
        }
        ByteBuf content = frame.content();
        ByteBuf source = frame.source();
        int size = content.readableBytes();
        // Only a frame still exactly as framed (not rewritten, nothing consumed) can be cut from its source.
        boolean sliced = source != null && size == Packet.HEADER_SIZE + frame.payloadLength();
        if (runFirst != null) {
            if (sliced && source == runSource && frame.sourceIndex() == runEnd) {
                runEnd += size;
                content.release(); // its bytes stay alive through runFirst, which shares the source
                return;
            }
            writeRun();
        }
        runFirst = content;
        runSource = sliced ? source : null;
        runStart = frame.sourceIndex();
        runEnd = runStart + size;
    }

    /** Writes the pending run of relayed frames (not flushed); must precede any other write to the client. */
    private void writeRun() {
        ByteBuf first = runFirst;
        if (first == null) {
            return;
        }
        runFirst = null;
        ByteBuf out = first;
        if (runSource != null && runEnd - runStart > first.readableBytes()) {
            out = runSource.retainedSlice(runStart, runEnd - runStart);
            first.release();
        }
        runSource = null;
        ctx.write(out, ctx.voidPromise());
    }

    private void discardRun() {
        if (runFirst != null) {
            runFirst.release();
            runFirst = null;
            runSource = null;
        }
    }

    /** The server prepared the client's statement: give the client our id for it and remember both. */
    private void preparedOnBackend(Packet frame) {
        ByteBuf p = frame.payload();
        if (p.readableBytes() < 9) {
            return;
        }
        int backendId = p.getIntLE(1);
        int columns = p.getUnsignedShortLE(5);
        int params = p.getUnsignedShortLE(7);
        int clientId = nextStatementId++;
        if (nextStatementId <= 0) {
            nextStatementId = 1;
        }
        ExecutePacket.setStatementId(frame, clientId);
        ClientStatement stmt = new ClientStatement(clientId, prepareSql, prepareClass, params, columns,
            usesLastInsertId(prepareClass.digestText()), freeCopy(prepareSql), expected.schema());
        statements.put(clientId, stmt);
        current.statementPrepared(stmt.key(), backendId, params, columns,
            context.backend().maxPreparedStatements());
    }

    private static long lastInsertId(Packet frame) {
        ByteBuf p = frame.payload();
        int at = p.readerIndex() + 1;
        if (p.readableBytes() < 3) {
            return 0;
        }
        at += LengthEncoded.sizeAt(p, at);
        if (at >= p.writerIndex()) {
            return 0;
        }
        ByteBuf q = p.slice(at, p.writerIndex() - at);
        return LengthEncoded.readInt(q);
    }

    /** The backend finished answering: update the session from its status, then keep or return the connection. */
    private void commandCompleted() {
        BackendConnection conn = current;
        if (conn == null) {
            return;
        }
        int flags = conn.statusFlags();
        autocommit = ServerStatus.has(flags, ServerStatus.AUTOCOMMIT);
        inTransaction = ServerStatus.has(flags, ServerStatus.IN_TRANS);
        if (lastInsertIdSeen != 0) {
            expected.setLastInsertId(lastInsertIdSeen);
            conn.sessionState().setLastInsertId(lastInsertIdSeen);
        }
        if (cmdClass != null && cmdClass.has(Effect.PIN_SESSION)) {
            pin(cmdClass.statementType() + " keeps state on its connection");
        }
        if (cmdType == Command.COM_STMT_EXECUTE && cmdClass != null && cmdClass.has(Effect.SESSION_VARIABLE)) {
            // The server's OK to COM_STMT_EXECUTE does not list the variables a prepared SET changed (seen with
            // MariaDB 10.11): they change on the connection unseen, so the session keeps that connection.
            pin("a prepared " + cmdClass.statementType() + " changes variables the server does not report");
        }
        if (cmdUsesLastInsertId && lastInsertIdSeen == 0 && cmdClass != null && setsLastInsertId(cmdClass.digestText())) {
            // LAST_INSERT_ID(expr) changed the value without an OK packet saying so (a SELECT): only this
            // connection knows it now.
            pin("LAST_INSERT_ID(expr) keeps its value on its connection");
        }
        ClientStatement stmt = cmdStatement;
        if (stmt != null) {
            switch (cmdType) {
                case Command.COM_STMT_EXECUTE -> {
                    stmt.longDataPending = false;
                    stmt.cursorOpen = cmdCursor && ServerStatus.has(flags, ServerStatus.CURSOR_EXISTS);
                }
                case Command.COM_STMT_FETCH -> {
                    if (ServerStatus.has(flags, ServerStatus.LAST_ROW_SENT) || !ServerStatus.has(flags, ServerStatus.CURSOR_EXISTS)) {
                        stmt.cursorOpen = false;
                    }
                }
                case Command.COM_STMT_RESET -> {
                    stmt.cursorOpen = false;
                    stmt.longDataPending = false;
                }
                default -> { }
            }
            StatementCache.BackendStatement bs = conn.statements().get(stmt.key());
            if (bs != null) {
                // Preparing more statements than the connection keeps must not close this one's cursor.
                bs.setInUse(stmt.needsConnection());
            }
        }
        boolean released = cmdType == Command.COM_SET_OPTION && !cmdErrored && optionChanged(conn);
        if (cmdOnReader) {
            context.balancer().finished(conn.node());
            if (cmdCausal) {
                syncedEpoch.put(conn.node(), cmdEpoch);
            }
        } else if (!cmdRead && !cmdSessionOnly && cmdType != Command.COM_STMT_PREPARE
            && cmdType != Command.COM_STMT_FETCH && cmdType != Command.COM_STMT_RESET) {
            writeEpoch++;
        }
        // The connection took the clock when the response completed: one timestamp pair per command.
        long nanos = conn.lastActivityNanos() - cmdStartNanos;
        if (cmdClass != null && cmdClass.digestId() != 0) {
            int hostgroup = cmdOnReader ? context.routing().readerHostgroup() : context.routing().writerHostgroup();
            context.digests().record(cmdClass.digestId(), cmdClass.digestText(), hostgroup, username, expected.schema(),
                nanos / 1000);
        }
        context.statementMetrics().completed(conn.node(), cmdType, cmdClass, cmdOnReader, nanos);
        if (released) {
            current = null;
            runningNode = null;
            runningThread = -1;
            return;
        }
        commandFinishedOn(conn);
    }

    private boolean mustHold(BackendConnection conn) {
        if (pinReason != null || inTransaction || !conn.isUsable()) {
            return conn.isUsable();
        }
        for (ClientStatement s : statements.values()) {
            if (s.needsConnection()) {
                return true;
            }
        }
        return false;
    }

    private void holdConnection(BackendConnection conn) {
        held = conn;
    }

    /**
     * A state change the server reported comes from a stored procedure, whose text Lintas cannot see. (The
     * server also reports one for statements whose effects Lintas follows itself, transactions among them, so
     * only CALL is taken as the sign of state that must stay on the connection.)
     */
    private boolean stateChangeUnexplained() {
        Classification c = cmdClass;
        return (cmdType == Command.COM_QUERY || cmdType == Command.COM_STMT_EXECUTE) && c != null
            && "CALL".equals(c.statementType());
    }

    /**
     * A session that stays idle after a statement that warned gives the connection back after
     * {@code routing.warnings_hold_ms}: an application that never asks for its warnings must not keep a pooled
     * connection for as long as it idles. Its warnings are then gone (the pool clears them), as after any command.
     */
    private void expireWarningsHold(BackendConnection conn) {
        int holdMs = context.routing().warningsHoldMs();
        if (holdMs <= 0) {
            return;
        }
        int hold = ++warnedHolds;
        ctx.executor().schedule(() -> {
            if (state != State.CLOSED && warned == conn && warnedHolds == hold && held == conn && current == null
                && !mustHold(conn)) {
                warned = null;
                held = null;
                releaseToPool(conn);
            }
        }, holdMs, TimeUnit.MILLISECONDS);
    }

    /** The command in progress reads the previous statement's warnings (SHOW WARNINGS, @@warning_count...). */
    private boolean asksForWarnings() {
        Classification c = cmdClass;
        if (c == null || (cmdType != Command.COM_QUERY && cmdType != Command.COM_STMT_EXECUTE)
            || c.has(Effect.PIN_SESSION)) {
            // GET DIAGNOSTICS .. @var = ..: it pins, and a session must never be pinned to a reader's connection.
            return false;
        }
        String d = c.digestText();
        return d != null && ("SHOW".equals(c.statementType()) && (mentions(d, "warnings") || mentions(d, "errors"))
            || mentions(d, "warning_count") || mentions(d, "error_count") || mentions(d, "diagnostics"));
    }

    /** The held connection is no longer needed by anything: give it back. */
    private void releaseHeldIfFree() {
        BackendConnection h = held;
        if (h != null && current == null && !mustHold(h)) {
            held = null;
            releaseToPool(h);
        }
    }

    private void releaseToPool(BackendConnection conn) {
        writeRun();
        conn.detach();
        conn.setAutoRead(true);
        context.pool().release(conn);
    }

    /**
     * COM_SET_OPTION turned multi-statements on or off: from now on the session borrows connections of the
     * matching pool key. The connection that ran it gets its old option back and returns to its own key's pool
     * (returns true: released here); one the session keeps is marked dirty, so it is closed when released.
     */
    private boolean optionChanged(BackendConnection conn) {
        long before = clientCapabilities;
        long after = cmdOption == 0 ? before | Capabilities.CLIENT_MULTI_STATEMENTS
            : cmdOption == 1 ? before & ~Capabilities.CLIENT_MULTI_STATEMENTS : before;
        if (after == before) {
            return false;
        }
        clientCapabilities = after;
        keys.clear();
        if (held == conn || mustHold(conn)) {
            conn.markDirty();
            return false;
        }
        conn.detach();
        conn.setOption(cmdOption == 0 ? 1 : 0, syncTimeoutMs()).addListener(f -> {
            if (!f.isSuccess()) {
                conn.markDirty();
            }
            context.pool().release(conn);
        });
        return true;
    }

    @Override
    public void onReadComplete() {
        writeRun();
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
        BackendConnection lost = current != null ? current : held;
        if (lost == null) {
            return;
        }
        BackendNode node = lost.node();
        boolean inCommand = current != null && (awaitingResponse || clientFrameContinues || uploadingInfile);
        // Warnings nobody asked for yet are no session state worth a disconnect.
        boolean stateLost = pinReason != null || inTransaction || (lost == held && lost != warned);
        if (current == lost) {
            current = null;
            runningNode = null;
            runningThread = -1;
            if (cmdOnReader) {
                context.balancer().finished(node);
            }
        }
        if (held == lost) {
            held = null;
        }
        if (warned == lost) {
            warned = null;
        }
        releaseToPool(lost);
        if (!(cause instanceof NodeUnavailableException)) {
            reportFailure(node, cause);
        }
        if (inCommand && retryFrame.isHeld() && !responseStarted && !stateLost && !clientFrameContinues
            && System.nanoTime() < cmdDeadlineNanos) {
            // A read that got no answer yet: run it again on another node.
            log.info("conn={} user={} read lost on {} ({}), retrying on another node", connectionId, username,
                node.name(), describe(cause));
            pendingFrame = retryFrame.take();
            if (cmdType == Command.COM_STMT_EXECUTE) {
                ExecutePacket.setStatementId(pendingFrame, cmdStatement.id);
            }
            cmdExcluded = node;
            acquire();
            return;
        }
        releaseRetryFrame();
        if (stateLost || (inCommand && responseStarted) || clientFrameContinues || uploadingInfile) {
            // The session's state lived on that connection, or the client is mid-packet: it must reconnect.
            log.info("conn={} client={} user={} backend {} lost{}: {}", connectionId, remote, username, node.name(),
                inCommand ? " during a command" : " holding session state", describe(cause));
            failAndClose(ErrorCode.ER_NET_READ_ERROR, "Lost connection to database node '" + node.name()
                + "' during query", inCommand ? lastSequenceToClient + 1 : 1);
            return;
        }
        if (inCommand) {
            log.info("conn={} client={} user={} backend {} lost during a command: {}", connectionId, remote, username,
                node.name(), describe(cause));
            sendError(ErrPacket.of(ErrorCode.ER_NET_READ_ERROR, "Lost connection to database node '" + node.name()
                + "' during query"), lastSequenceToClient + 1);
            awaitingResponse = false;
            commandDone();
        }
    }

    // ---- session-level commands ---------------------------------------------------------------------------

    private void pin(String reason) {
        if (pinReason == null) {
            pinReason = reason;
            log.debug("conn={} user={} pinned to its connection: {}", connectionId, username, reason);
        }
    }

    /** COM_RESET_CONNECTION and COM_CHANGE_USER: forget the session's state and what holds it. */
    private void resetSession() {
        BackendConnection h = held;
        held = null;
        warned = null;
        if (h != null) {
            h.detach();
            // Its state belongs to the old session: reset it before anyone else gets it.
            h.resetConnection(syncTimeoutMs()).addListener(f -> {
                if (!f.isSuccess()) {
                    h.markDirty();
                }
                context.pool().release(h);
            });
        }
        expected.reset(expected.schema());
        statements.clear();
        pinReason = null;
        autocommit = true;
        inTransaction = false;
    }

    private int statusFlags() {
        return (autocommit ? ServerStatus.AUTOCOMMIT : 0) | (inTransaction ? ServerStatus.IN_TRANS : 0);
    }

    private void startChangeUser(Packet frame) {
        ChangeUser cu = ChangeUser.decode(frame.payload(), clientCapabilities);
        pendingChangeUser = cu;
        awaitingResponse = true;
        if (context.security().cachingSha2()) {
            // A client already on caching_sha2 answered the session's scramble; a switch gets a fresh one.
            boolean sha2Client = CachingSha2Password.PLUGIN_NAME.equals(cu.authPluginName());
            sha2 = newSha2Exchange(cu.username(), sha2Client ? scramble : Scramble.generate());
            onSha2Step(sha2.start(cu.authPluginName(), cu.authResponse()), frame.sequenceId(), true);
        } else if (ClientAuthenticator.canVerify(cu.authPluginName(), cu.authResponse())) {
            finishChangeUser(cu.authResponse(), scramble, 1);
        } else {
            state = State.CHANGE_USER_SWITCH;
            switchScramble = Scramble.generate();
            authSeq = 2;
            ctx.writeAndFlush(new AuthSwitchRequest(NativePassword.PLUGIN_NAME, switchScramble)
                .toFrame(ctx.alloc(), 1, clientCapabilities));
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void onChangeUserSwitchResponse(Packet frame) {
        if (frame.sequenceId() != authSeq) {
            failAndClose(ErrorCode.ER_HANDSHAKE_ERROR, "Bad handshake", authSeq + 1);
            return;
        }
        if (sha2 != null) {
            onSha2Step(sha2.onPacket(frame.payload()), frame.sequenceId(), true);
            return;
        }
        finishChangeUser(ByteBufUtil.getBytes(frame.payload()), switchScramble, frame.sequenceId() + 1);
    }

    private void finishChangeUser(byte[] token, byte[] usedScramble, int replySeq) {
        ChangeUser cu = pendingChangeUser;
        UserAccount account = context.users().find(cu.username());
        BackendCredentials verified = ClientAuthenticator.verify(account, token, usedScramble);
        if (verified == null) {
            loginDenied(cu.username(), account == null ? "unknown user" : "wrong password", token.length > 0, replySeq, true);
            return;
        }
        changeUserVerified(verified, replySeq);
    }

    /** COM_CHANGE_USER proved the new user's password: take its connection slot, reset and re-open the session. */
    private void changeUserVerified(BackendCredentials verified, int replySeq) {
        afterThrottle(true, () -> {
            ChangeUser cu = pendingChangeUser;
            pendingChangeUser = null;
            if (!bindUser(cu.username(), replySeq)) {
                return;
            }
            UserAccount account = context.users().find(cu.username());
            String db = cu.database();
            if ((db == null || db.isEmpty()) && account != null && account.defaultSchema() != null) {
                db = account.defaultSchema();
            }
            if (cu.characterSet() != 0) {
                characterSet = cu.characterSet();
            }
            resetSession();
            username = cu.username();
            credentials = verified;
            keys.clear();
            expected = new SessionState(db == null || db.isEmpty() ? null : db);
            state = State.CHANGING_USER;
            ctx.channel().config().setAutoRead(false);
            openSession(replySeq, true);
        });
    }

    // ---- KILL --------------------------------------------------------------------------------------------

    /**
     * {@code KILL [CONNECTION|QUERY] n} and COM_PROCESS_KILL name a Lintas connection id (what clients learn from
     * the greeting). A connection kill closes that client session here; a query kill is sent, as
     * {@code KILL QUERY thread}, to the node running that session's statement. Node thread ids are refused:
     * pooled connections serve many sessions, so a thread id does not name a session.
     */
    private void kill(KillStatement kill) {
        ClientSession target = kill.id() < 0 ? null : context.session(kill.id());
        if (target == null || target.username() == null) {
            sendError(ErrPacket.of(ErrorCode.ER_NO_SUCH_THREAD, "Unknown thread id: " + kill.id()), 1);
            return;
        }
        if (!target.username().equals(username)) {
            sendError(ErrPacket.of(ErrorCode.ER_KILL_DENIED_ERROR, "You are not owner of thread " + kill.id()), 1);
            return;
        }
        if (kill.target() == KillStatement.Target.CONNECTION) {
            if (target == this) {
                failAndClose(ErrorCode.ER_QUERY_INTERRUPTED, "Connection was killed", 1);
                return;
            }
            log.info("conn={} user={} killed connection {}", connectionId, username, kill.id());
            target.killedFromElsewhere();
            writeRun();
            ctx.writeAndFlush(OkPacket.of(statusFlags()).toFrame(ctx.alloc(), 1, clientCapabilities));
            return;
        }
        BackendNode node = target.runningNode;
        long thread = target.runningThread;
        if (node == null || thread < 0 || target == this) {
            // Nothing is running there: nothing to interrupt.
            writeRun();
            ctx.writeAndFlush(OkPacket.of(statusFlags()).toFrame(ctx.alloc(), 1, clientCapabilities));
            return;
        }
        target.queryKilled();
        cmdForcedNode = node;
        cmdClass = null;
        dispatch(queryFrame(kill.withId(thread)));
    }

    /** Another session killed this one (KILL CONNECTION); thread-safe. */
    void killedFromElsewhere() {
        ctx.executor().execute(() -> {
            if (state == State.CLOSED) {
                return;
            }
            log.info("conn={} client={} user={} killed by KILL CONNECTION", connectionId, remote, username);
            failAndClose(ErrorCode.ER_QUERY_INTERRUPTED, "Connection was killed", lastSequenceToClient + 1);
        });
    }

    /** Another session is killing this one's running query: its connection must not serve anyone else after. */
    void queryKilled() {
        ctx.executor().execute(() -> {
            BackendConnection c = current;
            if (c != null) {
                c.markDirty();
            }
        });
    }

    /** The node running this session's statement now, or null; thread-safe. */
    BackendNode runningNode() {
        return runningNode;
    }

    /**
     * Closes this session when it has run no command for {@code idleNanos} ({@code proxy.idle_timeout_ms}), as
     * MariaDB's wait_timeout does: no error, the connection just ends; thread-safe.
     */
    void closeIfIdle(long idleNanos) {
        if (!activity.idleFor(idleNanos)) {
            return;
        }
        ctx.executor().execute(() -> {
            if (state == State.READY && !awaitingResponse && queued.isEmpty() && activity.idleFor(idleNanos)) {
                log.info("conn={} client={} user={} idle for {} ms (proxy.idle_timeout_ms), closing", connectionId, remote,
                    username, TimeUnit.NANOSECONDS.toMillis(idleNanos));
                closeSession();
                ctx.close();
            }
        });
    }

    /** KILL QUERY from the admin interface: interrupts the statement this session runs, on its node; thread-safe. */
    void killQueryFromAdmin() {
        ctx.executor().execute(this::interruptRunningStatement);
    }

    /**
     * Interrupts the statement this session runs, on its node (KILL QUERY from a pooled connection); the connection
     * it ran on is not reused. False when nothing runs. On the session's loop.
     */
    private boolean interruptRunningStatement() {
        BackendNode node = runningNode;
        long thread = runningThread;
        BackendConnection c = current;
        if (state == State.CLOSED || node == null || thread < 0) {
            return false;
        }
        if (c != null) {
            c.markDirty();
        }
        AdminKill.killQuery(context, connectionId, key(node), ctx.channel().eventLoop(), thread, syncTimeoutMs());
        return true;
    }

    // ---- flow control ------------------------------------------------------------------------------------

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
        commandDone(System.nanoTime());
    }

    private void commandDone(long nowNanos) {
        activity.idle(nowNanos);
        awaitingResponse = false;
        if (framer != null && framer.pendingBytes() > 0) {
            // The client began its next command during this one: its net_read_timeout starts now, as MariaDB's
            // would (and as it did here when reading paused for every response).
            readStall.restart();
        }
        drainQueue();
        updateClientAutoRead();
    }

    private void drainQueue() {
        boolean started = false;
        while (state == State.READY && !awaitingResponse && !clientFrameContinues && !uploadingInfile
            && pendingFrame == null) {
            Packet next = queued.poll();
            if (next == null) {
                break;
            }
            startCommand(next);
            started = true;
        }
        // Called from the backend's read path (a response just completed) or after login, where no client
        // channelReadComplete follows to flush: send the pipelined command now, or it waits forever.
        if (started && current != null && current.isUsable()) {
            current.flush();
        }
        if (started) {
            ctx.flush();
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
        boolean acquiring = pendingFrame != null;
        // Reading stays on while a response is awaited: pausing and resuming cost two epoll_ctl calls per
        // command. A command the client pipelines meanwhile is queued, and enqueue() pauses reading then, so
        // memory stays bounded as before.
        boolean wantsClientBytes = clientFrameContinues || uploadingInfile || queued.isEmpty();
        boolean backendWritable = current == null || !current.isUsable() || current.isWritable();
        boolean read = wantsClientBytes && backendWritable && !(acquiring && !clientFrameContinues);
        if (read && !ctx.channel().config().isAutoRead()) {
            // We paused reading, not the client: its net_read_timeout starts again now.
            readStall.restart();
        } else {
            readStall.stateChanged();
        }
        ctx.channel().config().setAutoRead(read);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** The lowest {@link ClientStatement#copy} no live statement of this session with the same text has. */
    private int freeCopy(String sql) {
        int copy = 0;
        boolean taken = true;
        while (taken) {
            taken = false;
            for (ClientStatement s : statements.values()) {
                if (s.copy == copy && s.sql.equals(sql)) {
                    copy++;
                    taken = true;
                    break;
                }
            }
        }
        return copy;
    }

    private PoolKey key(BackendNode node) {
        PoolKey k = keys.get(node);
        if (k == null) {
            k = PoolKey.of(node, credentials, clientCapabilities, characterSet);
            keys.put(node, k);
        }
        return k;
    }

    /**
     * Bound on each internal command that brings a connection in line (INIT_DB, SET, PREPARE). They are part of
     * the client's statement, which Lintas does not time out either: a loaded node may take seconds to prepare,
     * and a node that stops answering is taken out by the monitor, which aborts the connection. So the bound is
     * the client-side net_read timeout, only a backstop.
     */
    private long syncTimeoutMs() {
        return Math.max(context.settings().netReadTimeoutMs(), context.backend().connectTimeoutMs());
    }

    private void reportFailure(BackendNode node, Throwable cause) {
        if (!(cause instanceof NodeUnavailableException)) {
            context.reportNodeFailure(node, describe(cause));
        }
    }

    private String describeTopology() {
        Topology topology = context.topology();
        StringBuilder why = new StringBuilder();
        topology.states().forEach((n, st) -> why.append(why.length() == 0 ? "" : ", ").append(n.name()).append(' ').append(st));
        return why.length() == 0 ? topology.reason() : why.toString();
    }

    private static ErrPacket serverError(Throwable cause) {
        if (cause instanceof BackendLoginException ble && ble.serverError() != null) {
            return ble.serverError();
        }
        if (cause instanceof BackendCommandException bce && bce.serverError() != null) {
            return bce.serverError();
        }
        return null;
    }

    private static String describe(Throwable t) {
        return t == null ? "closed" : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static String text(Packet frame) {
        int length = Math.min(frame.payloadLength() - 1, MAX_CLASSIFIED_BYTES);
        return length <= 0 ? "" : frame.payload().toString(1, length, StandardCharsets.UTF_8);
    }

    private static boolean mayStartWithKill(String sql) {
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                continue;
            }
            return c == 'k' || c == 'K' || c == '/' || c == '-' || c == '#';
        }
        return false;
    }

    /** Whether a statement reads or sets LAST_INSERT_ID(), also under its other name {@code @@identity}. */
    private static boolean usesLastInsertId(String digest) {
        return mentions(digest, "last_insert_id") || mentions(digest, "identity");
    }

    /** Whether a digest calls LAST_INSERT_ID with an argument, which sets the value instead of reading it. */
    private static boolean setsLastInsertId(String digest) {
        if (digest == null) {
            return false;
        }
        String word = "last_insert_id";
        for (int i = 0, last = digest.length() - word.length(); i <= last; i++) {
            if (!digest.regionMatches(true, i, word, 0, word.length())) {
                continue;
            }
            int at = skipSpaces(digest, i + word.length());
            if (at < digest.length() && digest.charAt(at) == '(') {
                at = skipSpaces(digest, at + 1);
                if (at < digest.length() && digest.charAt(at) != ')') {
                    return true;
                }
            }
        }
        return false;
    }

    private static int skipSpaces(String s, int at) {
        while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
            at++;
        }
        return at;
    }

    /** Case-insensitive search for an ASCII lower-case {@code word}. */
    private static boolean mentions(String text, String word) {
        if (text == null) {
            return false;
        }
        int n = word.length();
        for (int i = 0, last = text.length() - n; i <= last; i++) {
            if (text.regionMatches(true, i, word, 0, n)) {
                return true;
            }
        }
        return false;
    }

    private static String accessDenied(String user, boolean usingPassword) {
        return "Access denied for user '" + user + "' (using password: " + (usingPassword ? "YES" : "NO") + ")";
    }

    private int nextClientSequence(Packet frame) {
        return frame == null ? 1 : frame.sequenceId() + 1;
    }

    private void releaseRetryFrame() {
        retryFrame.release();
    }

    private void sendError(ErrPacket err, int seq) {
        writeRun();
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
        writeRun();
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(err.toFrame(ctx.alloc(), seq & 0xFF, clientCapabilities)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void closeSession() {
        if (state == State.CLOSED) {
            return;
        }
        cancelStatementTimer();
        boolean midCommand = current != null && (current.inCommand() || clientFrameContinues || uploadingInfile);
        state = State.CLOSED;
        cancelHandshakeTimer();
        if (readStall != null) {
            readStall.cancel();
        }
        Packet p;
        while ((p = queued.poll()) != null) {
            p.release();
        }
        while ((p = pendingContinuations.poll()) != null) {
            p.release();
        }
        if (pendingFrame != null) {
            pendingFrame.release();
            pendingFrame = null;
        }
        releaseRetryFrame();
        BackendConnection c = current;
        BackendConnection h = held;
        current = null;
        held = null;
        runningNode = null;
        runningThread = -1;
        if (c != null) {
            if (cmdOnReader) {
                context.balancer().finished(c.node());
            }
            c.detach();
            if (midCommand) {
                // Mid-command: the server side is in an unknown state; the pool closes it.
                c.markDirty();
                c.abort();
            }
            context.pool().release(c);
        }
        if (h != null && h != c && h == warned && !mustHold(h)) {
            // Kept only for the warnings of the session's last statement: clean for anyone.
            warned = null;
            h.detach();
            h.setAutoRead(true);
            context.pool().release(h);
        } else if (h != null && h != c) {
            // It holds this session's transaction, locks or variables: nobody else may have them.
            h.detach();
            h.markDirty();
            context.pool().release(h);
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }

    @Override
    public String toString() {
        return "ClientSession{" + connectionId + ", user=" + username + ", " + state + "}";
    }
}
