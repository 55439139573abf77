package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.PacketFramer;
import io.lintas.wire.tls.TlsContextFactory;
import io.lintas.wire.tls.TlsSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import javax.net.ssl.SSLException;
import java.net.ConnectException;

/**
 * Opens and logs in backend connections. A connection is created on the event loop of the client session
 * that asks for it, so relaying between the two never crosses threads.
 */
public final class BackendConnector {
    private final Class<? extends Channel> channelClass;
    private final int connectTimeoutMillis;
    private volatile SslContext tls;

    /**
     * @param channelClass         socket channel type matching the event loops (epoll or NIO)
     * @param connectTimeoutMillis bound on TCP connect and on the whole login exchange
     */
    public BackendConnector(Class<? extends Channel> channelClass, int connectTimeoutMillis) {
        this(channelClass, connectTimeoutMillis, null);
    }

    /**
     * @param tls TLS for nodes with {@link BackendNode#useSsl()}; null means the JDK trust store with certificate
     *            and host name checked, built when the first such node is connected
     */
    public BackendConnector(Class<? extends Channel> channelClass, int connectTimeoutMillis, SslContext tls) {
        this.channelClass = channelClass;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.tls = tls;
    }

    private SslContext tlsFor(BackendNode node) throws SSLException {
        if (!node.useSsl()) {
            return null;
        }
        SslContext c = tls;
        if (c == null) {
            // A node switched to use_ssl at runtime without backend.tls: verify against the JDK's CAs.
            c = TlsContextFactory.forBackends(TlsSettings.Backend.verified(null, true));
            tls = c;
        }
        return c;
    }

    /** Connects to {@code node} and logs in; the future completes on {@code loop}. */
    public Future<BackendConnection> connect(EventLoop loop, BackendNode node, LoginRequest login) {
        return connect(loop, node, login, connectTimeoutMillis, TrafficMeter.NONE);
    }

    /**
     * Connects to {@code node} and logs in within {@code connectTimeoutMillis} (TCP connect, login, and with
     * {@link LoginRequest#trackSessionState()} the tracking setup); the future completes on {@code loop}.
     * The connection reports its traffic to {@code meter}.
     */
    public Future<BackendConnection> connect(EventLoop loop, BackendNode node, LoginRequest login, int connectTimeoutMillis,
                                             TrafficMeter meter) {
        Promise<BackendConnection> promise = loop.newPromise();
        SslContext nodeTls;
        try {
            nodeTls = tlsFor(node);
        } catch (SSLException e) {
            return promise.setFailure(new BackendLoginException("cannot set up TLS for " + node + ": " + e.getMessage(), e));
        }
        BackendConnection connection = new BackendConnection(node, login, promise, connectTimeoutMillis, meter, nodeTls);
        Bootstrap b = new Bootstrap()
            .group(loop)
            .channel(channelClass)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast("framer", new PacketFramer());
                    ch.pipeline().addLast("backend", connection);
                }
            });
        ChannelFuture cf = b.connect(node.host(), node.port());
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                String why = cause instanceof ConnectException ? "connection refused" : String.valueOf(cause.getMessage());
                promise.tryFailure(new BackendLoginException("cannot connect to " + node + ": " + why, cause));
            }
        });
        return promise;
    }
}
