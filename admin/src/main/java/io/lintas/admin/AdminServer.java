package io.lintas.admin;

import io.lintas.admin.net.AdminSession;
import io.lintas.admin.spi.AdminRuntime;
import io.lintas.admin.sql.AdminSqlEngine;
import io.lintas.wire.PacketFramer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The admin interface: a MySQL-protocol server (ProxySQL's port 6032) over an embedded table engine. It has its
 * own event loop (one thread) and its own SQL thread, so nothing an operator runs can delay client traffic.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final AdminSettings settings;
    private final AdminRuntime runtime;
    private final AtomicLong connectionIds = new AtomicLong();
    private EventLoopGroup group;
    private ExecutorService sqlExecutor;
    private AdminSqlEngine engine;
    private Channel listener;

    /** Prepares the server; nothing is bound until {@link #start()}. */
    public AdminServer(AdminSettings settings, AdminRuntime runtime) {
        this.settings = settings;
        this.runtime = runtime;
    }

    /**
     * Creates the tables from the running configuration and binds the listener.
     *
     * @throws IllegalStateException when the settings are unsafe (see {@link AdminSettings#requireSafe()})
     * @throws IOException when the tables cannot be created or the port cannot be bound
     */
    public synchronized void start() throws IOException, InterruptedException {
        if (listener != null) {
            throw new IllegalStateException("admin server already started");
        }
        settings.requireSafe();
        sqlExecutor = Executors.newSingleThreadExecutor(new DefaultThreadFactory("lintas-admin-sql", true));
        try {
            // The H2 connection is created on the thread that will use it.
            engine = sqlExecutor.submit(() -> new AdminSqlEngine(runtime)).get();
        } catch (ExecutionException e) {
            close();
            throw new IOException("cannot create the admin tables: " + e.getCause().getMessage(), e.getCause());
        }
        AdminSession.Shared shared = new AdminSession.Shared(settings.username(), settings.passwordStage2(), engine, sqlExecutor,
            System.nanoTime());
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lintas-admin", true), NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast("framer", new PacketFramer());
                    ch.pipeline().addLast("session", new AdminSession(shared, connectionIds.incrementAndGet()));
                }
            });
        try {
            listener = b.bind(new InetSocketAddress(settings.address(), settings.port())).sync().channel();
        } catch (Exception e) {
            close();
            throw new IOException("cannot bind the admin interface to " + settings.address() + ":" + settings.port()
                + ": " + e.getMessage(), e);
        }
        log.info("admin interface listening on {}", listener.localAddress());
    }

    /** The bound address (useful with port 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The bound port. */
    public int port() {
        return localAddress().getPort();
    }

    /** Closes the listener and every admin connection, then the tables. */
    @Override
    public synchronized void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly();
            listener = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            group = null;
        }
        if (sqlExecutor != null) {
            AdminSqlEngine e = engine;
            if (e != null) {
                sqlExecutor.execute(e::close);
            }
            sqlExecutor.shutdown();
            try {
                sqlExecutor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            sqlExecutor = null;
            engine = null;
        }
    }
}
