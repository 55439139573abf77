package io.lintas.proxy;

import io.lintas.proxy.config.UserAccount;
import io.lintas.proxy.security.ClientSecurity;
import java.io.UncheckedIOException;

import io.lintas.monitor.BackendNode;
import io.lintas.monitor.GaleraMonitor;
import io.lintas.monitor.MonitorSettings;
import io.lintas.monitor.Topology;
import io.lintas.pool.BackendPool;
import io.lintas.router.QueryClassifier;
import io.lintas.pool.GreetingProbe;
import io.lintas.wire.message.HandshakeV10;
import io.netty.util.concurrent.Future;
import io.lintas.proxy.config.LintasConfig;
import io.lintas.admin.AdminServer;
import io.lintas.admin.AdminSettings;
import io.lintas.admin.metrics.LintasMetrics;
import io.lintas.admin.metrics.MetricsServer;
import io.lintas.admin.metrics.MetricsSettings;
import io.lintas.proxy.admin.ProxyAdminRuntime;
import io.lintas.proxy.session.ClientSession;
import io.lintas.proxy.session.ClientTrafficHandler;
import io.lintas.proxy.session.DataPathMetrics;
import io.lintas.proxy.session.ProxyContext;
import io.lintas.proxy.session.ServerIdentity;
import io.lintas.proxy.session.UserDirectory;
import io.lintas.wire.PacketFramer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lintas.wire.tls.TlsContextFactory;
import io.netty.handler.ssl.SslContext;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The client-facing listeners (TCP and optionally a unix socket) and the event loops behind them. */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final LintasConfig config;
    private final boolean epoll = Epoll.isAvailable();
    private final Class<? extends Channel> socketChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final ProxyContext context;
    private final List<Channel> listeners = new ArrayList<>();
    private final GaleraMonitor monitor;
    private final BackendPool pool;
    private final Path configFile;
    private final LintasMetrics metrics;
    private final DataPathMetrics dataPath;
    private AdminServer admin;
    private MetricsServer metricsServer;
    private ProxyAdminRuntime adminRuntime;

    /** Prepares event loops and shared state; nothing is bound until {@link #start()}. */
    public ProxyServer(LintasConfig config) {
        this(config, null);
    }

    /**
     * Prepares event loops and shared state; nothing is bound until {@link #start()}.
     *
     * @param configFile the file {@code config} was read from (the admin's LOAD/SAVE … DISK), or null
     */
    public ProxyServer(LintasConfig config, Path configFile) {
        this.config = config;
        this.configFile = configFile;
        this.metrics = new LintasMetrics();
        this.dataPath = new DataPathMetrics(metrics);
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lintas-accept"), io);
        this.ioGroup = new MultiThreadIoEventLoopGroup(config.proxy().ioThreads(), new DefaultThreadFactory("lintas-io"), io);
        this.pool = new BackendPool(ioGroup, socketChannel, config.pool(), backendTls(config));
        Topology topology = Topology.initial(config.writerOrder(), config.readers());
        this.context = new ProxyContext(config.proxy(), new UserDirectory(config.users()), topology,
            new ServerIdentity(config.proxy().serverVersion()), pool, new QueryClassifier(), config.routing(),
            config.backend(), config.queryRules(), dataPath);
        try {
            this.context.setSecurity(ClientSecurity.build(config.proxy().security(), user -> {
                UserAccount a = context.users().find(user);
                return a == null ? 0 : a.maxConnections();
            }));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the TLS or RSA key files: " + e.getMessage(), e);
        }
        this.monitor = config.monitor().enabled()
            ? new GaleraMonitor(config.monitor().settings(), config.nodes(), config.writerOrder(), config.readers())
            : null;
    }

    /** The client side of TLS towards nodes with use_ssl, as {@code backend.tls} says (validated when the config was read). */
    private static SslContext backendTls(LintasConfig config) {
        try {
            return TlsContextFactory.forBackends(config.backend().tls());
        } catch (SSLException e) {
            throw new UncheckedIOException("cannot set up TLS towards the nodes (backend.tls): " + e.getMessage(), e);
        }
    }

    /** Binds every listener; throws when a port or socket path cannot be bound. */
    public void start() throws IOException, InterruptedException {
        dataPath.setNodes(config.nodes(), pool);
        if (monitor != null) {
            monitor.addListener(t -> {
                context.publish(t);
                dataPath.topology(t);
            });
            context.onNodeFailure(monitor::reportFailure);
            monitor.useDataPathLiveness(pool::lastAnswerNanos);
            monitor.start();
            // Do not send the first clients to a node that is already down: wait (briefly) for one round of checks.
            MonitorSettings ms = config.monitor().settings();
            Duration firstRound = Duration.ofMillis(ms.intervalMs() + ms.timeoutMs() * (ms.maxFailures() + 1L));
            if (!monitor.awaitFirstTopology(firstRound)) {
                log.warn("galera monitor has no verdict on every node after {} ms; starting with writer {}",
                    firstRound.toMillis(), context.topology().writer().map(BackendNode::name).orElse("none"));
            }
        } else {
            dataPath.topology(context.topology());
            log.info("galera monitor disabled (monitor.enabled: false): writes always go to {}",
                context.topology().writer().map(BackendNode::name).orElse("none"));
        }
        learnServerIdentity();
        LintasConfig.ProxySettings p = config.proxy();
        if (p.idleTimeoutMs() > 0) {
            // One sweep over the sessions a second (finer for short timeouts), instead of a timer per command.
            long every = Math.max(100, Math.min(1000, p.idleTimeoutMs() / 10));
            long idleNanos = TimeUnit.MILLISECONDS.toNanos(p.idleTimeoutMs());
            ioGroup.next().scheduleAtFixedRate(() -> context.closeIdleSessions(idleNanos), every, every, TimeUnit.MILLISECONDS);
        }
        Class<? extends ServerChannel> tcp = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Channel ch = bootstrap(tcp).bind(new InetSocketAddress(p.address(), p.port())).sync().channel();
        listeners.add(ch);
        log.info("listening for MySQL clients on {}", ch.localAddress());
        if (p.unixSocket() != null) {
            if (!epoll) {
                throw new IOException("proxy.unix_socket needs the native epoll transport, which is not available here");
            }
            Path path = Path.of(p.unixSocket());
            Files.deleteIfExists(path);
            Channel uds = bootstrap(EpollServerDomainSocketChannel.class)
                .bind(new DomainSocketAddress(path.toString())).sync().channel();
            listeners.add(uds);
            path.toFile().setWritable(true, false);
            path.toFile().setReadable(true, false);
            log.info("listening for MySQL clients on unix socket {}", path);
        }
        log.info("writer order: {}; transport: {}", config.writerOrder(), epoll ? "epoll" : "nio");
        LintasConfig.SecuritySettings sec = p.security();
        log.info("clients: tls={}; auth_plugin={}; max_connections={}; login_throttle={}",
            sec.tls() == null ? "off" : sec.tls().requireTls() ? "required on TCP" : "offered on TCP",
            sec.authPlugin(), sec.maxConnections() == 0 ? "unlimited" : sec.maxConnections(),
            sec.loginThrottle() == null ? "off" : "on");
        startAdmin();
    }

    /** The admin interface and the metrics endpoint, when enabled; each on its own threads, off the event loops. */
    private void startAdmin() throws IOException, InterruptedException {
        LintasConfig.MetricsConfig m = config.metrics();
        if (m.enabled()) {
            try {
                metricsServer = MetricsServer.start(new MetricsSettings(true, m.address(), m.port(), m.path()), metrics)
                    .orElse(null);
            } catch (IOException e) {
                throw new IOException("cannot bind the metrics endpoint to " + m.address() + ":" + m.port() + ": "
                    + e.getMessage(), e);
            }
        }
        LintasConfig.AdminConfig a = config.admin();
        if (a.enabled()) {
            adminRuntime = new ProxyAdminRuntime(config, context, monitor, pool, dataPath, configFile);
            admin = new AdminServer(new AdminSettings(a.address(), a.port(), a.username(), a.password()), adminRuntime);
            admin.start();
        } else {
            log.info("admin interface disabled (admin.enabled: false)");
        }
    }

    /** The admin interface's port, or -1 when it is not running. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /** The metrics endpoint's port, or -1 when it is not running. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    /**
     * Reads the writer's greeting before the first client is greeted, so that clients are told the real
     * server version from the start. Bounded by backend.connect_timeout_ms; a silent node only delays start-up
     * that long (logins adopt the version later).
     */
    private void learnServerIdentity() throws InterruptedException {
        BackendNode node = context.topology().writer().orElse(null);
        if (node == null) {
            return;
        }
        Future<HandshakeV10> f = new GreetingProbe(socketChannel, config.backend().connectTimeoutMs())
            .probe(ioGroup.next(), node).await();
        if (f.isSuccess()) {
            context.identity().learn(f.getNow());
            log.info("node={} answers as MariaDB/MySQL {}", node.name(), f.getNow().serverVersion());
        } else {
            log.warn("node={} did not greet ({}); announcing version {} until a backend does", node.name(),
                f.cause().getMessage(), context.identity().version());
        }
    }

    private ServerBootstrap bootstrap(Class<? extends ServerChannel> channelClass) {
        ServerBootstrap b = new ServerBootstrap()
            .group(acceptGroup, ioGroup)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ClientSession session = new ClientSession(context);
                    ch.pipeline().addLast("traffic", new ClientTrafficHandler(dataPath, session));
                    ch.pipeline().addLast("framer", new PacketFramer());
                    ch.pipeline().addLast("session", session);
                }
            });
        if (channelClass != EpollServerDomainSocketChannel.class) {
            b.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
        }
        return b;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly();
        }
        pool.close();
        if (config.proxy().unixSocket() != null) {
            try {
                Files.deleteIfExists(Path.of(config.proxy().unixSocket()));
            } catch (IOException ignored) {
                // best effort: a stale socket file is replaced at the next start
            }
        }
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        ioGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
        log.info("stopped; {} client sessions were open", context.openSessionCount());
    }
}
