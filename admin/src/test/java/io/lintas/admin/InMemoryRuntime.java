package io.lintas.admin;

import io.lintas.admin.spi.AdminRuntime;
import io.lintas.admin.spi.GaleraHostgroupRow;
import io.lintas.admin.spi.InvalidConfigException;
import io.lintas.admin.spi.QueryRuleRow;
import io.lintas.admin.spi.RuntimeConfigRows;
import io.lintas.admin.spi.ServerRow;
import io.lintas.admin.spi.StatsRows;
import io.lintas.admin.spi.UserRow;
import io.lintas.admin.spi.VariableRow;
import io.lintas.wire.auth.NativePassword;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** A test double of the running proxy: configuration and stats in memory, with the validation a proxy would do. */
final class InMemoryRuntime implements AdminRuntime {
    static final long KNOWN_SESSION = 1_000_000_001L;
    static final Set<String> KNOWN_VARIABLES = Set.of("mysql-monitor_interval_ms", "mysql-monitor_timeout_ms",
        "mysql-max_connections");

    volatile RuntimeConfigRows running = initial();
    volatile RuntimeConfigRows disk = initial();
    final List<RuntimeConfigRows> applied = new CopyOnWriteArrayList<>();
    final List<String> kills = new CopyOnWriteArrayList<>();
    /** Names of the threads the admin called the runtime on. */
    final Set<String> callerThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<StatsRows.QueryDigest> digests = new CopyOnWriteArrayList<>();

    InMemoryRuntime() {
        seedDigests();
    }

    /** Puts back the one digest the tests expect (reading the _reset table empties it). */
    void seedDigests() {
        digests.clear();
        digests.add(new StatsRows.QueryDigest(10, "app", "app", "127.0.0.1", "0x5AE88C1B39DFF7A7",
            "SELECT * FROM t WHERE id=?", 42, 1_763_770_000L, 1_763_770_100L, 4200, 50, 300, 0, 42));
    }

    static RuntimeConfigRows initial() {
        return new RuntimeConfigRows(
            List.of(new ServerRow(10, "127.0.0.1", 3313, "ONLINE", 1000, 50, "node3"),
                new ServerRow(20, "127.0.0.1", 3311, "ONLINE", 1000, 50, "node1"),
                new ServerRow(20, "127.0.0.1", 3312, "ONLINE", 1000, 50, "node2")),
            List.of(new GaleraHostgroupRow(10, 12, 20, 9999, true, 1, 2, 100, "sandbox")),
            List.of(new UserRow("app", NativePassword.storedHash("app"), true, 10, "app", true, 10000, "")),
            List.of(new QueryRuleRow(1, true, null, null, null, "^SELECT .* FOR UPDATE", null, false, "CASELESS", 10, null,
                true, "locking reads to the writer")),
            List.of(new VariableRow("mysql-monitor_interval_ms", "250"), new VariableRow("mysql-monitor_timeout_ms", "200")));
    }

    @Override
    public RuntimeConfigRows runtimeConfig() {
        callerThreads.add(Thread.currentThread().getName());
        return running;
    }

    @Override
    public void apply(RuntimeConfigRows config) throws InvalidConfigException {
        callerThreads.add(Thread.currentThread().getName());
        validate(config);
        applied.add(config);
        running = config;
    }

    static void validate(RuntimeConfigRows config) throws InvalidConfigException {
        Set<Integer> hostgroups = new HashSet<>();
        for (GaleraHostgroupRow g : config.galeraHostgroups()) {
            hostgroups.addAll(List.of(g.writerHostgroup(), g.backupWriterHostgroup(), g.readerHostgroup(), g.offlineHostgroup()));
        }
        for (ServerRow s : config.servers()) {
            if (!hostgroups.contains(s.hostgroupId())) {
                throw new InvalidConfigException("mysql_servers: hostgroup " + s.hostgroupId() + " of " + s.hostname() + ":"
                    + s.port() + " is in no mysql_galera_hostgroups row");
            }
        }
        for (UserRow u : config.users()) {
            if (!u.passwordHash().isEmpty() && !u.passwordHash().matches("\\*[0-9A-F]{40}")) {
                throw new InvalidConfigException("mysql_users: password of " + u.username() + " is not a hash");
            }
        }
        for (QueryRuleRow r : config.queryRules()) {
            try {
                if (r.matchPattern() != null) {
                    Pattern.compile(r.matchPattern());
                }
                if (r.matchDigest() != null) {
                    Pattern.compile(r.matchDigest());
                }
            } catch (PatternSyntaxException e) {
                throw new InvalidConfigException("mysql_query_rules rule_id " + r.ruleId() + ": bad regular expression: "
                    + e.getDescription());
            }
        }
        for (VariableRow v : config.variables()) {
            if (!KNOWN_VARIABLES.contains(v.name())) {
                throw new InvalidConfigException("global_variables: unknown variable '" + v.name() + "'");
            }
        }
    }

    @Override
    public RuntimeConfigRows loadFromDisk() {
        return disk;
    }

    @Override
    public void saveToDisk(RuntimeConfigRows config) throws InvalidConfigException {
        validate(config);
        disk = config;
    }

    @Override
    public List<StatsRows.ConnectionPool> connectionPool() {
        callerThreads.add(Thread.currentThread().getName());
        return List.of(new StatsRows.ConnectionPool(10, "127.0.0.1", 3313, "ONLINE", 2, 5, 7, 1, 4, 1234, 56789, 98765, 310),
            new StatsRows.ConnectionPool(20, "127.0.0.1", 3311, "ONLINE", 0, 3, 3, 0, 1, 77, 1000, 2000, 290));
    }

    @Override
    public List<StatsRows.QueryDigest> queryDigests(boolean reset) {
        List<StatsRows.QueryDigest> out = new ArrayList<>(digests);
        if (reset) {
            digests.clear();
        }
        return out;
    }

    @Override
    public List<StatsRows.RuleHits> ruleHits() {
        return List.of(new StatsRows.RuleHits(1, 17));
    }

    @Override
    public List<StatsRows.CommandCounter> commandCounters() {
        return List.of(new StatsRows.CommandCounter("SELECT", 5000, 10, new long[] {1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0}));
    }

    @Override
    public List<StatsRows.Process> processList() {
        return List.of(new StatsRows.Process(1, KNOWN_SESSION, "app", "app", "127.0.0.1", 50000, 10, "127.0.0.1", 40000,
            "127.0.0.1", 3313, "Query", 12, "SELECT SLEEP(10)"));
    }

    @Override
    public List<StatsRows.GlobalStatus> globalStatus() {
        return List.of(new StatsRows.GlobalStatus("Client_Connections_connected", "3"),
            new StatsRows.GlobalStatus("Questions", "1234"));
    }

    @Override
    public List<StatsRows.GaleraCheck> galeraLog() {
        return List.of(new StatsRows.GaleraCheck("127.0.0.1", 3313, 1_763_770_000_000_000L, 850, true, false, 0, 4,
            false, false, false, null));
    }

    @Override
    public List<StatsRows.Ping> pingLog() {
        return List.of(new StatsRows.Ping("127.0.0.1", 3313, 1_763_770_000_000_000L, 120, null),
            new StatsRows.Ping("127.0.0.1", 3311, 1_763_770_000_000_000L, 0, "Connection refused"));
    }

    @Override
    public boolean kill(long connectionId, boolean queryOnly) {
        if (connectionId != KNOWN_SESSION) {
            return false;
        }
        kills.add((queryOnly ? "query " : "connection ") + connectionId);
        return true;
    }
}
