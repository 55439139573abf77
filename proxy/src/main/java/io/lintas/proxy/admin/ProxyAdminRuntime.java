package io.lintas.proxy.admin;

import io.lintas.admin.AtomicFileWriter;
import io.lintas.admin.spi.AdminRuntime;
import io.lintas.admin.spi.InvalidConfigException;
import io.lintas.admin.spi.RuntimeConfigRows;
import io.lintas.admin.spi.StatsRows;
import io.lintas.monitor.BackendNode;
import io.lintas.monitor.CheckLogEntry;
import io.lintas.monitor.CheckResult;
import io.lintas.monitor.GaleraMonitor;
import io.lintas.monitor.Topology;
import io.lintas.monitor.WsrepStatus;
import io.lintas.pool.BackendPool;
import io.lintas.pool.PoolStats;
import io.lintas.proxy.config.ConfigException;
import io.lintas.proxy.config.ConfigLoader;
import io.lintas.proxy.config.LintasConfig;
import io.lintas.proxy.session.CommandCounters;
import io.lintas.proxy.session.DataPathMetrics;
import io.lintas.proxy.session.ProxyContext;
import io.lintas.proxy.session.SessionSnapshot;
import io.lintas.proxy.session.UserDirectory;
import io.lintas.router.rules.QueryRule;
import io.lintas.router.rules.QueryRuleSet;
import io.lintas.router.stats.DigestRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The admin interface's view of the running proxy ({@link AdminRuntime}). Reads come from the live objects (pool
 * statistics, digest statistics, rule hits, sessions, the Galera monitor); {@link #apply} validates a whole
 * configuration first and then swaps users, query rules, routing settings and reader weights, and the cluster
 * layout (nodes added or removed, writer order, readers) through the Galera monitor, without dropping client
 * connections. Called on the admin SQL thread only; the swaps are atomic references the data path reads.
 */
public final class ProxyAdminRuntime implements AdminRuntime {
    private static final Logger log = LoggerFactory.getLogger(ProxyAdminRuntime.class);

    private final ProxyContext context;
    private final GaleraMonitor monitor;
    private final BackendPool pool;
    private final DataPathMetrics metrics;
    private final Path configFile;
    private final ConfigLoader loader = new ConfigLoader();
    private final ConfigFileWriter writer = new ConfigFileWriter();
    private final long startedNanos = System.nanoTime();
    private volatile LintasConfig running;

    /**
     * @param monitor    the Galera monitor, or null when it is disabled (the topology is then static)
     * @param configFile the file the proxy was started with (LOAD/SAVE … DISK), or null
     */
    public ProxyAdminRuntime(LintasConfig config, ProxyContext context, GaleraMonitor monitor, BackendPool pool,
                             DataPathMetrics metrics, Path configFile) {
        this.running = Objects.requireNonNull(config, "config");
        this.context = context;
        this.monitor = monitor;
        this.pool = pool;
        this.metrics = metrics;
        this.configFile = configFile;
    }

    /** The configuration in force. */
    public LintasConfig running() {
        return running;
    }

    // ---- configuration -------------------------------------------------------------------------------------

    @Override
    public RuntimeConfigRows runtimeConfig() {
        return ConfigRows.toRows(running);
    }

    @Override
    public synchronized void apply(RuntimeConfigRows rows) throws InvalidConfigException {
        LintasConfig before = running;
        LintasConfig next;
        try {
            next = ConfigRows.fromRows(rows, before, true).config();
        } catch (ConfigRows.InvalidRowsException e) {
            throw new InvalidConfigException(e.getMessage());
        }
        try {
            // The monitor validates the layout before anything changes.
            new io.lintas.monitor.ClusterLayout(next.nodes(), next.writerOrder(), next.readers());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("mysql_servers: " + e.getMessage());
        }
        // Everything is valid: swap.
        context.setUsers(new UserDirectory(next.users()));
        if (next.queryRules() != before.queryRules()) {
            context.setRules(next.queryRules());
        }
        if (!next.routing().equals(before.routing())) {
            context.setRouting(next.routing());
        }
        boolean layoutChanged = !next.nodes().equals(before.nodes()) || !next.writerOrder().equals(before.writerOrder())
            || !next.readers().equals(before.readers());
        if (layoutChanged) {
            Set<BackendNode> removed = new HashSet<>(before.nodes());
            removed.removeAll(next.nodes());
            for (BackendNode n : next.nodes()) {
                if (!before.nodes().contains(n)) {
                    pool.resume(n); // in case it was taken out earlier and comes back
                }
            }
            metrics.setNodes(next.nodes(), pool);
            if (monitor != null) {
                monitor.setNodes(next.nodes(), next.writerOrder(), next.readers());
            } else {
                Topology t = Topology.initial(next.writerOrder(), next.readers());
                context.publish(t);
                metrics.topology(t);
            }
            for (BackendNode n : removed) {
                pool.shutdownNode(n);
            }
            log.info("admin: cluster layout now nodes {}, writer order {}, readers {}", names(next.nodes()),
                names(next.writerOrder()), names(next.readers()));
        }
        running = next;
        log.info("admin: runtime configuration applied ({} users, {} query rules, {} nodes)", next.users().size(),
            next.queryRules().rules().size(), next.nodes().size());
    }

    @Override
    public RuntimeConfigRows loadFromDisk() throws IOException, InvalidConfigException {
        return ConfigRows.toRows(readFile());
    }

    @Override
    public synchronized void saveToDisk(RuntimeConfigRows rows) throws IOException, InvalidConfigException {
        Path file = requireFile();
        LintasConfig onDisk;
        String oldText;
        try {
            oldText = Files.readString(file, StandardCharsets.UTF_8);
            onDisk = loader.parse(file.toString(), oldText);
        } catch (NoSuchFileException e) {
            oldText = "";
            onDisk = running;
        } catch (ConfigException e) {
            // The file was broken by hand meanwhile: build on what runs, keep its other sections if they parse.
            oldText = Files.readString(file, StandardCharsets.UTF_8);
            onDisk = running;
        }
        ConfigRows.Parsed parsed;
        try {
            parsed = ConfigRows.fromRows(rows, onDisk, false);
        } catch (ConfigRows.InvalidRowsException e) {
            throw new InvalidConfigException(e.getMessage());
        }
        String text = writer.write(oldText, parsed.config(), parsed.variables());
        try {
            loader.parse(file.toString(), text); // never write a file Lintas could not start with
        } catch (ConfigException e) {
            throw new InvalidConfigException("the config file would not be valid: " + String.join("; ", e.problems()));
        }
        AtomicFileWriter.write(file, text.getBytes(StandardCharsets.UTF_8));
        log.info("admin: configuration saved to {}", file);
    }

    private LintasConfig readFile() throws IOException, InvalidConfigException {
        Path file = requireFile();
        try {
            return loader.load(file);
        } catch (ConfigException e) {
            throw new InvalidConfigException("config file " + file + ": " + String.join("; ", e.problems()), e);
        }
    }

    private Path requireFile() throws IOException {
        if (configFile == null) {
            throw new IOException("Lintas was not started with a config file");
        }
        return configFile;
    }

    // ---- stats ---------------------------------------------------------------------------------------------

    @Override
    public List<StatsRows.ConnectionPool> connectionPool() {
        LintasConfig c = running;
        Topology t = context.topology();
        List<StatsRows.ConnectionPool> out = new ArrayList<>();
        for (BackendNode n : c.nodes()) {
            PoolStats s = pool.stats(n);
            out.add(new StatsRows.ConnectionPool(hostgroupOf(c, t, n), n.host(), n.port(), t.stateOf(n).name(), s.used(),
                s.free(), s.ok(), s.err(), s.maxUsed(), s.queries(), s.bytesSent(), s.bytesReceived(), s.latencyUs()));
        }
        return out;
    }

    /** The hostgroup a node serves now: writer, reader, backup writer (a writer candidate) or offline. */
    private static int hostgroupOf(LintasConfig c, Topology t, BackendNode n) {
        LintasConfig.RoutingSettings r = c.routing();
        if (t.writer().isPresent() && t.writer().get().equals(n)) {
            return r.writerHostgroup();
        }
        if (c.readers().contains(n)) {
            return r.readerHostgroup();
        }
        if (c.writerOrder().contains(n)) {
            return ConfigRows.backupWriterHostgroup(r);
        }
        return ConfigRows.offlineHostgroup(r);
    }

    @Override
    public List<StatsRows.QueryDigest> queryDigests(boolean reset) {
        List<DigestRow> rows = reset ? context.digests().snapshotAndReset() : context.digests().snapshot();
        List<StatsRows.QueryDigest> out = new ArrayList<>(rows.size());
        for (DigestRow d : rows) {
            out.add(new StatsRows.QueryDigest(d.hostgroup(), nz(d.schemaname()), nz(d.username()), "", d.digest(),
                d.digestText(), d.countStar(), d.firstSeen(), d.lastSeen(), d.sumTimeUs(), d.minTimeUs(), d.maxTimeUs(), 0, 0));
        }
        return out;
    }

    @Override
    public List<StatsRows.RuleHits> ruleHits() {
        QueryRuleSet rules = context.rules();
        List<StatsRows.RuleHits> out = new ArrayList<>();
        for (QueryRule q : rules.rules()) {
            out.add(new StatsRows.RuleHits(q.ruleId(), rules.hits(q.ruleId())));
        }
        return out;
    }

    @Override
    public List<StatsRows.CommandCounter> commandCounters() {
        List<StatsRows.CommandCounter> out = new ArrayList<>();
        for (CommandCounters.Row r : metrics.commands().snapshot()) {
            out.add(new StatsRows.CommandCounter(r.command(), r.totalTimeUs(), r.totalCount(), r.buckets()));
        }
        return out;
    }

    @Override
    public List<StatsRows.Process> processList() {
        LintasConfig c = running;
        Topology t = context.topology();
        List<StatsRows.Process> out = new ArrayList<>();
        for (SessionSnapshot s : context.sessionSnapshots()) {
            BackendNode n = s.node();
            out.add(new StatsRows.Process(0, s.connectionId(), s.user(), nz(s.schema()), s.clientHost(), s.clientPort(),
                n == null ? -1 : hostgroupOf(c, t, n), "", 0, n == null ? "" : n.host(), n == null ? 0 : n.port(),
                s.command(), s.timeMs(), s.info()));
        }
        return out;
    }

    @Override
    public List<StatsRows.GlobalStatus> globalStatus() {
        List<StatsRows.GlobalStatus> out = new ArrayList<>();
        long used = 0;
        long free = 0;
        long created = 0;
        long sent = 0;
        long recv = 0;
        long backendQueries = 0;
        for (BackendNode n : running.nodes()) {
            PoolStats s = pool.stats(n);
            used += s.used();
            free += s.free();
            created += s.ok();
            sent += s.bytesSent();
            recv += s.bytesReceived();
            backendQueries += s.queries();
        }
        Topology t = context.topology();
        add(out, "ProxySQL_Uptime", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos));
        add(out, "Client_Connections_connected", metrics.clientsOpen());
        add(out, "Client_Connections_created", metrics.clientsAccepted());
        add(out, "Questions", metrics.commands().total());
        add(out, "Queries_backends_bytes_sent", sent);
        add(out, "Queries_backends_bytes_recv", recv);
        add(out, "Queries_frontends_bytes_sent", metrics.bytesOut());
        add(out, "Queries_frontends_bytes_recv", metrics.bytesIn());
        add(out, "Server_Connections_connected", used + free);
        add(out, "Server_Connections_created", created);
        add(out, "ConnPool_used", used);
        add(out, "ConnPool_free", free);
        add(out, "Backend_commands", backendQueries);
        add(out, "Lintas_errors_sent", metrics.errors());
        out.add(new StatsRows.GlobalStatus("Lintas_writer", t.writer().map(BackendNode::name).orElse("none")));
        add(out, "Lintas_writer_changes", metrics.writerChanges());
        add(out, "Lintas_topology_version", t.version());
        add(out, "Lintas_query_digests", context.digests().size());
        add(out, "Lintas_query_digests_overflowed", context.digests().overflowed());
        add(out, "Lintas_query_rules_regex_aborts", context.rules().regexAborts());
        add(out, "Lintas_unparseable_statements", context.classifier().unparseableCount());
        return out;
    }

    private static void add(List<StatsRows.GlobalStatus> out, String name, long value) {
        out.add(new StatsRows.GlobalStatus(name, Long.toString(value)));
    }

    @Override
    public List<StatsRows.GaleraCheck> galeraLog() {
        List<StatsRows.GaleraCheck> out = new ArrayList<>();
        for (CheckLogEntry e : checks()) {
            long latencyUs = TimeUnit.NANOSECONDS.toMicros(e.result().latency().toNanos());
            long startUs = micros(e) - latencyUs;
            if (e.result() instanceof CheckResult.Success ok) {
                WsrepStatus w = ok.status();
                out.add(new StatsRows.GaleraCheck(e.node().host(), e.node().port(), startUs, Math.max(1, latencyUs),
                    w.isPrimary(), w.readOnly(), w.localRecvQueue(), w.localState(), w.desync(), !w.acceptsQueries(),
                    w.sstDonorRejectsQueries(), null));
            } else if (e.result() instanceof CheckResult.Failure f) {
                out.add(new StatsRows.GaleraCheck(e.node().host(), e.node().port(), startUs, 0, false, false, 0, 0, false,
                    false, false, f.reason()));
            }
        }
        return out;
    }

    @Override
    public List<StatsRows.Ping> pingLog() {
        List<StatsRows.Ping> out = new ArrayList<>();
        for (CheckLogEntry e : checks()) {
            long latencyUs = TimeUnit.NANOSECONDS.toMicros(e.result().latency().toNanos());
            boolean ok = e.ok();
            out.add(new StatsRows.Ping(e.node().host(), e.node().port(), micros(e) - latencyUs, ok ? Math.max(1, latencyUs) : 0,
                ok ? null : ((CheckResult.Failure) e.result()).reason()));
        }
        return out;
    }

    /** Every node's recent checks, oldest first (empty when the monitor is disabled). */
    private List<CheckLogEntry> checks() {
        if (monitor == null) {
            return List.of();
        }
        List<CheckLogEntry> all = new ArrayList<>();
        for (BackendNode n : running.nodes()) {
            all.addAll(monitor.checkLog(n));
        }
        all.sort(Comparator.comparing(CheckLogEntry::at));
        return all;
    }

    private static long micros(CheckLogEntry e) {
        return TimeUnit.SECONDS.toMicros(e.at().getEpochSecond()) + e.at().getNano() / 1000;
    }

    @Override
    public boolean kill(long connectionId, boolean queryOnly) {
        return context.kill(connectionId, queryOnly);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static List<String> names(List<BackendNode> nodes) {
        return nodes.stream().map(BackendNode::name).toList();
    }

    /** For tests and logs: the running variables. */
    Map<String, String> variables() {
        return RuntimeVariables.of(running);
    }
}
