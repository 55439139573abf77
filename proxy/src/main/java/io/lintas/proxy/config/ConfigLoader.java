package io.lintas.proxy.config;

import io.lintas.pool.PoolConfig;
import io.lintas.router.rules.InvalidQueryRuleException;
import io.lintas.router.rules.QueryRule;
import io.lintas.router.rules.QueryRuleSet;
import io.lintas.pool.PoolSettings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lintas.monitor.BackendNode;
import io.lintas.monitor.ClientKeyStore;
import io.lintas.monitor.MonitorSettings;
import io.lintas.monitor.NodeTls;
import io.lintas.monitor.WriterIsAlsoReader;
import io.lintas.wire.auth.NativePassword;
import io.lintas.proxy.security.LoginThrottle;
import io.lintas.wire.auth.AuthRsaKeys;
import io.lintas.wire.auth.CachingSha2ClientExchange;
import io.lintas.wire.auth.CachingSha2Password;
import io.lintas.wire.auth.Sha2FastAuthEntry;
import io.lintas.wire.tls.TlsContextFactory;
import io.lintas.wire.tls.TlsSettings;

import javax.net.ssl.SSLException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import io.lintas.admin.AdminSettings;
import io.lintas.admin.metrics.MetricsSettings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the YAML config into a {@link LintasConfig}, reporting every problem with its key path. */
public final class ConfigLoader {
    private static final long MAX_PACKET_LIMIT = 1L << 30;

