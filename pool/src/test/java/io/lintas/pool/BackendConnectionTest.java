package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.Capabilities;
import io.lintas.wire.Command;
import io.lintas.wire.ServerStatus;
import io.lintas.wire.SessionTracking;
import io.lintas.wire.auth.CachingSha2ClientExchange;
import io.lintas.wire.auth.CachingSha2ServerExchange;
import io.lintas.wire.auth.NativePassword;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SessionStateChange;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendConnectionTest {
    static final BackendCredentials APP = new BackendCredentials("app", null);
    static final long CLIENT = LoginRequest.POOL_BASE_CAPABILITIES | Capabilities.CLIENT_DEPRECATE_EOF;
    static EventLoopGroup group;
    FakeMysqlServer server;
    BackendNode node;
    BackendConnector connector;
    EventLoop loop;

    @BeforeAll
    static void loops() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void start() throws Exception {
        server = new FakeMysqlServer();
        node = server.node("fake");
        connector = new BackendConnector(NioSocketChannel.class, 1000);
        loop = group.next();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private BackendConnection connect(long caps, boolean track, TrafficMeter meter) throws Exception {
        LoginRequest login = new LoginRequest(APP, null, caps, 45, 1 << 24, Map.of(), track);
        return connector.connect(loop, node, login, 1000, meter).get(5, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void pingIsAnsweredAndConsumed() throws Exception {
        BackendConnection c = connect(CLIENT, false, null);
        long before = c.lastActivityNanos();
        OkPacket ok = await(c.ping(1000));
        assertEquals(ServerStatus.AUTOCOMMIT, ok.statusFlags());
        assertEquals(1, server.pings.get());
        assertTrue(c.lastActivityNanos() >= before);
        assertFalse(c.inCommand());
        assertFalse(c.inInternalCommand());
        // The connection still relays normally afterwards.
        assertEquals(1, Relay.query(c, "UPDATE t").frames().size());
        Relay.onLoop(c, () -> { c.close(); return null; });
    }

    @Test
    void internalErrorFailsTheFutureButKeepsTheConnection() throws Exception {
        BackendConnection c = connect(CLIENT, false, null);
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(c.executeInternal("ERROR please", 1000)));
        BackendCommandException bce = assertInstanceOf(BackendCommandException.class, e.getCause());
        assertEquals(1064, bce.serverError().errorCode());
        assertTrue(Relay.onLoop(c, c::isUsable));
        assertNotNull(await(c.ping(1000)));
    }

    @Test
    void internalQueryWithRowsIsConsumed() throws Exception {
        BackendConnection classic = connect(LoginRequest.POOL_BASE_CAPABILITIES, false, null);
        assertEquals(ServerStatus.AUTOCOMMIT, await(classic.executeInternal("SELECT x", 1000)).statusFlags());
        BackendConnection modern = connect(CLIENT, false, null);
        assertEquals(ServerStatus.AUTOCOMMIT, await(modern.executeInternal("SELECT x", 1000)).statusFlags());
        assertEquals(ServerStatus.AUTOCOMMIT, await(modern.initDb("app", 1000)).statusFlags());
    }

    @Test
    void busyConnectionRefusesInternalCommands() throws Exception {
        BackendConnection c = connect(CLIENT, false, null);
        server.answerPings = false;
        Future<OkPacket> first = c.ping(2000);
        Future<OkPacket> second = c.ping(2000);
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(second));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertThrows(IllegalStateException.class, () -> {
            try {
                Relay.onLoop(c, () -> {
                    c.startCommand(Command.COM_QUERY, false, new Relay.CollectingSink(loop));
                    return null;
                });
            } catch (ExecutionException ex) {
                throw ex.getCause();
            }
        });
        Relay.onLoop(c, () -> { c.abort(); return null; });
        assertThrows(ExecutionException.class, () -> await(first));
    }

    @Test
    void pingTimeoutAbortsAndTellsTheAttachedSink() throws Exception {
        BackendConnection c = connect(CLIENT, false, null);
        // A session is attached (a finished command leaves its sink attached).
        Relay.CollectingSink sink = new Relay.CollectingSink(loop);
        Relay.onLoop(c, () -> {
            c.startCommand(Command.COM_PING, false, sink);
            c.write(new io.lintas.wire.Packet(io.lintas.wire.PacketWriter.finish(
                io.lintas.wire.PacketWriter.begin(c.channel().alloc(), 1).writeByte(Command.COM_PING), 0)));
            c.flush();
            return null;
        });
        await(sink.done);
        server.answerPings = false;
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(c.ping(100)));
        assertInstanceOf(IOException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("did not answer COM_PING within 100 ms"), e.getCause().getMessage());
        assertFalse(Relay.onLoop(c, c::isUsable));
        assertNotNull(sink.lost, "the session attached before the ping hears about the loss");
    }

    @Test
    void abortWithCauseReportsToTheSink() throws Exception {
        BackendConnection c = connect(CLIENT, false, null);
        Relay.CollectingSink sink = new Relay.CollectingSink(loop);
        Relay.onLoop(c, () -> { c.startCommand(Command.COM_QUERY, false, sink); return null; });
        NodeUnavailableException cause = new NodeUnavailableException(node, "gone");
        c.abort(cause);
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(sink.done));
        assertEquals(cause, e.getCause());
        assertFalse(Relay.onLoop(c, c::isUsable));
    }

    @Test
    void trafficIsMetered() throws Exception {
        AtomicLong commands = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        TrafficMeter meter = new TrafficMeter() {
            public void commandStarted() { commands.incrementAndGet(); }
            public void bytesSent(int n) { sent.addAndGet(n); }
            public void bytesReceived(int n) { received.addAndGet(n); }
        };
        BackendConnection c = connect(CLIENT, false, meter);
        long afterLoginSent = sent.get();
        long afterLoginReceived = received.get();
        assertTrue(afterLoginSent > 0 && afterLoginReceived > 0, "login counted");
        Relay.Response r = Relay.query(c, "SELECT hello");
        assertEquals(1, commands.get());
        assertEquals(afterLoginSent + 4 + 1 + "SELECT hello".length(), sent.get());
        long frameBytes = r.frames().stream().mapToLong(f -> f.length).sum();
        assertEquals(afterLoginReceived + frameBytes, received.get());
        await(c.ping(1000));
        assertEquals(1, commands.get(), "internal commands are not queries");
        assertEquals(afterLoginSent + 4 + 13 + 5, sent.get());
    }

    @Test
    void trackingLoginEnablesSessionTrackEvenWhenTheClientDidNotAsk() throws Exception {
        BackendConnection c = connect(CLIENT, true, null);
        assertTrue(c.tracksSessionState());
        assertTrue(Capabilities.has(c.capabilities(), Capabilities.CLIENT_SESSION_TRACK));
        assertEquals(List.of(SessionTracking.SETUP_STATEMENT), server.queries);

        // The client did not negotiate CLIENT_SESSION_TRACK: it gets a plain OK, the session gets the changes.
        Relay.Response r = Relay.query(c, "SET time_zone='+02:00'");
        assertEquals(List.of(new SessionStateChange.SystemVariable("time_zone", "+02:00")), r.changes());
        OkPacket plain = OkPacket.decode(io.netty.buffer.Unpooled.wrappedBuffer(r.lastPayload()), CLIENT);
        assertEquals("", plain.info());
        assertEquals(ServerStatus.AUTOCOMMIT, plain.statusFlags());
        assertEquals("0000000200 0000".replace(" ", ""), Frames.hex(r.lastPayload()));

        // Info of an UPDATE keeps its meaning for that client.
        Relay.Response u = Relay.query(c, "UPDATE t SET a=1");
        OkPacket upd = OkPacket.decode(io.netty.buffer.Unpooled.wrappedBuffer(u.lastPayload()), CLIENT);
        assertEquals("Rows matched: 1  Changed: 1  Warnings: 0", upd.info());
        assertEquals(1, upd.affectedRows());

        Relay.Response use = Relay.query(c, "USE shop");
        assertEquals(List.of(new SessionStateChange.Schema("shop")), use.changes());
        // Result sets pass untouched, their closing OK included.
        assertEquals("hello", new String(Relay.query(c, "SELECT hello").frames().get(2), 5, 5,
            java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void trackingClientThatAskedForSessionTrackGetsTheRawOk() throws Exception {
        long caps = CLIENT | Capabilities.CLIENT_SESSION_TRACK;
        BackendConnection c = connect(caps, true, null);
        Relay.Response r = Relay.query(c, "SET sql_mode='ANSI'");
        assertEquals(List.of(new SessionStateChange.SystemVariable("sql_mode", "ANSI")), r.changes());
        OkPacket ok = OkPacket.decode(io.netty.buffer.Unpooled.wrappedBuffer(r.lastPayload()), c.capabilities());
        assertEquals(r.changes(), ok.sessionStateChanges());
    }

    @Test
    void trackingNeedsServerSupport() {
        server.supportSessionTrack = false;
        ExecutionException e = assertThrows(ExecutionException.class, () -> connect(CLIENT, true, null));
        assertInstanceOf(BackendLoginException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("CLIENT_SESSION_TRACK"), e.getCause().getMessage());
    }

    @Test
    void resetAndChangeUserEnableTrackingAgain() throws Exception {
        BackendConnection c = connect(CLIENT, true, null);
        c.markDirty();
        await(c.resetConnection(1000));
        assertFalse(c.isDirty());
        assertEquals(2, server.queries.stream().filter(SessionTracking.SETUP_STATEMENT::equals).count());
        Future<OkPacket> cu = Relay.onLoop(c, () -> c.changeUser(new BackendCredentials("app2", null), null, 45, Map.of()));
        await(cu);
        assertEquals(3, server.queries.stream().filter(SessionTracking.SETUP_STATEMENT::equals).count());
        assertTrue(Relay.onLoop(c, c::isUsable));
    }

    @Test
    void existingLoginWithoutTrackingIsUnchanged() throws Exception {
        LoginRequest login = new LoginRequest(APP, "app", CLIENT, 45, 1 << 24, Map.of());
        assertFalse(login.trackSessionState());
        BackendConnection c = connector.connect(loop, node, login).get(5, TimeUnit.SECONDS);
        assertFalse(c.tracksSessionState());
        assertFalse(Capabilities.has(c.capabilities(), Capabilities.CLIENT_SESSION_TRACK));
        assertTrue(server.queries.isEmpty());
    }

    private static BackendCredentials sha2Credentials(String user, String password) {
        return new BackendCredentials(user, NativePassword.stage1(password), CachingSha2ClientExchange.Secrets.ofPassword(password));
    }

    private BackendConnection connectAs(BackendCredentials creds) throws Exception {
        LoginRequest login = new LoginRequest(creds, null, CLIENT, 45, 1 << 24, Map.of(), true);
        return connector.connect(loop, node, login, 5000, null).get(10, TimeUnit.SECONDS);
    }

    @Test
    void cachingSha2FastPathLogin() throws Exception {
        server.sha2Account = CachingSha2ServerExchange.Account.ofPassword("s3cret");
        BackendConnection c = connectAs(sha2Credentials("app", "s3cret"));
        assertEquals(1, server.sha2Logins.get());
        assertEquals(1, Relay.query(c, "UPDATE t").frames().size());
    }

    @Test
    void cachingSha2FullAuthenticationOverRsa() throws Exception {
        // No cached digest on the server: it asks for the password, which travels RSA-encrypted over plain TCP.
        byte[] stage2 = NativePassword.stage2(NativePassword.stage1("s3cret"));
        server.sha2Account = new CachingSha2ServerExchange.Account(stage2, null);
        BackendConnection c = connectAs(sha2Credentials("app", "s3cret"));
        assertEquals(1, server.sha2Logins.get());
        assertTrue(Relay.onLoop(c, c::isUsable));
    }

    @Test
    void cachingSha2WrongPasswordIsRefused() {
        server.sha2Account = CachingSha2ServerExchange.Account.ofPassword("s3cret");
        ExecutionException e = assertThrows(ExecutionException.class, () -> connectAs(sha2Credentials("app", "wrong")));
        assertInstanceOf(BackendLoginException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("Access denied"), e.getCause().getMessage());
    }

    @Test
    void cachingSha2NeedsTheClearPassword() {
        // Only SHA1(password) known (users[].password_hash): the server switches to caching_sha2, which needs more.
        server.sha2Account = CachingSha2ServerExchange.Account.ofPassword("s3cret");
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> connectAs(new BackendCredentials("app", NativePassword.stage1("s3cret"))));
        BackendLoginException cause = assertInstanceOf(BackendLoginException.class, e.getCause());
        assertTrue(cause.getMessage().contains("needs the user's clear password"), cause.getMessage());
        assertEquals(0, server.sha2Logins.get());
    }

    @Test
    void cachingSha2ChangeUser() throws Exception {
        server.sha2Account = CachingSha2ServerExchange.Account.ofPassword("s3cret");
        BackendConnection c = connectAs(sha2Credentials("app", "s3cret"));
        await(Relay.onLoop(c, () -> c.changeUser(sha2Credentials("app", "s3cret"), null, 45, Map.of())));
        assertEquals(2, server.sha2Logins.get());
        assertTrue(Relay.onLoop(c, c::isUsable));
        Future<OkPacket> wrong = Relay.onLoop(c, () -> c.changeUser(sha2Credentials("app", "nope"), null, 45, Map.of()));
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(wrong));
        assertTrue(e.getCause().getMessage().contains("Access denied"), e.getCause().getMessage());
    }

    @Test
    void useSslNodeWithoutTlsSupportIsRefusedClearly() throws Exception {
        BackendNode tlsNode = new BackendNode("fake", "127.0.0.1", server.port(), true);
        LoginRequest login = new LoginRequest(APP, null, CLIENT, 45, 1 << 24, Map.of());
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> connector.connect(loop, tlsNode, login).get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("does not offer TLS"), e.getCause().getMessage());
    }
}
