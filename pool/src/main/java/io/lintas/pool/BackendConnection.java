package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.lintas.wire.ErrorCode;
import io.lintas.wire.Packet;
import io.lintas.wire.ResponseTracker;
import io.lintas.wire.auth.NativePassword;
import io.lintas.wire.message.AuthSwitchRequest;
import io.lintas.wire.message.ChangeUser;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.HandshakeResponse41;
import io.lintas.wire.message.HandshakeV10;
import io.lintas.wire.message.OkPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One authenticated connection to a database node. It logs in, then relays commands: the caller writes a
 * command's frames, and every response frame goes, unchanged, to the attached {@link ResponseSink}
 * together with what the {@link ResponseTracker} makes of it. All methods must be called on the
 * channel's event loop.
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

    private enum Phase { GREETING, AUTH, READY, CHANGE_USER, CLOSED }

    private final BackendNode node;
    private final LoginRequest login;
    private final Promise<BackendConnection> loginPromise;
    private final long loginTimeoutMillis;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.GREETING;
    private HandshakeV10 greeting;
    private long capabilities;
    private ResponseTracker tracker;
    private ResponseSink sink;
    private int statusFlags;
    private ScheduledFuture<?> loginTimer;
    private BackendCredentials currentCredentials;
    private Promise<OkPacket> changeUserPromise;

    BackendConnection(BackendNode node, LoginRequest login, Promise<BackendConnection> loginPromise, long loginTimeoutMillis) {
        this.node = node;
        this.login = login;
        this.loginPromise = loginPromise;
        this.loginTimeoutMillis = loginTimeoutMillis;
        this.currentCredentials = login.credentials();
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
        this.sink = sink;
        if (ResponseTracker.expectsResponse(command)) {
            tracker.begin(command, cursorRequested);
        }
    }

    /** Writes one frame (ownership passes to the connection); not flushed. */
    public void write(Packet frame) {
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
        sink = null;
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
        byte[] token = NativePassword.token(credentials.stage1(), greeting.authPluginData());
        ChangeUser msg = new ChangeUser(credentials.username(), token, database, characterSet,
            NativePassword.PLUGIN_NAME, attributes);
        ctx.writeAndFlush(msg.toFrame(ctx.alloc(), 0, capabilities));
        return promise;
    }

    /** Says COM_QUIT and closes. */
    public void close() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        sink = null;
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
        ctx.channel().close();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        loginTimer = ctx.executor().schedule(() -> {
            if (phase == Phase.GREETING || phase == Phase.AUTH) {
                failLogin(new BackendLoginException("login to " + node + " timed out after " + loginTimeoutMillis + " ms",
                    (Throwable) null));
            }
        }, loginTimeoutMillis, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Packet frame = (Packet) msg;
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
                case READY:
                    onResponseFrame(frame);
                    frame = null; // ownership passed on
                    break;
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
        try {
            event = tracker.onFrame(frame);
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(frame);
            throw e;
        }
        if (event == ResponseTracker.Event.COMPLETE) {
            statusFlags = tracker.statusFlags();
        }
        sink.onResponseFrame(frame, event);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ResponseSink s = sink;
        if (s != null) {
            s.onReadComplete();
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
        capabilities = wanted & (serverCaps | Capabilities.CLIENT_LONG_PASSWORD) & 0xFFFFFFFFL;
        tracker = new ResponseTracker(capabilities);
        byte[] token = NativePassword.token(login.credentials().stage1(), greeting.authPluginData());
        HandshakeResponse41 response = new HandshakeResponse41(capabilities, login.maxPacketSize(), login.characterSet(),
            login.credentials().username(), token, withDb ? login.database() : null, NativePassword.PLUGIN_NAME,
            login.connectAttributes());
        phase = Phase.AUTH;
        ctx.writeAndFlush(response.toFrame(ctx.alloc(), frame.sequenceId() + 1, capabilities));
    }

    private void onAuthReply(Packet frame) {
        switch (frame.firstByte()) {
            case OkPacket.HEADER:
                statusFlags = OkPacket.decode(frame.payload(), capabilities).statusFlags();
                phase = Phase.READY;
                cancelLoginTimer();
                loginPromise.trySuccess(this);
                break;
            case ErrPacket.HEADER: {
                ErrPacket err = ErrPacket.decode(frame.payload());
                failLogin(new BackendLoginException("node " + node + " refused login of "
                    + login.credentials().username() + ": " + err.message(), err));
                break;
            }
            case AuthSwitchRequest.HEADER:
                switchAuth(frame, login.credentials());
                break;
            default:
                failLogin(new BackendLoginException("node " + node + " asked for an authentication exchange the proxy"
                    + " does not support (packet 0x" + Integer.toHexString(frame.firstByte()) + ")", (Throwable) null));
        }
    }

    private void switchAuth(Packet frame, BackendCredentials credentials) {
        AuthSwitchRequest req = AuthSwitchRequest.decode(frame.payload());
        if (!NativePassword.PLUGIN_NAME.equals(req.pluginName())) {
            BackendLoginException e = new BackendLoginException("node " + node + " wants auth plugin " + req.pluginName()
                + " for user " + credentials.username() + "; the proxy logs in to backends with mysql_native_password",
                ErrPacket.of(ErrorCode.ER_NOT_SUPPORTED_AUTH_MODE, "Backend requires unsupported authentication plugin "
                    + req.pluginName()));
            if (phase == Phase.CHANGE_USER) {
                failChangeUser(e);
            } else {
                failLogin(e);
            }
            return;
        }
        byte[] token = NativePassword.token(credentials.stage1(), req.pluginData());
        ByteBuf buf = ctx.alloc().buffer(4 + token.length);
        buf.writeMediumLE(token.length).writeByte(frame.sequenceId() + 1).writeBytes(token);
        ctx.writeAndFlush(buf);
    }

    private void onChangeUserReply(Packet frame) {
        switch (frame.firstByte()) {
            case OkPacket.HEADER: {
                OkPacket ok = OkPacket.decode(frame.payload(), capabilities);
                statusFlags = ok.statusFlags();
                phase = Phase.READY;
                Promise<OkPacket> p = changeUserPromise;
                changeUserPromise = null;
                p.trySuccess(ok);
                break;
            }
            case ErrPacket.HEADER: {
                ErrPacket err = ErrPacket.decode(frame.payload());
                failChangeUser(new BackendLoginException("node " + node + " refused change of user to "
                    + currentCredentials.username() + ": " + err.message(), err));
                break;
            }
            case AuthSwitchRequest.HEADER:
                switchAuth(frame, currentCredentials);
                break;
            default:
                failChangeUser(new BackendLoginException("unexpected reply to COM_CHANGE_USER from " + node, (Throwable) null));
        }
    }

    private void failChangeUser(BackendLoginException e) {
        Promise<OkPacket> p = changeUserPromise;
        changeUserPromise = null;
        // A failed change of user leaves the server side unauthenticated: this connection is finished.
        phase = Phase.CLOSED;
        ctx.channel().close();
        if (p != null) {
            p.tryFailure(e);
        }
    }

    private void failLogin(BackendLoginException e) {
        cancelLoginTimer();
        phase = Phase.CLOSED;
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
        if (was == Phase.GREETING || was == Phase.AUTH) {
            loginPromise.tryFailure(new BackendLoginException("login to " + node + " failed: " + describe(cause), cause));
        }
        if (changeUserPromise != null) {
            Promise<OkPacket> p = changeUserPromise;
            changeUserPromise = null;
            p.tryFailure(new BackendLoginException("connection to " + node + " lost during change of user", cause));
        }
        ResponseSink s = sink;
        sink = null;
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