    private final ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    /** Loads and validates {@code file}. */
    public LintasConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of("file not found"));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
        return parse(file.toString(), text);
    }

    /** Parses and validates YAML text; {@code source} names it in errors. */
    public LintasConfig parse(String source, String yaml) throws ConfigException {
        if (yaml.isBlank()) {
            throw new ConfigException(source, List.of("the file is empty"));
        }
        RawConfig raw;
        try {
            raw = mapper.readValue(yaml, RawConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(source, List.of("unknown key '" + path(e) + "'"));
        } catch (InvalidFormatException e) {
            throw new ConfigException(source, List.of("bad value at '" + path(e) + "': '" + e.getValue()
                + "' is not " + typeName(e.getTargetType())));
        } catch (MismatchedInputException e) {
            throw new ConfigException(source, List.of("bad value at '" + path(e) + "': expected "
                + typeName(e.getTargetType())));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new ConfigException(source, List.of("not valid YAML" + where + ": " + e.getOriginalMessage()));
        }
        if (raw == null) {
            throw new ConfigException(source, List.of("the file is empty"));
        }
        List<String> problems = new ArrayList<>();
        LintasConfig config = validate(raw, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return config;
    }

    private LintasConfig validate(RawConfig raw, List<String> problems) {
        RawConfig.Proxy p = raw.proxy() != null ? raw.proxy()
            : new RawConfig.Proxy(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        String address = p.address() == null ? "127.0.0.1" : p.address();
        checkHost(problems, "proxy.address", address);
        int port = intIn(problems, "proxy.port", p.port(), 6033, 0, 65535);
        String unixSocket = p.unixSocket();
        if (unixSocket != null && unixSocket.isBlank()) {
            problems.add("bad value at 'proxy.unix_socket': '' (give a path or leave the key out)");
        }
        // Null means: announce what the backends announce (learned at start-up and from every login).
        String version = p.serverVersion();
        int handshake = intIn(problems, "proxy.handshake_timeout_ms", p.handshakeTimeoutMs(), 10_000, 100, 3_600_000);
        int netRead = intIn(problems, "proxy.net_read_timeout_ms", p.netReadTimeoutMs(), 30_000, 100, 86_400_000);
        int idle = intIn(problems, "proxy.idle_timeout_ms", p.idleTimeoutMs(), 0, 0, 604_800_000);
        if (idle > 0 && idle < 1000) {
            problems.add("bad value at 'proxy.idle_timeout_ms': '" + idle + "' (0 for never, or at least 1000)");
        }
        long maxPacket = p.maxAllowedPacket() == null ? 64L * 1024 * 1024 : p.maxAllowedPacket();
        if (maxPacket < 1024 || maxPacket > MAX_PACKET_LIMIT) {
            problems.add("bad value at 'proxy.max_allowed_packet': '" + maxPacket + "' (must be 1024.." + MAX_PACKET_LIMIT + ")");
        }
        int ioThreads = intIn(problems, "proxy.io_threads", p.ioThreads(), Runtime.getRuntime().availableProcessors(), 1, 256);
        LintasConfig.SecuritySettings security = security(p, handshake, problems);

        List<UserAccount> users = users(raw.users(), problems);
        Map<String, BackendNode> nodes = nodes(raw.nodes(), problems);
        List<BackendNode> writerOrder = writerOrder(raw.writerOrder(), nodes, problems);
        List<BackendNode> readers = readers(raw.readers(), nodes, writerOrder, problems);
        RawConfig.Backend b = raw.backend() != null ? raw.backend() : new RawConfig.Backend(null, null, null);
        int connectTimeout = intIn(problems, "backend.connect_timeout_ms", b.connectTimeoutMs(), 1000, 10, 600_000);
        int maxStatements = intIn(problems, "backend.max_prepared_statements", b.maxPreparedStatements(), 256, 1, 1_000_000);
        TlsSettings.Backend backendTls = backendTls(b.tls(), problems);
        LintasConfig.MonitorConfig monitor = monitor(raw.monitor(), backendTls, problems);
        PoolConfig pool = pool(raw.pool(), raw.nodes(), connectTimeout, problems);
        LintasConfig.RoutingSettings routing = routing(raw.routing(), raw.nodes(), problems);
        QueryRuleSet rules = queryRules(raw.queryRules(), routing, problems);
        LintasConfig.AdminConfig admin = admin(raw.admin(), problems);
        LintasConfig.MetricsConfig metrics = metrics(raw.metrics(), problems);
        if (admin.enabled() && metrics.enabled() && admin.port() != 0 && admin.port() == metrics.port()
            && admin.address().equals(metrics.address())) {
            problems.add("bad value at 'metrics.port': '" + metrics.port() + "' (admin.port uses it already)");
        }

        return new LintasConfig(
            new LintasConfig.ProxySettings(address, port, unixSocket, version, handshake, netRead, maxPacket, ioThreads,
                security, idle),
            users, List.copyOf(nodes.values()), writerOrder, readers,
            new LintasConfig.BackendSettings(connectTimeout, maxStatements, backendTls), pool, routing, rules, monitor, admin, metrics);
    }

    private static LintasConfig.AdminConfig admin(RawConfig.Admin a, List<String> problems) {
        if (a == null) {
            a = new RawConfig.Admin(null, null, null, null, null, null);
        }
        boolean enabled = a.enabled() == null || a.enabled();
        String address = a.address() == null ? "127.0.0.1" : a.address();
        checkHost(problems, "admin.address", address);
        int port = intIn(problems, "admin.port", a.port(), AdminSettings.DEFAULT_PORT, 0, 65535);
        String username = a.username() == null ? "admin" : a.username();
        if (username.isEmpty()) {
            problems.add("bad value at 'admin.username': '' (give a user name)");
        }
        String password = AdminSettings.SAMPLE_PASSWORD;
        if (a.password() != null && a.passwordHash() != null) {
            problems.add("bad value at 'admin': give either 'password' or 'password_hash', not both");
        } else if (a.password() != null) {
            if (a.password().isEmpty()) {
                problems.add("bad value at 'admin.password': '' (the admin interface needs a password)");
            } else {
                password = a.password();
            }
        } else if (a.passwordHash() != null) {
            try {
                NativePassword.parseStoredHash(a.passwordHash());
                password = a.passwordHash();
            } catch (IllegalArgumentException e) {
                problems.add("bad value at 'admin.password_hash': " + e.getMessage());
            }
        }
        if (enabled && !username.isEmpty() && !address.isBlank()) {
            try {
                new AdminSettings(address, port, username, password).requireSafe();
            } catch (IllegalStateException e) {
                problems.add("bad value at 'admin.address': '" + address + "' (" + e.getMessage() + ")");
            }
        }
        return new LintasConfig.AdminConfig(enabled, address, port, username, password);
    }

    private static LintasConfig.MetricsConfig metrics(RawConfig.Metrics m, List<String> problems) {
        if (m == null) {
            m = new RawConfig.Metrics(null, null, null, null);
        }
        boolean enabled = m.enabled() == null || m.enabled();
        String address = m.address() == null ? "127.0.0.1" : m.address();
        checkHost(problems, "metrics.address", address);
        int port = intIn(problems, "metrics.port", m.port(), MetricsSettings.DEFAULT_PORT, 0, 65535);
        String path = m.path() == null ? "/metrics" : m.path();
        if (!path.startsWith("/")) {
            problems.add("bad value at 'metrics.path': '" + path + "' (must start with '/')");
        }
        return new LintasConfig.MetricsConfig(enabled, address, port, path);
    }

    private static PoolConfig pool(Map<String, Object> global, List<RawConfig.Node> nodes, int connectTimeout,
                                   List<String> problems) {
        PoolSettings defaults = PoolSettings.DEFAULTS.withConnectTimeoutMs(connectTimeout);
        try {
            defaults = global == null ? defaults : defaults.with(global);
        } catch (IllegalArgumentException e) {
            problems.add("bad value in 'pool': " + e.getMessage());
        }
        Map<String, PoolSettings> perNode = new LinkedHashMap<>();
        if (nodes != null) {
            for (int i = 0; i < nodes.size(); i++) {
                RawConfig.Node n = nodes.get(i);
                if (n == null || n.pool() == null || n.name() == null) {
                    continue;
                }
                try {
                    perNode.put(n.name(), defaults.with(n.pool()));
                } catch (IllegalArgumentException e) {
                    problems.add("bad value in 'nodes[" + i + "].pool': " + e.getMessage());
                }
            }
        }
        return new PoolConfig(defaults, perNode, 1000);
    }

    private static LintasConfig.RoutingSettings routing(RawConfig.Routing r, List<RawConfig.Node> nodes,
                                                        List<String> problems) {
        if (r == null) {
            r = new RawConfig.Routing(null, null, null, null, null, null);
        }
        int writerHg = intIn(problems, "routing.writer_hostgroup", r.writerHostgroup(), 10, 0, Integer.MAX_VALUE);
        int readerHg = intIn(problems, "routing.reader_hostgroup", r.readerHostgroup(), 20, 0, Integer.MAX_VALUE);
        if (writerHg == readerHg) {
            problems.add("bad value at 'routing.reader_hostgroup': '" + readerHg + "' (must differ from routing.writer_hostgroup)");
        }
        LintasConfig.Consistency consistency = LintasConfig.Consistency.READ_YOUR_WRITES;
        if (r.consistency() != null) {
            switch (r.consistency()) {
                case "read_your_writes" -> consistency = LintasConfig.Consistency.READ_YOUR_WRITES;
                case "eventual" -> consistency = LintasConfig.Consistency.EVENTUAL;
                default -> problems.add("bad value at 'routing.consistency': '" + r.consistency()
                    + "' (must be read_your_writes or eventual)");
            }
        }
        int failoverWait = intIn(problems, "routing.failover_wait_ms", r.failoverWaitMs(), 3000, 0, 600_000);
        int warningsHold = intIn(problems, "routing.warnings_hold_ms", r.warningsHoldMs(), 1000, 0, 3_600_000);
        Map<String, Integer> weights = new LinkedHashMap<>();
        if (nodes != null) {
            for (int i = 0; i < nodes.size(); i++) {
                RawConfig.Node n = nodes.get(i);
                if (n != null && n.name() != null && n.weight() != null) {
                    weights.put(n.name(), intIn(problems, "nodes[" + i + "].weight", n.weight(), 1, 0, 1_000_000));
                }
            }
        }
        return new LintasConfig.RoutingSettings(writerHg, readerHg, consistency,
            r.readsFallBackToWriter() == null || r.readsFallBackToWriter(), failoverWait, warningsHold, weights);
    }

    private static QueryRuleSet queryRules(List<RawConfig.QueryRule> raw, LintasConfig.RoutingSettings routing,
                                           List<String> problems) {
        if (raw == null || raw.isEmpty()) {
            return QueryRuleSet.EMPTY;
        }
        List<QueryRule> rules = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String at = "query_rules[" + i + "]";
            RawConfig.QueryRule r = raw.get(i);
            if (r == null) {
                problems.add("bad value at '" + at + "': empty entry");
                continue;
            }
            if (r.ruleId() == null) {
                problems.add("missing key '" + at + ".rule_id'");
                continue;
            }
            Integer hg = r.destinationHostgroup();
            if (hg != null && hg != routing.writerHostgroup() && hg != routing.readerHostgroup()) {
                problems.add("bad value at '" + at + ".destination_hostgroup': '" + hg + "' (must be the writer hostgroup "
                    + routing.writerHostgroup() + " or the reader hostgroup " + routing.readerHostgroup() + ")");
            }
            rules.add(new QueryRule(r.ruleId(), r.active() == null || r.active(), r.username(), r.schemaname(),
                r.flagIn() == null ? 0 : r.flagIn(), r.flagOut(), r.matchDigest(), r.matchPattern(),
                r.negateMatchPattern() != null && r.negateMatchPattern(), r.replacePattern(), hg, r.errorMsg(),
                r.apply() != null && r.apply(), r.comment(), r.timeout()));
        }
        try {
            return QueryRuleSet.compile(rules);
        } catch (InvalidQueryRuleException e) {
            for (String problem : e.problems()) {
                problems.add("bad value in 'query_rules': " + problem);
            }
            return QueryRuleSet.EMPTY;
        }
    }

    private static List<UserAccount> users(List<RawConfig.User> raw, List<String> problems) {
        List<UserAccount> out = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            problems.add("missing key 'users' (at least one user)");
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String at = "users[" + i + "]";
            RawConfig.User u = raw.get(i);
            if (u == null) {
                problems.add("bad value at '" + at + "': empty entry");
                continue;
            }
            if (u.username() == null || u.username().isEmpty()) {
                problems.add("missing key '" + at + ".username'");
                continue;
            }
            if (!seen.add(u.username())) {
                problems.add("bad value at '" + at + ".username': '" + u.username() + "' is listed twice");
            }
            byte[] stage1 = null;
            byte[] stage2 = null;
            if (u.password() != null && u.passwordHash() != null) {
                problems.add("bad value at '" + at + "': give either 'password' or 'password_hash', not both");
            } else if (u.password() != null) {
                if (!u.password().isEmpty()) {
                    stage1 = NativePassword.stage1(u.password());
                    stage2 = NativePassword.stage2(stage1);
                }
            } else if (u.passwordHash() != null) {
                try {
                    stage2 = u.passwordHash().isEmpty() ? null : NativePassword.parseStoredHash(u.passwordHash());
                } catch (IllegalArgumentException e) {
                    // Never echo the value: it is a credential.
                    problems.add("bad value at '" + at + ".password_hash': " + e.getMessage());
                }
            } else {
                problems.add("missing key '" + at + ".password' (or '" + at + ".password_hash')");
            }
            int maxConn = intIn(problems, at + ".max_connections", u.maxConnections(), 0, 0, 1_000_000);
            Sha2FastAuthEntry sha2 = u.password() != null && !u.password().isEmpty()
                ? Sha2FastAuthEntry.of(u.password().getBytes(StandardCharsets.UTF_8)) : null;
            CachingSha2ClientExchange.Secrets backendSha2 = u.password() != null
                ? CachingSha2ClientExchange.Secrets.ofPassword(u.password()) : null;
            out.add(new UserAccount(u.username(), stage2, stage1, u.defaultSchema(), maxConn, sha2, backendSha2));
        }
        return out;
    }

    // ---- security (proxy.tls, proxy.auth_plugin, proxy.max_connections, proxy.login_throttle) ----------------

    private static LintasConfig.SecuritySettings security(RawConfig.Proxy p, int handshakeTimeoutMs, List<String> problems) {
        TlsSettings.Server tls = null;
        RawConfig.Tls t = p.tls();
        if (t != null) {
            if (t.certFile() == null || t.certFile().isBlank()) {
                problems.add("missing key 'proxy.tls.cert_file'");
            }
            if (t.keyFile() == null || t.keyFile().isBlank()) {
                problems.add("missing key 'proxy.tls.key_file'");
            }
            if (t.certFile() != null && !t.certFile().isBlank() && t.keyFile() != null && !t.keyFile().isBlank()) {
                boolean filesOk = readable(problems, "proxy.tls.cert_file", t.certFile())
                    & readable(problems, "proxy.tls.key_file", t.keyFile());
                if (filesOk) {
                    tls = new TlsSettings.Server(Path.of(t.certFile()), Path.of(t.keyFile()),
                        t.requireTls() != null && t.requireTls());
                    try {
                        TlsContextFactory.forServer(tls);
                    } catch (SSLException | RuntimeException e) {
                        problems.add("bad value at 'proxy.tls.cert_file' / 'proxy.tls.key_file': " + e.getMessage());
                        tls = null;
                    }
                }
            }
        }
        String plugin = p.authPlugin() == null ? NativePassword.PLUGIN_NAME : p.authPlugin();
        if (!plugin.equals(NativePassword.PLUGIN_NAME) && !plugin.equals(CachingSha2Password.PLUGIN_NAME)) {
            problems.add("bad value at 'proxy.auth_plugin': '" + plugin + "' (must be " + NativePassword.PLUGIN_NAME
                + " or " + CachingSha2Password.PLUGIN_NAME + ")");
        }
        Path rsaKey = null;
        if (p.rsaPrivateKeyFile() != null) {
            if (readable(problems, "proxy.rsa_private_key_file", p.rsaPrivateKeyFile())) {
                try {
                    AuthRsaKeys.fromPrivateKeyPem(Files.readString(Path.of(p.rsaPrivateKeyFile())));
                    rsaKey = Path.of(p.rsaPrivateKeyFile());
                } catch (IOException | RuntimeException e) {
                    problems.add("bad value at 'proxy.rsa_private_key_file': '" + p.rsaPrivateKeyFile()
                        + "' is not a PKCS#8 PEM RSA private key (" + e.getMessage() + ")");
                }
            }
        }
        int maxConnections = intIn(problems, "proxy.max_connections", p.maxConnections(), 4096, 0, 1_000_000);
        LoginThrottle.Settings throttle = null;
        RawConfig.LoginThrottle lt = p.loginThrottle();
        if (lt == null || lt.enabled() == null || lt.enabled()) {
            LoginThrottle.Settings d = LoginThrottle.Settings.DEFAULT;
            int free = intIn(problems, "proxy.login_throttle.free_failures", lt == null ? null : lt.freeFailures(),
                d.freeFailures(), 0, 1_000_000);
            int first = intIn(problems, "proxy.login_throttle.first_delay_ms", lt == null ? null : lt.firstDelayMs(),
                (int) d.firstDelay().toMillis(), 1, 600_000);
            // Below the handshake timeout, so a throttled client still gets its answer.
            int maxDefault = (int) Math.min(d.maxDelay().toMillis(), handshakeTimeoutMs / 2);
            int max = intIn(problems, "proxy.login_throttle.max_delay_ms", lt == null ? null : lt.maxDelayMs(),
                maxDefault, 1, 600_000);
            if (max < first) {
                problems.add("bad value at 'proxy.login_throttle.max_delay_ms': '" + max
                    + "' (must be >= proxy.login_throttle.first_delay_ms)");
            } else if (max >= handshakeTimeoutMs) {
                problems.add("bad value at 'proxy.login_throttle.max_delay_ms': '" + max
                    + "' (must be below proxy.handshake_timeout_ms, " + handshakeTimeoutMs + ")");
            } else {
                throttle = new LoginThrottle.Settings(free, Duration.ofMillis(first), Duration.ofMillis(max),
                    d.forgetAfter(), d.maxAddresses());
            }
        }
        return new LintasConfig.SecuritySettings(tls, plugin, rsaKey, maxConnections, throttle);
    }

    private static boolean readable(List<String> problems, String key, String file) {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            problems.add("bad value at '" + key + "': '" + file + "' (not a readable file)");
            return false;
        }
        return true;
    }

    private static Map<String, BackendNode> nodes(List<RawConfig.Node> raw, List<String> problems) {
        Map<String, BackendNode> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            problems.add("missing key 'nodes' (at least one node)");
            return out;
        }
        for (int i = 0; i < raw.size(); i++) {
            String at = "nodes[" + i + "]";
            RawConfig.Node n = raw.get(i);
            if (n == null) {
                problems.add("bad value at '" + at + "': empty entry");
                continue;
            }
            boolean ok = true;
            if (n.name() == null || n.name().isBlank()) {
                problems.add("missing key '" + at + ".name'");
                ok = false;
            } else if (out.containsKey(n.name())) {
                problems.add("bad value at '" + at + ".name': '" + n.name() + "' is listed twice");
                ok = false;
            }
            if (n.host() == null || n.host().isBlank()) {
                problems.add("missing key '" + at + ".host'");
                ok = false;
            }
            if (n.port() == null) {
                problems.add("missing key '" + at + ".port'");
                ok = false;
            } else if (n.port() < 1 || n.port() > 65535) {
                problems.add("bad value at '" + at + ".port': '" + n.port() + "' (must be 1..65535)");
                ok = false;
            }
            if (ok) {
                out.put(n.name(), new BackendNode(n.name(), n.host(), n.port(), n.useSsl() != null && n.useSsl()));
            }
        }
        return out;
    }

    private static List<BackendNode> writerOrder(List<String> raw, Map<String, BackendNode> nodes, List<String> problems) {
        if (raw == null) {
            // Default: by address descending, so node3, node2, node1 of the sandbox ("the next-lowest node").
            List<BackendNode> order = new ArrayList<>(nodes.values());
            order.sort(Comparator.comparing(ConfigLoader::addressKey).reversed());
            return order;
        }
        List<BackendNode> order = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String name = raw.get(i);
            BackendNode n = name == null ? null : nodes.get(name);
            if (n == null) {
                problems.add("bad value at 'writer_order[" + i + "]': '" + name + "' is not a node name");
            } else if (!seen.add(name)) {
                problems.add("bad value at 'writer_order[" + i + "]': '" + name + "' is listed twice");
            } else {
                order.add(n);
            }
        }
        if (raw.isEmpty()) {
            problems.add("bad value at 'writer_order': empty list (leave the key out for the default order)");
        }
        return order;
    }

    private static List<BackendNode> readers(List<String> raw, Map<String, BackendNode> nodes,
                                             List<BackendNode> writerOrder, List<String> problems) {
        if (raw == null) {
            // Default: every node but the preferred writer (node1 and node2 of the sandbox).
            List<BackendNode> out = new ArrayList<>(nodes.values());
            if (!writerOrder.isEmpty() && out.size() > 1) {
                out.remove(writerOrder.get(0));
            }
            return out;
        }
        List<BackendNode> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            BackendNode n = raw.get(i) == null ? null : nodes.get(raw.get(i));
            if (n == null) {
                problems.add("bad value at 'readers[" + i + "]': '" + raw.get(i) + "' is not a node name");
            } else if (out.contains(n)) {
                problems.add("bad value at 'readers[" + i + "]': '" + raw.get(i) + "' is listed twice");
            } else {
                out.add(n);
            }
        }
        return out;
    }

    /** {@code backend.tls}; the defaults (JDK trust store, chain and host name checked) when the section is missing. */
    private static TlsSettings.Backend backendTls(RawConfig.BackendTls t, List<String> problems) {
        if (t == null) {
            return TlsSettings.Backend.verified(null, true);
        }
        boolean verify = t.verifyServerCert() == null || t.verifyServerCert();
        boolean verifyHost = t.verifyHostname() == null ? verify : t.verifyHostname();
        if (verifyHost && !verify) {
            problems.add("bad value at 'backend.tls.verify_hostname': 'true' (needs backend.tls.verify_server_cert: true)");
            verifyHost = false;
        }
        Path ca = readableFile(problems, "backend.tls.ca_file", t.caFile());
        Path cert = readableFile(problems, "backend.tls.cert_file", t.certFile());
        Path key = readableFile(problems, "backend.tls.key_file", t.keyFile());
        if ((t.certFile() == null) != (t.keyFile() == null)) {
            problems.add("bad value at 'backend.tls': give both 'cert_file' and 'key_file', or neither");
            cert = null;
            key = null;
        }
        if (ca != null && !verify) {
            problems.add("bad value at 'backend.tls.ca_file': '" + t.caFile() + "' (ignored with verify_server_cert: false;"
                + " remove one of them)");
        }
        TlsSettings.Backend settings = new TlsSettings.Backend(ca, verify, verifyHost, cert, key, null);
        try {
            TlsContextFactory.forBackends(settings);
        } catch (SSLException | RuntimeException e) {
            problems.add("bad value at 'backend.tls': " + e.getMessage());
        }
        return settings;
    }

    /** {@code value} as a path when set and readable (else null, with a problem for an unreadable one). */
    private static Path readableFile(List<String> problems, String key, String value) {
        return value != null && readable(problems, key, value) ? Path.of(value) : null;
    }

    /** The monitor checks {@code use_ssl} nodes as the data path connects to them, client certificate included. */
    private static NodeTls monitorTls(TlsSettings.Backend tls, List<String> problems) {
        String cert = tls.certFile() == null ? null : tls.certFile().toString();
        String key = tls.keyFile() == null ? null : tls.keyFile().toString();
        if (cert != null && key != null) {
            try {
                ClientKeyStore.of(cert, key); // the monitor's driver needs it as a key store: fail at start, not per check
            } catch (IllegalArgumentException e) {
                problems.add("bad value at 'backend.tls.key_file': " + e.getMessage());
            }
        } else {
            cert = null;
            key = null;
        }
        return new NodeTls(tls.caFile() == null ? null : tls.caFile().toString(), tls.verifyServerCert(),
            tls.verifyHostname(), cert, key);
    }

    private static LintasConfig.MonitorConfig monitor(RawConfig.Monitor m, TlsSettings.Backend tls, List<String> problems) {
        if (m == null) {
            m = new RawConfig.Monitor(null, null, null, null, null, null, null, null, null, null);
        }
        boolean enabled = m.enabled() == null || m.enabled();
        MonitorSettings.Builder b = MonitorSettings.builder()
            .tls(monitorTls(tls, problems))
            .user(m.user() == null ? "monitor" : m.user())
            .password(m.password() == null ? "monitor" : m.password());
        b.intervalMs(intIn(problems, "monitor.interval_ms", m.intervalMs(), (int) MonitorSettings.DEFAULT_INTERVAL_MS, 10, 600_000));
        b.timeoutMs(intIn(problems, "monitor.timeout_ms", m.timeoutMs(), (int) MonitorSettings.DEFAULT_TIMEOUT_MS, 10, 600_000));
        b.maxFailures(intIn(problems, "monitor.max_failures", m.maxFailures(), MonitorSettings.DEFAULT_MAX_FAILURES, 1, 1000));
        b.maxTransactionsBehind(intIn(problems, "monitor.max_transactions_behind", m.maxTransactionsBehind(),
            (int) MonitorSettings.DEFAULT_MAX_TRANSACTIONS_BEHIND, 0, Integer.MAX_VALUE));
        b.failback(m.failback() == null || m.failback());
        b.failbackAfterMs(intIn(problems, "monitor.failback_after_ms", m.failbackAfterMs(),
            (int) MonitorSettings.DEFAULT_FAILBACK_AFTER_MS, 0, 86_400_000));
        if (m.writerIsAlsoReader() != null) {
            try {
                b.writerIsAlsoReader(WriterIsAlsoReader.parse(m.writerIsAlsoReader()));
            } catch (IllegalArgumentException e) {
                problems.add("bad value at 'monitor.writer_is_also_reader': '" + m.writerIsAlsoReader()
                    + "' (must be never, when_only_node or always)");
            }
        }
        try {
            return new LintasConfig.MonitorConfig(enabled, b.build());
        } catch (IllegalArgumentException e) {
            problems.add("bad value in 'monitor': " + e.getMessage());
            return new LintasConfig.MonitorConfig(false, null);
        }
    }

    /** Sort key: numeric IPv4/IPv6 bytes when the host is a literal address, then port. */
    private static String addressKey(BackendNode n) {
        StringBuilder sb = new StringBuilder();
        try {
            if (n.host().matches("[0-9.]+|.*:.*")) {
                for (byte b : InetAddress.getByName(n.host()).getAddress()) {
                    sb.append(String.format("%03d", b & 0xFF));
                }
            } else {
                sb.append(n.host());
            }
        } catch (UnknownHostException e) {
            sb.append(n.host());
        }
        return sb.append(':').append(String.format("%05d", n.port())).toString();
    }

    private static void checkHost(List<String> problems, String key, String host) {
        if (host.isBlank()) {
            problems.add("bad value at '" + key + "': '' (give an address)");
        }
    }

    private static int intIn(List<String> problems, String key, Integer value, int dflt, int min, int max) {
        if (value == null) {
            return dflt;
        }
        if (value < min || value > max) {
            problems.add("bad value at '" + key + "': '" + value + "' (must be " + min + ".." + max + ")");
            return dflt;
        }
        return value;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(top level)" : sb.toString();
    }

    private static String typeName(Class<?> t) {
        if (t == null) return "a valid value";
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) return "an integer";
        if (t == String.class) return "a string";
        if (List.class.isAssignableFrom(t)) return "a list";
        if (t == Boolean.class || t == boolean.class) return "true or false";
        return "a mapping";
    }
}
