package io.lintas.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Lintas executable ({@code java -jar proxy/target/lintas.jar --config FILE}) as a child process,
 * listening on a free TCP port (and optionally a unix socket) in front of the Galera sandbox.
 * Its stdout/stderr go to a log file under {@code it/target/lintas-logs}; the tail is included in any
 * failure this class reports, and {@link LintasLogOnFailure} adds it to failing tests.
 */
public final class LintasProcess implements AutoCloseable {
    private static final long READY_TIMEOUT_MS = 60_000;
    private static final int BIND_ATTEMPTS = 3;
    private static final Set<LintasProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        // Never leave a proxy behind when the test JVM exits (e.g. a test class forgot to close one).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(p -> p.process.destroyForcibly()),
            "lintas-it-reaper"));
    }

    /** A user in the generated config: a clear {@code password} or a mysql.user style {@code passwordHash}. */
    public record User(String username, String password, String passwordHash, String defaultSchema) {
        /** The sandbox's app/app, given as its {@code PASSWORD('app')} hash, default schema app. */
        public static final User APP = new User("app", null, "*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3", "app");
        /** The sandbox's app2/app2, given as a clear password, no default schema. */
        public static final User APP2 = new User("app2", "app2", null, null);
    }

    /** How to configure and run one Lintas process. */
    public static final class Builder {
        private String name = "lintas";
        private List<String> writerOrder = List.of("node3", "node2", "node1");
        private List<User> users = List.of(User.APP, User.APP2);
        private final List<String> jvmOptions = new ArrayList<>();
        private Integer handshakeTimeoutMs;
        private Integer netReadTimeoutMs;
        private boolean unixSocket;
        private final List<String[]> extraNodes = new ArrayList<>();
        // Tolerant by default: these tests share a 2-core machine with the cluster, and a false failover
        // would move writes off node3 in the middle of an unrelated test. Failover tests set their own.
        private List<String> monitor = List.of("timeout_ms: 1000", "max_failures: 3");
        private final StringBuilder extraYaml = new StringBuilder();
        private final List<String> proxyLines = new ArrayList<>();
        private final List<String> nodeLines = new ArrayList<>();
        private final List<String> backendLines = new ArrayList<>();
        private final java.util.Map<String, List<String>> userLines = new java.util.HashMap<>();
        private boolean admin = true;
        private String adminPassword = "admin";
        private boolean metrics = true;

        private Builder() {}

        /**
         * The admin interface (default on, on a free port, user {@code admin}); off writes {@code admin: {enabled: false}}.
         */
        public Builder admin(boolean enabled) {
            this.admin = enabled;
            return this;
        }

        /** The admin password (default {@code admin}, the sample one: fine on loopback). */
        public Builder adminPassword(String password) {
            this.adminPassword = password;
            return this;
        }

        /** The metrics endpoint (default on, on a free port); off writes {@code metrics: {enabled: false}}. */
        public Builder metrics(boolean enabled) {
            this.metrics = enabled;
            return this;
        }

        /** Appends top-level YAML (e.g. a {@code pool:}, {@code routing:} or {@code query_rules:} section). */
        public Builder yaml(String text) {
            extraYaml.append(text.endsWith("\n") ? text : text + "\n");
            return this;
        }

        /** Extra {@code proxy:} keys, as lines indented below {@code proxy:} (e.g. {@code "max_connections: 5"}, {@code "tls:"}, {@code "  cert_file: …"}). */
        public Builder proxy(String... lines) {
            this.proxyLines.addAll(List.of(lines));
            return this;
        }

        /** Extra keys of every sandbox {@code nodes[]} entry (e.g. {@code "use_ssl: true"}). */
        public Builder nodeKeys(String... lines) {
            this.nodeLines.addAll(List.of(lines));
            return this;
        }

        /** Extra {@code backend:} keys, as lines indented below {@code backend:} (e.g. {@code "tls:"}, {@code "  ca_file: …"}). */
        public Builder backend(String... lines) {
            this.backendLines.addAll(List.of(lines));
            return this;
        }

        /** Extra keys of one {@code users[]} entry (e.g. {@code "max_connections: 2"}). */
        public Builder userKeys(String username, String... lines) {
            this.userLines.computeIfAbsent(username, u -> new ArrayList<>()).addAll(List.of(lines));
            return this;
        }

        /** Adds a node besides the sandbox's node1..node3 (e.g. one nobody listens on). */
        public Builder extraNode(String name, String host, int port) {
            this.extraNodes.add(new String[] {name, host, Integer.toString(port)});
            return this;
        }

        /** A name for the log file (e.g. the test class). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Node names in writer order (default node3, node2, node1). */
        public Builder writerOrder(String... nodes) {
            this.writerOrder = List.of(nodes);
            return this;
        }

        /** The users clients may log in as (default {@link User#APP} and {@link User#APP2}). */
        public Builder users(User... users) {
            this.users = List.of(users);
            return this;
        }

        /** JVM options for the proxy process, e.g. {@code -Xmx128m}. */
        public Builder jvmOptions(String... options) {
            this.jvmOptions.addAll(List.of(options));
            return this;
        }

        /** {@code proxy.handshake_timeout_ms}. */
        public Builder handshakeTimeoutMs(int ms) {
            this.handshakeTimeoutMs = ms;
            return this;
        }

        /** {@code proxy.net_read_timeout_ms}. */
        public Builder netReadTimeoutMs(int ms) {
            this.netReadTimeoutMs = ms;
            return this;
        }

        /** The {@code monitor:} section, as {@code key: value} lines (e.g. {@code "enabled: false"}). */
        public Builder monitor(String... lines) {
            this.monitor = List.of(lines);
            return this;
        }

        /** Also listen on a unix socket in the process's temp dir. */
        public Builder unixSocket(boolean enabled) {
            this.unixSocket = enabled;
            return this;
        }

        /** Starts the process and waits until its TCP port accepts connections. */
        public LintasProcess start() {
            Sandbox.ensureUp();
            IllegalStateException last = null;
            for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
                LintasProcess p = new LintasProcess(this);
                try {
                    p.launch();
                    return p;
                } catch (PortTakenException e) {
                    // Another process took the free port between our probe and the bind: try another one.
                    last = e;
                    p.close();
                } catch (RuntimeException | Error e) {
                    p.close();
                    throw e;
                }
            }
            throw last;
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }

    private final Builder config;
    private final Path tempDir;
    private final Path configFile;
    private final Path logFile;
    private final Path socketPath;
    private final int port;
    private final int adminPort;
    private final int metricsPort;
    private Process process;

    private LintasProcess(Builder config) {
        this.config = config;
        try {
            this.port = freePort();
            // Every process gets its own admin and metrics ports: the defaults (6032, 6070) would collide between
            // tests, concurrent builds and a Lintas started by bin/lintas-up.
            this.adminPort = config.admin ? freePort() : -1;
            this.metricsPort = config.metrics ? freePort() : -1;
            this.tempDir = Files.createTempDirectory(shortTempRoot(), "lintas-it-");
            this.configFile = tempDir.resolve("lintas.yaml");
            this.socketPath = config.unixSocket ? tempDir.resolve("lintas.sock") : null;
            Path logDir = Sandbox.repo().resolve("it/target/lintas-logs");
            Files.createDirectories(logDir);
            this.logFile = logDir.resolve(config.name + "-" + LocalDateTime.now().format(
                DateTimeFormatter.ofPattern("HHmmss")) + "-" + port + ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a Lintas process", e);
        }
    }

    /** A builder with the sandbox defaults: writer node3, users app and app2, default timeouts. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts Lintas with every default. */
    public static LintasProcess start(String name) {
        return builder().name(name).start();
    }

    private static Path shortTempRoot() {
        // Unix socket paths are limited to ~107 bytes: prefer /tmp over a long java.io.tmpdir.
        Path tmp = Path.of("/tmp");
        return Files.isDirectory(tmp) && Files.isWritable(tmp) ? tmp : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(Sandbox.HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private String yaml() {
        StringBuilder y = new StringBuilder();
        y.append("proxy:\n");
        y.append("  address: 127.0.0.1\n");
        y.append("  port: ").append(port).append('\n');
        if (socketPath != null) {
            y.append("  unix_socket: ").append(quote(socketPath.toString())).append('\n');
        }
        if (config.handshakeTimeoutMs != null) {
            y.append("  handshake_timeout_ms: ").append(config.handshakeTimeoutMs).append('\n');
        }
        if (config.netReadTimeoutMs != null) {
            y.append("  net_read_timeout_ms: ").append(config.netReadTimeoutMs).append('\n');
        }
        for (String line : config.proxyLines) {
            y.append("  ").append(line).append('\n');
        }
        String ioThreads = System.getProperty("it.ioThreads");
        if (ioThreads != null && config.proxyLines.stream().noneMatch(l -> l.startsWith("io_threads"))) {
            // -Dit.ioThreads=1: every session of a test on one loop, so pooled connections really are shared.
            y.append("  io_threads: ").append(Integer.parseInt(ioThreads)).append('\n');
        }
        y.append("users:\n");
        for (User u : config.users) {
            y.append("  - username: ").append(quote(u.username())).append('\n');
            if (u.password() != null) {
                y.append("    password: ").append(quote(u.password())).append('\n');
            }
            if (u.passwordHash() != null) {
                y.append("    password_hash: ").append(quote(u.passwordHash())).append('\n');
            }
            if (u.defaultSchema() != null) {
                y.append("    default_schema: ").append(quote(u.defaultSchema())).append('\n');
            }
            for (String line : config.userLines.getOrDefault(u.username(), List.of())) {
                y.append("    ").append(line).append('\n');
            }
        }
        y.append("nodes:\n");
        for (int i = 0; i < Sandbox.NODE_PORTS.size(); i++) {
            y.append("  - name: node").append(i + 1).append('\n');
            y.append("    host: 127.0.0.1\n");
            y.append("    port: ").append(Sandbox.NODE_PORTS.get(i)).append('\n');
            for (String line : config.nodeLines) {
                y.append("    ").append(line).append('\n');
            }
        }
        for (String[] n : config.extraNodes) {
            y.append("  - name: ").append(quote(n[0])).append('\n');
            y.append("    host: ").append(quote(n[1])).append('\n');
            y.append("    port: ").append(n[2]).append('\n');
        }
        y.append("writer_order: [").append(String.join(", ", config.writerOrder)).append("]\n");
        y.append("backend:\n");
        y.append("  connect_timeout_ms: 2000\n");
        for (String line : config.backendLines) {
            y.append("  ").append(line).append('\n');
        }
        if (!config.monitor.isEmpty()) {
            y.append("monitor:\n");
            for (String line : config.monitor) {
                y.append("  ").append(line).append('\n');
            }
        }
        if (config.admin) {
            y.append("admin:\n  address: 127.0.0.1\n  port: ").append(adminPort).append("\n  username: admin\n  password: ")
                .append(quote(config.adminPassword)).append('\n');
        } else {
            y.append("admin:\n  enabled: false\n");
        }
        if (config.metrics) {
            y.append("metrics:\n  address: 127.0.0.1\n  port: ").append(metricsPort).append('\n');
        } else {
            y.append("metrics:\n  enabled: false\n");
        }
        y.append(config.extraYaml);
        return y.toString();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * Stops the process (SIGTERM) and starts it again with the config file as it is now (e.g. after the admin's
     * {@code SAVE … TO DISK} rewrote it), on the same ports.
     */
    public void restart() {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitQuietly(process, 10_000)) {
                process.destroyForcibly();
                waitQuietly(process, 10_000);
            }
        }
        RUNNING.remove(this);
        try {
            Files.writeString(logFile, "# restart\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the log line is a courtesy
        }
        spawn(command());
    }

    private List<String> command() {
        String jar = System.getProperty("lintas.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("the Lintas jar is missing (system property lintas.jar = " + jar
                + "); build it first: mvn -B package -pl proxy -am");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(config.jvmOptions);
        cmd.add("-jar");
        cmd.add(Path.of(jar).toAbsolutePath().toString());
        cmd.add("--config");
        cmd.add(configFile.toString());
        return cmd;
    }

    private void launch() {
        List<String> cmd = command();
        try {
            Files.writeString(configFile, yaml(), StandardCharsets.UTF_8);
            Files.writeString(logFile, "# " + String.join(" ", cmd) + "\n# config:\n"
                + yaml().lines().map(l -> "#   " + l).reduce((a, b) -> a + "\n" + b).orElse("") + "\n",
                StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + configFile + ": " + e, e);
        }
        spawn(cmd);
    }

    private void spawn(List<String> cmd) {
        try {
            process = new ProcessBuilder(cmd)
                .directory(tempDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", cmd) + ": " + e, e);
        }
        RUNNING.add(this);
        awaitListening();
        awaitHealthyTopology();
    }

    /**
     * Waits until the monitor reports node1..node3 ONLINE and the head of the writer order as writer: on a
     * loaded machine a first health check can time out, and a test must not start against a topology that is
     * still settling. (Lintas itself starts serving at once; this only makes tests deterministic.)
     */
    private void awaitHealthyTopology() {
        if (config.monitor.isEmpty() || config.monitor.stream().anyMatch(l -> l.startsWith("enabled: false"))) {
            return;
        }
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        String head = config.writerOrder.get(0);
        if (!head.matches("node[123]")) {
            return; // a test of an unreachable writer
        }
        while (System.currentTimeMillis() < deadline) {
            String log = log();
            boolean healthy = lastMatch(log, "writer \\S+ -> (\\S+) reason").equals(head);
            for (int n = 1; n <= 3 && healthy; n++) {
                healthy = lastMatch(log, "node=node" + n + " state \\S+ -> (\\S+) reason").equals("ONLINE");
            }
            if (healthy) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("Lintas's monitor did not see every node ONLINE with writer " + head
            + " within " + READY_TIMEOUT_MS / 1000 + " s; last lines of " + logFile + ":\n" + logTail(60));
    }

    private static String lastMatch(String text, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        String last = "";
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private void awaitListening() {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (true) {
            if (!process.isAlive()) {
                waitQuietly(process, 2000);
                String tail = logTail(60);
                if (tail.contains("Address already in use")) {
                    throw new PortTakenException("Lintas could not bind port " + port + ":\n" + tail);
                }
                throw new IllegalStateException("Lintas exited with code " + process.exitValue()
                    + " before it accepted connections on port " + port + "; last lines of " + logFile + ":\n" + tail);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(Sandbox.HOST, port), 200);
                if ((socketPath == null || Files.exists(socketPath)) && adminListening()) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("Lintas did not accept connections on port " + port + " within "
                    + READY_TIMEOUT_MS / 1000 + " s; last lines of " + logFile + ":\n" + logTail(60));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Lintas", e);
            }
        }
    }

    /** The admin interface (started after the client listener) accepts connections, or is off. */
    private boolean adminListening() {
        if (adminPort < 0) {
            return true;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(Sandbox.HOST, adminPort), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The admin interface's port (127.0.0.1), or -1 when it is off. */
    public int adminPort() {
        return adminPort;
    }

    /** The metrics endpoint's port (127.0.0.1), or -1 when it is off. */
    public int metricsPort() {
        return metricsPort;
    }

    /** The config file the process runs with. */
    public Path configFile() {
        return configFile;
    }

    /** The TCP port Lintas listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** The unix socket path, or null when not enabled. */
    public Path unixSocket() {
        return socketPath;
    }

    /** The file with the process's stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    /** True while the proxy process runs. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The OS process id. */
    public long pid() {
        return process.pid();
    }

    /** The whole log so far. */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Every Lintas process started by this JVM and not yet closed. */
    static Set<LintasProcess> running() {
        return RUNNING;
    }

    /** Stops the proxy: SIGTERM, wait, then SIGKILL; removes the temp dir (the log file stays). */
    @Override
    public void close() {
        RUNNING.remove(this);
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitQuietly(process, 10_000)) {
                process.destroyForcibly();
                waitQuietly(process, 10_000);
            }
        }
        try (Stream<Path> files = Files.walk(tempDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static boolean waitQuietly(Process p, long ms) {
        try {
            return p.waitFor(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return "Lintas{port=" + port + ", log=" + logFile + "}";
    }
}
