package io.lintas.pool;

import io.lintas.pool.state.SessionState;
import io.lintas.pool.state.StatementCache;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.lintas.wire.ErrorCode;
import io.lintas.wire.MalformedPacketException;
import io.lintas.wire.Packet;
import io.lintas.wire.PacketWriter;
import io.lintas.wire.ResponseTracker;
import io.lintas.wire.SessionTracking;
import io.lintas.wire.message.ChangeUser;
import io.lintas.wire.message.EofPacket;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.HandshakeResponse41;
import io.lintas.wire.message.HandshakeV10;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SessionStateChange;
import io.lintas.wire.message.SslRequest;
import io.lintas.wire.tls.ClientTlsUpgrade;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One authenticated connection to a database node. It logs in, then relays commands: the caller writes a
 * command's frames, and every response frame goes, unchanged, to the attached {@link ResponseSink}
 * together with what the {@link ResponseTracker} makes of it. All methods must be called on the
 * channel's event loop.
 *
 * <p>Besides relaying, a connection runs internal commands whose answers it consumes itself
 * ({@link #ping}, {@link #executeInternal}, {@link #initDb}, {@link #resetConnection}): a pool validates and keeps
 * connections alive with them, a session brings a connection's state in line with them. A connection logged
 * in with {@link LoginRequest#trackSessionState()} reports the session-state changes of relayed OK packets to
 * {@link ResponseSink#onSessionStateChanges} and, for a client without CLIENT_SESSION_TRACK, relays those OK
 * packets in the layout that client expects ({@link OkPacketRewriter}).
 */
public final class BackendConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(BackendConnection.class);

    /** Capabilities the proxy can relay unchanged between a client and a backend. */
    public static final long RELAYABLE_CAPABILITIES = Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_FOUND_ROWS
        | Capabilities.CLIENT_LONG_FLAG | Capabilities.CLIENT_CONNECT_WITH_DB | Capabilities.CLIENT_ODBC
        | Capabilities.CLIENT_LOCAL_FILES | Capabilities.CLIENT_IGNORE_SPACE | Capabilities.CLIENT_PROTOCOL_41
        | Capabilities.CLIENT_INTERACTIVE | Capabilities.CLIENT_IGNORE_SIGPIPE | Capabilities.CLIENT_TRANSACTIONS
        | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_MULTI_STATEMENTS | Capabilities.CLIENT_MULTI_RESULTS
        | Capabilities.CLIENT_PS_MULTI_RESULTS | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_CONNECT_ATTRS
        | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS
        | Capabilities.CLIENT_SESSION_TRACK | Capabilities.CLIENT_DEPRECATE_EOF;

    private static final long REQUIRED_CAPABILITIES = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION
        | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_LONG_PASSWORD;

    private enum Phase { GREETING, TLS, AUTH, READY, CHANGE_USER, CLOSED }

    private final BackendNode node;
    private final LoginRequest login;
    private final Promise<BackendConnection> loginPromise;
    private final long loginTimeoutMillis;
    /** TLS towards the node, or null for plain TCP. */
    private final SslContext tls;
    /** The login or change-of-user exchange in progress, or null. */
    private BackendAuth auth;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.GREETING;
    private HandshakeV10 greeting;
    private long capabilities;
    private ResponseTracker tracker;
    private ResponseSink sink;
    private int statusFlags;
    private int warnings;
    /** Some response since the last {@link #warningsCleared()} ended with warnings (a later one may hide them). */
    private boolean mayHoldWarnings;
    private ScheduledFuture<?> loginTimer;
    private BackendCredentials currentCredentials;
    private Promise<OkPacket> changeUserPromise;
    private String changeUserDatabase;

    /** {@link SessionTracking#SETUP_STATEMENT}, encoded once. */
    private static final byte[] TRACKING_SETUP = SessionTracking.SETUP_STATEMENT.getBytes(StandardCharsets.UTF_8);

    private final TrafficMeter meter;
    /** Bytes read and not yet counted: the meter is told once per response or read batch, not per frame. */
    private long unmeteredIn;
    private final long createdNanos = System.nanoTime();
    private long lastActivityNanos = createdNanos;
    private boolean dirty;
    /** The internal command in progress (its sink is {@link #sink} meanwhile), or null. */
    private InternalCommand internal;
    /** Non-null when session-state tracking is on: finds the OK frames of relayed responses. */
    private OkFrameLocator okLocator;
    /** Tracking was forced on for a client that did not ask for it: relayed OKs are rewritten to its layout. */
    private boolean stripSessionState;

    /** Statement id, parameters, columns of the last internal COM_STMT_PREPARE's answer. */
    private int[] lastPrepared;

    /** Bookkeeping of the pool that owns this connection, or null; touched only on this connection's loop. */
    PoolEntry poolEntry;

    /** The session state the server holds for this connection, as far as Lintas knows it. */
    private final SessionState sessionState;
    /** Prepared statements open on this connection. */
    private final StatementCache statements = new StatementCache();

    BackendConnection(BackendNode node, LoginRequest login, Promise<BackendConnection> loginPromise, long loginTimeoutMillis) {
        this(node, login, loginPromise, loginTimeoutMillis, TrafficMeter.NONE);
    }

    BackendConnection(BackendNode node, LoginRequest login, Promise<BackendConnection> loginPromise, long loginTimeoutMillis,
                      TrafficMeter meter) {
        this(node, login, loginPromise, loginTimeoutMillis, meter, null);
    }

    /** @param tls TLS towards the node (the login upgrades after the greeting), or null for plain TCP */
    BackendConnection(BackendNode node, LoginRequest login, Promise<BackendConnection> loginPromise, long loginTimeoutMillis,
                      TrafficMeter meter, SslContext tls) {
        this.tls = tls;
        this.node = node;
        this.login = login;
        this.loginPromise = loginPromise;
        this.loginTimeoutMillis = loginTimeoutMillis;
        this.currentCredentials = login.credentials();
        this.meter = meter == null ? TrafficMeter.NONE : meter;
        this.sessionState = new SessionState(login.database() == null || login.database().isEmpty() ? null : login.database());
    }

    /** What Lintas knows of this connection's session state (schema, changed variables, last insert id). */
    public SessionState sessionState() {
        return sessionState;
    }

    /** The prepared statements open on this connection. */
    public StatementCache statements() {
        return statements;
    }

    /** The collation this connection logged in with. */
    public int loginCharacterSet() {
        return login.characterSet();
    }

    /** The node this connection is open to. */
    public BackendNode node() {
        return node;
    }

    /** The server's greeting (version, thread id, capabilities). */
    public HandshakeV10 greeting() {
        return greeting;
    }

    /** The server's thread id for this connection (what {@code KILL} takes). */
    public long serverThreadId() {
        return greeting == null ? -1 : greeting.connectionId();
    }

    /** Capabilities negotiated with the server. */
    public long capabilities() {
        return capabilities;
    }

    /** Server status flags from the last OK or EOF. */
    public int statusFlags() {
        return statusFlags;
    }

    /** Warning count the last relayed response ended with (what SHOW WARNINGS would list now). */
    public int warnings() {
        return warnings;
    }

    /**
     * True when the server may still keep warnings of an earlier statement: MariaDB clears them only at a
     * statement that uses a table, and a SHOW WARNINGS answer reports none while they stay.
     */
    public boolean mayHoldWarnings() {
        return mayHoldWarnings;
    }

    /** Records that a statement that clears the server's warnings just succeeded here. */
    public void warningsCleared() {
        mayHoldWarnings = false;
        warnings = 0;
    }

    /** The Netty channel, for event-loop affinity and writability. */
    public Channel channel() {
        return ctx.channel();
    }

    /** True while the connection is open and logged in. */
    public boolean isUsable() {
        return (phase == Phase.READY) && ctx.channel().isActive();
    }

    /** True while a response is being relayed. */
    public boolean inCommand() {
        return tracker != null && tracker.inProgress();
    }

    /**
     * Starts a command: later frames from the server go to {@code sink} until the response completes.
     * The caller then writes the command's frames with {@link #write}.
     */
    public void startCommand(int command, boolean cursorRequested, ResponseSink sink) {
        if (phase != Phase.READY) {
            throw new IllegalStateException("connection to " + node + " is " + phase);
        }
        if (internal != null) {
            throw new IllegalStateException("connection to " + node + " is running an internal command");
        }
        this.sink = sink;
        meter.commandStarted();
        if (ResponseTracker.expectsResponse(command)) {
            tracker.begin(command, cursorRequested);
            if (okLocator != null) {
                okLocator.begin(command);
            }
        }
    }

    /** Writes one frame (ownership passes to the connection); not flushed. */
    public void write(Packet frame) {
        meter.bytesSent(frame.content().readableBytes());
        ctx.write(frame.content(), ctx.voidPromise());
    }

    /** Flushes written frames. */
    public void flush() {
        ctx.flush();
    }

    /** True when the outbound buffer is below its high water mark. */
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    /** Pauses or resumes reading from the server (backpressure towards a slow client). */
    public void setAutoRead(boolean autoRead) {
        ctx.channel().config().setAutoRead(autoRead);
    }

    /** Detaches the sink so that a closing connection no longer reports to it. */
    public void detach() {
        if (internal != null) {
            internal.previous = null;
        } else {
            sink = null;
        }
    }

    /**
     * Logs in again as another user with COM_CHANGE_USER, which also resets the session's state.
     * Completes with the server's OK, or fails with a {@link BackendLoginException}.
     */
    public Future<OkPacket> changeUser(BackendCredentials credentials, String database, int characterSet,
                                       Map<String, String> attributes) {
        Promise<OkPacket> promise = ctx.executor().newPromise();
        if (phase != Phase.READY || inCommand()) {
            promise.setFailure(new IllegalStateException("connection to " + node + " is busy"));
            return promise;
        }
        phase = Phase.CHANGE_USER;
        changeUserPromise = promise;
        currentCredentials = credentials;
        changeUserDatabase = database == null || database.isEmpty() ? null : database;
        auth = new BackendAuth(node, credentials, tls != null);
        byte[] token = auth.token(greeting.authPluginName(), greeting.authPluginData());
        ChangeUser msg = new ChangeUser(credentials.username(), token, database, characterSet, auth.plugin(), attributes);
        send(msg.toFrame(ctx.alloc(), 0, capabilities));
        return promise;
    }

    /** Says COM_QUIT and closes. */
    public void close() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        sink = null;
        failInternal(new IOException("connection to " + node + " closed by the proxy"));
        Channel ch = ctx.channel();
        if (ch.isActive()) {
            ByteBuf quit = ctx.alloc().buffer(5).writeMediumLE(1).writeByte(0).writeByte(Command.COM_QUIT);
            ch.writeAndFlush(quit).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }

    /** Closes at once without COM_QUIT (for a connection in an unknown state). */
    public void abort() {
        phase = Phase.CLOSED;
        sink = null;
        failInternal(new IOException("connection to " + node + " aborted by the proxy"));
        ctx.channel().close();
    }

    /**
     * Closes at once without COM_QUIT and reports {@code cause} to the attached sink's
     * {@link ResponseSink#onBackendLost} (and to a pending internal command), as if the server had dropped
     * the connection. Does nothing on a connection that is already closed.
     */
    public void abort(Throwable cause) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> abort(cause));
            return;
        }
        if (phase == Phase.CLOSED) {
            return;
        }
        fail(cause);
    }

    /**
     * Marks the connection as holding session state that cannot be restored or described (for example a
     * result abandoned mid-stream, or state the session could not track); a pool closes it on release.
     */
    public void markDirty() {
        dirty = true;
    }

    /** True after {@link #markDirty()}. */
    public boolean isDirty() {
        return dirty;
    }

    /** {@link System#nanoTime()} when this connection was created. */
    public long createdNanos() {
        return createdNanos;
    }

    /** {@link System#nanoTime()} of the last completed exchange with the server (login, response, ping). */
    public long lastActivityNanos() {
        return lastActivityNanos;
    }

    /** True when OK packets on this connection carry session-state changes (see {@link LoginRequest#trackSessionState()}). */
    public boolean tracksSessionState() {
        return okLocator != null;
    }

    /** True while an internal command ({@link #ping}, {@link #executeInternal}, ...) runs. */
    public boolean inInternalCommand() {
        return internal != null;
    }

    /**
     * Sends COM_PING and consumes the answer; nothing reaches the attached sink. Completes with the server's
     * OK; fails with a {@link BackendCommandException} on an ERR, or with an {@link IOException} when the
     * connection is lost or the server does not answer within {@code timeoutMillis} (the connection is then
     * aborted). The connection must be idle: not in a command.
     */
    public Future<OkPacket> ping(long timeoutMillis) {
        return runInternal(Command.COM_PING, null, timeoutMillis);
    }

    /**
     * Runs {@code sql} with COM_QUERY as an internal command: the response is consumed, not relayed.
     * Completes with the final OK (for a statement answered with rows: an OK carrying the final status, rows
     * discarded); fails as {@link #ping} does. On a connection that tracks session state, the changes the
     * statement made are in the returned OK's {@link OkPacket#sessionStateChanges()}; they are not reported to
     * the attached sink.
     */
    public Future<OkPacket> executeInternal(String sql, long timeoutMillis) {
        return runInternal(Command.COM_QUERY, sql.getBytes(StandardCharsets.UTF_8), timeoutMillis);
    }

    /** Changes the current schema with COM_INIT_DB as an internal command. */
    public Future<OkPacket> initDb(String schema, long timeoutMillis) {
        return runInternal(Command.COM_INIT_DB, schema.getBytes(StandardCharsets.UTF_8), timeoutMillis);
    }

    /**
     * Resets the session with COM_RESET_CONNECTION (variables, user variables, temporary tables, prepared
     * statements, transaction) as an internal command; on a connection that tracks session state, tracking is
     * enabled again before the future completes. Clears {@link #isDirty()} on success.
     */
    public Future<OkPacket> resetConnection(long timeoutMillis) {
        Promise<OkPacket> promise = newPromise();
        runInternal(Command.COM_RESET_CONNECTION, null, timeoutMillis).addListener((Future<OkPacket> f) -> {
            if (f.isSuccess()) {
                // The server dropped variables, user variables, temporary tables and statements; the schema stays.
                sessionState.reset(sessionState.schema());
                statements.clear();
                warningsCleared();
            }
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
            } else if (okLocator == null) {
                dirty = false;
                promise.trySuccess(f.getNow());
            } else {
                OkPacket resetOk = f.getNow();
                runInternal(Command.COM_QUERY, TRACKING_SETUP, timeoutMillis)
                    .addListener((Future<OkPacket> g) -> {
                        if (g.isSuccess()) {
                            dirty = false;
                            promise.trySuccess(resetOk);
                        } else {
                            promise.tryFailure(g.cause());
                        }
                    });
            }
        });
        return promise;
    }

    /**
     * Prepares {@code sql} with COM_STMT_PREPARE as an internal command (the metadata is consumed, not
     * relayed) and records it in {@link #statements()} under {@code cacheKey}; statements evicted from there are
     * closed on the server. Completes with the new statement; fails as {@link #ping} does.
     */
    public Future<StatementCache.BackendStatement> prepareInternal(String sql, String cacheKey, int maxStatements,
                                                                   long timeoutMillis) {
        Promise<StatementCache.BackendStatement> promise = ctx == null ? ImmediateEventExecutor.INSTANCE.newPromise()
            : ctx.executor().newPromise();
        runInternal(Command.COM_STMT_PREPARE, sql.getBytes(StandardCharsets.UTF_8), timeoutMillis)
            .addListener((Future<OkPacket> f) -> {
                if (!f.isSuccess()) {
                    promise.tryFailure(f.cause());
                    return;
                }
                int[] prepared = lastPrepared;
                lastPrepared = null;
                if (prepared == null) {
                    promise.tryFailure(new IOException(node + " sent no statement id in answer to COM_STMT_PREPARE"));
                    return;
                }
                promise.trySuccess(statementPrepared(cacheKey, prepared[0], prepared[1], prepared[2], maxStatements));
            });
        return promise;
    }

    /**
     * Records a statement the server prepared on this connection (for a relayed COM_STMT_PREPARE) under
     * {@code cacheKey} and closes what that evicts from {@link #statements()}. The key must include whatever
     * changes what the text means (the schema it was prepared in).
     */
    public StatementCache.BackendStatement statementPrepared(String cacheKey, int id, int parameters, int columns,
                                                             int maxStatements) {
        for (int evicted : statements.put(cacheKey, id, parameters, columns, maxStatements)) {
            closeStatement(evicted);
        }
        return statements.get(cacheKey);
    }

    /** Sends COM_STMT_CLOSE (the server does not answer it); the connection must be between commands. */
    public void closeStatement(int statementId) {
        if (phase != Phase.READY || !ctx.channel().isActive()) {
            return;
        }
        ByteBuf buf = ctx.alloc().buffer(9);
        buf.writeMediumLE(5).writeByte(0).writeByte(Command.COM_STMT_CLOSE).writeIntLE(statementId);
        meter.bytesSent(buf.readableBytes());
        ctx.write(buf, ctx.voidPromise());
    }

    /**
     * Goes back to a fresh login (no schema, no session state) with COM_CHANGE_USER as the same user: the only
     * way to leave a schema once one is selected.
     */
    public Future<OkPacket> freshSession() {
        return changeUser(currentCredentials, null, login.characterSet(), login.connectAttributes());
    }

    /** Sends COM_SET_OPTION (multi-statements on/off) as an internal command. */
    public Future<OkPacket> setOption(int option, long timeoutMillis) {
        return runInternal(Command.COM_SET_OPTION, new byte[] {(byte) option, (byte) (option >> 8)}, timeoutMillis);
    }

    private Promise<OkPacket> newPromise() {
        return ctx == null ? ImmediateEventExecutor.INSTANCE.newPromise() : ctx.executor().newPromise();
    }

    /** Starts an internal command on the loop; the response goes to an {@link InternalCommand}, not to the sink. */
    private Future<OkPacket> runInternal(int command, byte[] argument, long timeoutMillis) {
        Promise<OkPacket> promise = newPromise();
        if (ctx == null) {
            return promise.setFailure(new IllegalStateException("connection to " + node + " is not open"));
        }
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> startInternal(command, argument, timeoutMillis, promise));
        } else {
            startInternal(command, argument, timeoutMillis, promise);
        }
        return promise;
    }

    private void startInternal(int command, byte[] argument, long timeoutMillis, Promise<OkPacket> promise) {
        if (phase != Phase.READY || !ctx.channel().isActive()) {
            promise.tryFailure(new IOException("connection to " + node + " is " + (phase == Phase.READY ? "closed" : phase)));
            return;
        }
        if (internal != null || inCommand()) {
            promise.tryFailure(new IllegalStateException("connection to " + node + " is busy"));
            return;
        }
        InternalCommand ic = new InternalCommand(command, promise, sink);
        internal = ic;
        sink = ic;
        tracker.begin(command, false);
        if (okLocator != null) {
            okLocator.begin(command);
        }
        int length = 1 + (argument == null ? 0 : argument.length);
        ByteBuf buf = PacketWriter.begin(ctx.alloc(), length);
        buf.writeByte(command);
        if (argument != null) {
            buf.writeBytes(argument);
        }
        ByteBuf frame = PacketWriter.finish(buf, 0);
        meter.bytesSent(frame.readableBytes());
        ctx.writeAndFlush(frame, ctx.voidPromise());
        if (timeoutMillis > 0) {
            ic.timer = ctx.executor().schedule(() -> {
                if (internal == ic) {
                    log.info("node={} thread={} no answer to {} within {} ms, aborting", node, serverThreadId(),
                        Command.name(command), timeoutMillis);
                    fail(new IOException(node + " did not answer " + Command.name(command) + " within " + timeoutMillis + " ms"));
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Fails a pending internal command without reporting to anyone else. */
    private void failInternal(Throwable cause) {
        InternalCommand ic = internal;
        if (ic != null) {
            internal = null;
            ic.cancelTimer();
            ic.promise.tryFailure(cause);
        }
    }

    /** Consumes the response to an internal command; stands in for the session's sink meanwhile. */
    private final class InternalCommand implements ResponseSink {
        final int command;
        final Promise<OkPacket> promise;
        /** The sink attached before the command; restored when it completes, told about a lost backend. */
        ResponseSink previous;
        ScheduledFuture<?> timer;
        ErrPacket error;
        OkPacket ok;
        boolean prepareSeen;

        InternalCommand(int command, Promise<OkPacket> promise, ResponseSink previous) {
            this.command = command;
            this.promise = promise;
            this.previous = previous;
        }

        @Override
        public void onResponseFrame(Packet frame, ResponseTracker.Event event) {
            try {
                if (event == ResponseTracker.Event.LOCAL_INFILE_REQUEST) {
                    throw new MalformedPacketException("LOCAL INFILE request in answer to an internal "
                        + Command.name(command));
                }
                if (command == Command.COM_STMT_PREPARE && !prepareSeen) {
                    prepareSeen = true;
                    ByteBuf p = frame.payload();
                    if (frame.firstByte() == OkPacket.HEADER && p.readableBytes() >= 9) {
                        lastPrepared = new int[] {p.getIntLE(1), p.getUnsignedShortLE(7), p.getUnsignedShortLE(5)};
                    }
                }
                if (event != ResponseTracker.Event.COMPLETE) {
                    return;
                }
                int first = frame.firstByte();
                if (command == Command.COM_STMT_PREPARE && first == OkPacket.HEADER) {
                    // A statement without parameters and columns: the prepare OK is the whole answer.
                    ok = OkPacket.of(statusFlags);
                } else if (first == ErrPacket.HEADER) {
                    error = ErrPacket.decode(frame.payload());
                } else if (first == OkPacket.HEADER
                    || (first == OkPacket.EOF_HEADER && Capabilities.has(capabilities, Capabilities.CLIENT_DEPRECATE_EOF))) {
                    ok = OkPacketRewriter.decode(frame.payload(), capabilities);
                } else if (first == EofPacket.HEADER) {
                    ok = OkPacket.of(EofPacket.decode(frame.payload()).statusFlags());
                } else {
                    ok = OkPacket.of(tracker.statusFlags());
                }
            } finally {
                frame.release();
            }
            complete();
        }

        private void complete() {
            cancelTimer();
            if (internal == this) {
                internal = null;
                sink = previous;
            }
            lastActivityNanos = System.nanoTime();
            if (error != null) {
                promise.tryFailure(new BackendCommandException(node.name() + " answered " + Command.name(command)
                    + " with error " + error.errorCode() + ": " + error.message(), error));
            } else {
                promise.trySuccess(ok);
            }
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        @Override
        public void onReadComplete() {
            if (previous != null) {
                previous.onReadComplete();
            }
        }

        @Override
        public void onWritabilityChanged(boolean writable) {
            if (previous != null) {
                previous.onWritabilityChanged(writable);
            }
        }

        @Override
        public void onBackendLost(Throwable cause) {
            // Handled in fail(): the promise fails and the previous sink is told.
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        loginTimer = ctx.executor().schedule(() -> {
            if (!loginPromise.isDone()) {
                failLogin(new BackendLoginException("login to " + node + " timed out after " + loginTimeoutMillis + " ms",
                    (Throwable) null));
            }
        }, loginTimeoutMillis, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Packet frame = (Packet) msg;
        unmeteredIn += Packet.HEADER_SIZE + frame.payloadLength(); // a framed packet is exactly its frame
        if (unmeteredIn >= Integer.MAX_VALUE / 2) {
            meterIn();
        }
        try {
            switch (phase) {
                case GREETING:
                    onGreeting(frame);
                    break;
                case AUTH:
                    onAuthReply(frame);
                    break;
                case CHANGE_USER:
                    onChangeUserReply(frame);
                    break;
                case READY: {
                    Packet owned = frame;
                    frame = null; // ownership passed on
                    onResponseFrame(owned);
                    break;
                }
                default:
                    break;
            }
        } catch (RuntimeException e) {
            log.warn("node={} protocol error from server: {}", node, e.getMessage());
            fail(e);
        } finally {
            if (frame != null) {
                ReferenceCountUtil.release(frame);
            }
        }
    }

    private void onResponseFrame(Packet frame) {
        if (tracker == null || !tracker.inProgress() || sink == null) {
            ReferenceCountUtil.release(frame);
            // An unsolicited packet (e.g. the server telling us it killed the connection): unusable now.
            log.info("node={} thread={} unexpected packet while idle, closing", node, serverThreadId());
            fail(new IOException("unexpected packet from " + node + " while idle"));
            return;
        }
        ResponseTracker.Event event;
        List<SessionStateChange> changes = List.of();
        try {
            boolean ok = okLocator != null && okLocator.onFrame(frame);
            event = tracker.onFrame(frame);
            if (ok && sink != internal) {
                // Relayed OK on a tracking connection: report its state changes, and for a client that did not
                // ask for session tracking, give it the OK layout it expects.
                if (stripSessionState) {
                    OkPacketRewriter.Result r = OkPacketRewriter.stripSessionState(frame);
                    frame = r.frame();
                    changes = r.changes();
                } else {
                    changes = OkPacketRewriter.sessionStateChanges(frame);
                }
            }
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(frame);
            throw e;
        }
        if (event == ResponseTracker.Event.COMPLETE) {
            statusFlags = tracker.statusFlags();
            warnings = tracker.warnings();
            if (warnings > 0) {
                mayHoldWarnings = true;
            }
            lastActivityNanos = System.nanoTime();
            meter.answered(lastActivityNanos);
            meterIn(); // a finished response is fully counted by the time anyone hears of it
        }
        ResponseSink s = sink;
        if (!changes.isEmpty()) {
            s.onSessionStateChanges(changes);
            if (sink != s) {
                // The sink detached itself while told about the changes.
                ReferenceCountUtil.release(frame);
                return;
            }
        }
        s.onResponseFrame(frame, event);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        meterIn();
        ResponseSink s = sink;
        if (s != null) {
            s.onReadComplete();
        }
    }

    private void meterIn() {
        if (unmeteredIn > 0) {
            meter.bytesReceived((int) unmeteredIn);
            unmeteredIn = 0;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ResponseSink s = sink;
        if (s != null) {
            s.onWritabilityChanged(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        meterIn();
        fail(new IOException("connection to " + node + " closed"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
    }

    private void onGreeting(Packet frame) {
        if (frame.firstByte() == ErrPacket.HEADER) {
            // e.g. "Too many connections" or "Host is blocked" before the greeting.
            ErrPacket err = ErrPacket.decode(frame.payload());
            failLogin(new BackendLoginException("node " + node + " refused the connection: " + err.message(), err));
            return;
        }
        greeting = HandshakeV10.decode(frame.payload());
        long serverCaps = greeting.capabilities();
        if (!Capabilities.has(serverCaps, Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION)) {
            failLogin(new BackendLoginException("node " + node + " does not speak protocol 4.1", (Throwable) null));
            return;
        }
        long wanted = (login.capabilities() & RELAYABLE_CAPABILITIES) | REQUIRED_CAPABILITIES;
        boolean withDb = login.database() != null && !login.database().isEmpty();
        wanted = withDb ? wanted | Capabilities.CLIENT_CONNECT_WITH_DB : wanted & ~Capabilities.CLIENT_CONNECT_WITH_DB;
        if (login.trackSessionState()) {
            if (!Capabilities.has(serverCaps, Capabilities.CLIENT_SESSION_TRACK)) {
                failLogin(new BackendLoginException("node " + node + " (" + greeting.serverVersion() + ") cannot report"
                    + " session state changes (no CLIENT_SESSION_TRACK); MariaDB 10.2 or later is required", (Throwable) null));
                return;
            }
            wanted |= Capabilities.CLIENT_SESSION_TRACK;
        }
        if (tls != null) {
            if (!Capabilities.has(serverCaps, Capabilities.CLIENT_SSL)) {
                failLogin(new BackendLoginException("node " + node + " (" + greeting.serverVersion() + ") does not offer TLS,"
                    + " but use_ssl is on for it (configure ssl_cert/ssl_key on the node, or turn use_ssl off)",
                    (Throwable) null));
                return;
            }
            wanted |= Capabilities.CLIENT_SSL;
        }
        capabilities = wanted & (serverCaps | Capabilities.CLIENT_LONG_PASSWORD) & 0xFFFFFFFFL;
        tracker = new ResponseTracker(capabilities);
        if (login.trackSessionState()) {
            okLocator = new OkFrameLocator(capabilities);
            stripSessionState = !Capabilities.has(login.capabilities(), Capabilities.CLIENT_SESSION_TRACK);
        }
        if (tls == null) {
            sendHandshakeResponse(frame.sequenceId() + 1);
            return;
        }
        // Still bounded by the login timer; a failed handshake also reaches exceptionCaught, and whichever
        // comes first fails the login.
        phase = Phase.TLS;
        int seq = frame.sequenceId() + 2;
        meter.bytesSent(4 + SslRequest.LENGTH);
        ClientTlsUpgrade.upgrade(ctx.channel(), tls, node.host(), node.port(),
                new SslRequest(capabilities, login.maxPacketSize(), login.characterSet()))
            .addListener(f -> {
                if (phase != Phase.TLS) {
                    return;
                }
                if (f.isSuccess()) {
                    sendHandshakeResponse(seq);
                } else {
                    failLogin(new BackendLoginException("TLS handshake with " + node + " failed: " + describe(rootCause(f.cause())),
                        f.cause()));
                }
            });
    }

    private void sendHandshakeResponse(int seq) {
        boolean withDb = login.database() != null && !login.database().isEmpty();
        auth = new BackendAuth(node, login.credentials(), tls != null);
        byte[] token = auth.token(greeting.authPluginName(), greeting.authPluginData());
        HandshakeResponse41 response = new HandshakeResponse41(capabilities, login.maxPacketSize(), login.characterSet(),
            login.credentials().username(), token, withDb ? login.database() : null, auth.plugin(),
            login.connectAttributes());
        phase = Phase.AUTH;
        send(response.toFrame(ctx.alloc(), seq, capabilities));
    }

    private static Throwable rootCause(Throwable t) {
        while (t != null && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private void send(ByteBuf frame) {
        meter.bytesSent(frame.readableBytes());
        ctx.writeAndFlush(frame);
    }

    private void onAuthReply(Packet frame) {
        switch (frame.firstByte()) {
            case OkPacket.HEADER:
                auth = null;
                statusFlags = OkPacketRewriter.decode(frame.payload(), capabilities).statusFlags();
                phase = Phase.READY;
                if (okLocator == null) {
                    completeLogin();
                } else {
                    // Still bounded by the login timer.
                    runInternal(Command.COM_QUERY, TRACKING_SETUP, 0)
                        .addListener((Future<OkPacket> f) -> {
                            if (f.isSuccess()) {
                                completeLogin();
                            } else if (f.cause() instanceof BackendCommandException bce) {
                                failLogin(new BackendLoginException("node " + node + " refused to enable session state"
                                    + " tracking: " + bce.serverError().message(), bce.serverError()));
                            } else {
                                failLogin(new BackendLoginException("login to " + node + " failed: " + describe(f.cause()),
                                    f.cause()));
                            }
                        });
                }
                break;
            case ErrPacket.HEADER: {
                ErrPacket err = ErrPacket.decode(frame.payload());
                failLogin(new BackendLoginException("node " + node + " refused login of "
                    + login.credentials().username() + ": " + err.message(), err));
                break;
            }
            default:
                continueAuth(frame);
        }
    }

    /** A login or change-of-user packet that is neither OK nor ERR: the auth plugin's business. */
    private void continueAuth(Packet frame) {
        BackendAuth.Next next = auth == null
            ? new BackendAuth.Fail(new BackendLoginException("unexpected packet from " + node + " during login", (Throwable) null))
            : auth.onPacket(frame.payload());
        if (next instanceof BackendAuth.Send send) {
            byte[] reply = send.payload();
            ByteBuf buf = ctx.alloc().buffer(4 + reply.length);
            buf.writeMediumLE(reply.length).writeByte(frame.sequenceId() + 1).writeBytes(reply);
            send(buf);
        } else if (next instanceof BackendAuth.Fail fail) {
            if (phase == Phase.CHANGE_USER) {
                failChangeUser(fail.cause());
            } else {
                failLogin(fail.cause());
            }
        }
    }

    private void completeLogin() {
        if (phase != Phase.READY || loginPromise.isDone()) {
            return;
        }
        cancelLoginTimer();
        lastActivityNanos = System.nanoTime();
        meterIn(); // the login's bytes are counted by the time the caller holds the connection
        loginPromise.trySuccess(this);
    }

    private void onChangeUserReply(Packet frame) {
        switch (frame.firstByte()) {
            case OkPacket.HEADER: {
                auth = null;
                OkPacket ok = OkPacketRewriter.decode(frame.payload(), capabilities);
                statusFlags = ok.statusFlags();
                phase = Phase.READY;
                lastActivityNanos = System.nanoTime();
                sessionState.reset(changeUserDatabase);
                statements.clear();
                if (okLocator == null) {
                    Promise<OkPacket> p = changeUserPromise;
                    changeUserPromise = null;
                    p.trySuccess(ok);
                    break;
                }
                // COM_CHANGE_USER reset the session's variables: turn tracking on again before answering.
                runInternal(Command.COM_QUERY, TRACKING_SETUP, loginTimeoutMillis)
                    .addListener((Future<OkPacket> f) -> {
                        Promise<OkPacket> p = changeUserPromise;
                        changeUserPromise = null;
                        if (p == null) {
                            return;
                        }
                        if (f.isSuccess()) {
                            p.trySuccess(ok);
                        } else {
                            phase = Phase.CLOSED;
                            ctx.channel().close();
                            p.tryFailure(new BackendLoginException("cannot enable session state tracking on " + node
                                + " after change of user: " + describe(f.cause()), f.cause()));
                        }
                    });
                break;
            }
            case ErrPacket.HEADER: {
                ErrPacket err = ErrPacket.decode(frame.payload());
                failChangeUser(new BackendLoginException("node " + node + " refused change of user to "
                    + currentCredentials.username() + ": " + err.message(), err));
                break;
            }
            default:
                continueAuth(frame);
        }
    }

    private void failChangeUser(BackendLoginException e) {
        Promise<OkPacket> p = changeUserPromise;
        changeUserPromise = null;
        // A failed change of user leaves the server side unauthenticated: this connection is finished.
        phase = Phase.CLOSED;
        failInternal(e);
        ctx.channel().close();
        if (p != null) {
            p.tryFailure(e);
        }
    }

    private void failLogin(BackendLoginException e) {
        cancelLoginTimer();
        phase = Phase.CLOSED;
        sink = null;
        failInternal(e);
        ctx.channel().close();
        loginPromise.tryFailure(e);
    }

    private void fail(Throwable cause) {
        Phase was = phase;
        phase = Phase.CLOSED;
        cancelLoginTimer();
        if (ctx.channel().isOpen()) {
            ctx.channel().close();
        }
        if (!loginPromise.isDone()) {
            String what = was == Phase.TLS ? "TLS handshake with " + node : "login to " + node;
            loginPromise.tryFailure(new BackendLoginException(what + " failed: " + describe(rootCause(cause)), cause));
        }
        if (changeUserPromise != null) {
            Promise<OkPacket> p = changeUserPromise;
            changeUserPromise = null;
            p.tryFailure(new BackendLoginException("connection to " + node + " lost during change of user", cause));
        }
        ResponseSink s = sink;
        sink = null;
        InternalCommand ic = internal;
        if (ic != null) {
            // The session that was attached before the internal command must hear about the loss too.
            s = ic.previous;
            failInternal(cause);
        }
        if (s != null && was != Phase.CLOSED) {
            s.onBackendLost(cause);
        }
    }

    private void cancelLoginTimer() {
        if (loginTimer != null) {
            loginTimer.cancel(false);
            loginTimer = null;
        }
    }

    private static String describe(Throwable t) {
        return t == null ? "unknown" : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
