package io.lintas.proxy.admin;

import io.lintas.admin.spi.GaleraHostgroupRow;
import io.lintas.admin.spi.QueryRuleRow;
import io.lintas.admin.spi.RuntimeConfigRows;
import io.lintas.admin.spi.ServerRow;
import io.lintas.admin.spi.UserRow;
import io.lintas.admin.spi.VariableRow;
import io.lintas.monitor.BackendNode;
import io.lintas.monitor.WriterIsAlsoReader;
import io.lintas.proxy.config.LintasConfig;
import io.lintas.proxy.config.UserAccount;
import io.lintas.router.rules.InvalidQueryRuleException;
import io.lintas.router.rules.QueryRule;
import io.lintas.router.rules.QueryRuleSet;
import io.lintas.wire.auth.NativePassword;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Converts between the proxy's configuration ({@link LintasConfig}) and the admin's table rows, the way ProxySQL
 * shows a Galera cluster:
 *
 * <ul>
 *   <li>every node of {@code writer_order} is a row of the writer hostgroup; the writer order is the weight order,
 *       highest first (ProxySQL elects the writer by weight too): 1000, 990, 980, …;</li>
 *   <li>every reader is a row of the reader hostgroup, its weight the reader weight ({@code nodes[].weight});</li>
 *   <li>a node in neither list is a row of the offline hostgroup (monitored, takes no work);</li>
 *   <li>the node's name is the row's {@code comment} (a new row without one is named {@code host:port}).</li>
 * </ul>
 *
 * Lintas has no separate backup-writer or offline hostgroup setting: they are derived from the writer and reader
 * hostgroups ({@link #backupWriterHostgroup}, {@link #offlineHostgroup}).
 */
final class ConfigRows {
    /** The column default of mysql_servers.max_connections: "not set", the node's pool setting applies. */
    static final int SERVER_MAX_CONNECTIONS_DEFAULT = 1000;
    /** The column default of mysql_users.max_connections: Lintas has no per-user limit. */
    static final int USER_MAX_CONNECTIONS_DEFAULT = 10000;
    private static final int WRITER_TOP_WEIGHT = 1000;
    private static final int WRITER_WEIGHT_STEP = 10;

    private ConfigRows() {}

    /** What a configuration looks like as rows. */
    static RuntimeConfigRows toRows(LintasConfig c) {
        LintasConfig.RoutingSettings r = c.routing();
        List<ServerRow> servers = new ArrayList<>();
        for (int i = 0; i < c.writerOrder().size(); i++) {
            BackendNode n = c.writerOrder().get(i);
            servers.add(new ServerRow(r.writerHostgroup(), n.host(), n.port(), "ONLINE",
                Math.max(1, WRITER_TOP_WEIGHT - WRITER_WEIGHT_STEP * i), maxConnections(c, n), n.name(), n.useSsl()));
        }
        for (BackendNode n : c.readers()) {
            servers.add(new ServerRow(r.readerHostgroup(), n.host(), n.port(), "ONLINE", r.weights().getOrDefault(n.name(), 1),
                maxConnections(c, n), n.name(), n.useSsl()));
        }
        for (BackendNode n : c.nodes()) {
            if (!c.writerOrder().contains(n) && !c.readers().contains(n)) {
                servers.add(new ServerRow(offlineHostgroup(r), n.host(), n.port(), "ONLINE", 1, maxConnections(c, n), n.name(),
                    n.useSsl()));
            }
        }
        List<GaleraHostgroupRow> galera = List.of(new GaleraHostgroupRow(r.writerHostgroup(), backupWriterHostgroup(r),
            r.readerHostgroup(), offlineHostgroup(r), true, 1, wiarCode(c.monitor().settings().writerIsAlsoReader()),
            (int) Math.min(Integer.MAX_VALUE, c.monitor().settings().maxTransactionsBehind()), ""));
        List<UserRow> users = new ArrayList<>();
        for (UserAccount u : c.users()) {
            users.add(new UserRow(u.username(), hash(u.stage2()), true, r.writerHostgroup(), u.defaultSchema(), true,
                USER_MAX_CONNECTIONS_DEFAULT, ""));
        }
        List<QueryRuleRow> rules = new ArrayList<>();
        for (QueryRule q : c.queryRules().rules()) {
            rules.add(new QueryRuleRow(q.ruleId(), q.active(), q.username(), q.schemaname(), null, q.matchDigest(),
                q.matchPattern(), q.negateMatchPattern(), "CASELESS", q.destinationHostgroup(), q.errorMsg(), q.apply(),
                q.comment(), q.timeout()));
        }
        List<VariableRow> variables = RuntimeVariables.rows(c);
        return new RuntimeConfigRows(servers, galera, users, rules, variables);
    }

    /** The result of reading rows: the configuration and every variable value. */
    record Parsed(LintasConfig config, Map<String, String> variables) {}

    /**
     * Validates {@code rows} as a whole against {@code base} (what runs, or what the file holds) and builds the
     * configuration they describe. With {@code runtime}, variables that cannot change at runtime must keep
     * {@code base}'s values.
     *
     * @throws InvalidRowsException listing every problem
     */
    static Parsed fromRows(RuntimeConfigRows rows, LintasConfig base, boolean runtime) throws InvalidRowsException {
        List<String> problems = new ArrayList<>();
        LintasConfig.RoutingSettings baseRouting = base.routing();

        // ---- galera hostgroups ----
        int writerHg = baseRouting.writerHostgroup();
        int readerHg = baseRouting.readerHostgroup();
        if (rows.galeraHostgroups().size() != 1) {
            problems.add("mysql_galera_hostgroups: Lintas manages exactly one Galera cluster, so it needs exactly one row (found "
                + rows.galeraHostgroups().size() + ")");
        } else {
            GaleraHostgroupRow g = rows.galeraHostgroups().get(0);
            writerHg = g.writerHostgroup();
            readerHg = g.readerHostgroup();
            LintasConfig.RoutingSettings probe = new LintasConfig.RoutingSettings(writerHg, readerHg,
                baseRouting.consistency(), true, 0, 0, Map.of());
            String at = "mysql_galera_hostgroups row (writer_hostgroup=" + g.writerHostgroup() + "): ";
            if (writerHg == readerHg) {
                problems.add(at + "reader_hostgroup must differ from writer_hostgroup");
            }
            if (g.backupWriterHostgroup() != backupWriterHostgroup(probe)) {
                problems.add(at + "backup_writer_hostgroup " + g.backupWriterHostgroup() + " is not supported: Lintas derives it ("
                    + backupWriterHostgroup(probe) + " for these writer and reader hostgroups); every writer candidate is a row of the writer hostgroup");
            }
            if (g.offlineHostgroup() != offlineHostgroup(probe)) {
                problems.add(at + "offline_hostgroup " + g.offlineHostgroup() + " is not supported: Lintas derives it ("
                    + offlineHostgroup(probe) + ")");
            }
            if (!g.active()) {
                problems.add(at + "active=0 is not supported (Lintas always manages its cluster)");
            }
            if (g.maxWriters() != 1) {
                problems.add(at + "max_writers=" + g.maxWriters() + " is not supported (Lintas elects exactly one writer)");
            }
            int wiar = wiarCode(base.monitor().settings().writerIsAlsoReader());
            if (g.writerIsAlsoReader() != wiar) {
                problems.add(at + "writer_is_also_reader cannot change at runtime or from the admin interface (it is "
                    + wiar + ", monitor.writer_is_also_reader in the config file)");
            }
            if (g.maxTransactionsBehind() != base.monitor().settings().maxTransactionsBehind()) {
                problems.add(at + "max_transactions_behind cannot change at runtime or from the admin interface (it is "
                    + base.monitor().settings().maxTransactionsBehind() + ", monitor.max_transactions_behind in the config file)");
            }
        }
        int offlineHg = offlineHostgroup(new LintasConfig.RoutingSettings(writerHg, readerHg, baseRouting.consistency(),
            true, 0, 0, Map.of()));

        // ---- servers ----
        Map<String, BackendNode> byAddress = new LinkedHashMap<>(); // host:port -> node
        Map<String, String> names = new HashMap<>();                 // host:port -> name
        for (ServerRow s : rows.servers()) {
            String addr = s.hostname() + ":" + s.port();
            String comment = s.comment().trim();
            if (!comment.isEmpty()) {
                String prev = names.putIfAbsent(addr, comment);
                if (prev != null && !prev.equals(comment)) {
                    problems.add("mysql_servers: " + addr + " is named both '" + prev + "' and '" + comment
                        + "' (the comment is the node's name; give its rows the same one)");
                }
            }
        }
        List<ServerRow> writerRows = new ArrayList<>();
        List<BackendNode> readers = new ArrayList<>();
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (ServerRow s : rows.servers()) {
            String addr = s.hostname() + ":" + s.port();
            String at = "mysql_servers row (hostgroup_id=" + s.hostgroupId() + ", " + addr + "): ";
            if (s.hostgroupId() != writerHg && s.hostgroupId() != readerHg && s.hostgroupId() != offlineHg) {
                problems.add(at + "hostgroup " + s.hostgroupId() + " is not the writer (" + writerHg + "), reader (" + readerHg
                    + ") or offline (" + offlineHg + ") hostgroup of mysql_galera_hostgroups");
                continue;
            }
            if (s.hostname().isBlank() || s.port() < 1 || s.port() > 65535) {
                problems.add(at + "needs a hostname and a port 1..65535");
                continue;
            }
            if (!s.status().equalsIgnoreCase("ONLINE")) {
                problems.add(at + "status " + s.status() + " is not supported yet; delete the node's rows to take it out"
                    + " (the monitor's verdict is in stats_mysql_connection_pool)");
                continue;
            }
            BackendNode node = byAddress.get(addr);
            if (node == null) {
                String name = names.get(addr);
                if (name == null) {
                    name = base.nodes().stream().filter(n -> n.host().equals(s.hostname()) && n.port() == s.port())
                        .map(BackendNode::name).findFirst().orElse(addr);
                }
                node = new BackendNode(name, s.hostname(), s.port(), s.useSsl());
                byAddress.put(addr, node);
            } else if (node.useSsl() != s.useSsl()) {
                problems.add(at + "use_ssl=" + (s.useSsl() ? 1 : 0) + " differs from the node's other rows (give all rows of"
                    + " a node the same use_ssl)");
                continue;
            }
            int poolMax = maxConnections(base, node);
            if (s.maxConnections() != poolMax && s.maxConnections() != SERVER_MAX_CONNECTIONS_DEFAULT) {
                problems.add(at + "max_connections=" + s.maxConnections() + " cannot be set from the admin interface (the node's"
                    + " pool allows " + poolMax + "; set pool.max_connections in the config file)");
            }
            if (s.hostgroupId() == writerHg) {
                writerRows.add(s);
            } else if (s.hostgroupId() == readerHg) {
                if (s.weight() > 1_000_000) {
                    problems.add(at + "weight " + s.weight() + " is over 1000000");
                }
                readers.add(node);
                if (s.weight() != 1) {
                    weights.put(node.name(), s.weight()); // a node without a weight weighs 1, as in the config file
                }
            }
        }
        Map<String, String> addrByName = new HashMap<>();
        for (Map.Entry<String, BackendNode> e : byAddress.entrySet()) {
            String prev = addrByName.putIfAbsent(e.getValue().name(), e.getKey());
            if (prev != null) {
                problems.add("mysql_servers: the name '" + e.getValue().name() + "' is given to both " + prev + " and " + e.getKey());
            }
        }
        // Writer order: highest weight first; ties keep the rows' order (hostname, port).
        List<ServerRow> sortedWriters = new ArrayList<>(writerRows);
        sortedWriters.sort(Comparator.comparingInt(ServerRow::weight).reversed());
        List<BackendNode> writerOrder = new ArrayList<>();
        for (ServerRow s : sortedWriters) {
            writerOrder.add(byAddress.get(s.hostname() + ":" + s.port()));
        }
        if (writerOrder.isEmpty() && !rows.servers().isEmpty()) {
            problems.add("mysql_servers: no node in the writer hostgroup " + writerHg + " (at least one node must be able to take writes)");
        }
        if (byAddress.isEmpty()) {
            problems.add("mysql_servers: no servers (at least one node is needed)");
        }
        // Nodes: the base's order for nodes that stay, new ones after.
        List<BackendNode> nodes = new ArrayList<>();
        for (BackendNode n : base.nodes()) {
            if (byAddress.containsValue(n)) {
                nodes.add(n);
            }
        }
        for (BackendNode n : byAddress.values()) {
            if (!nodes.contains(n)) {
                nodes.add(n);
            }
        }

        // ---- users ----
        List<UserAccount> users = new ArrayList<>();
        Map<String, UserAccount> baseUsers = new HashMap<>();
        for (UserAccount u : base.users()) {
            baseUsers.put(u.username(), u);
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (UserRow u : rows.users()) {
            String at = "mysql_users row (username=" + u.username() + "): ";
            if (u.username().isEmpty()) {
                problems.add("mysql_users: a row has an empty username");
                continue;
            }
            if (!seen.add(u.username())) {
                problems.add(at + "listed twice");
                continue;
            }
            if (!u.active()) {
                problems.add(at + "active=0 is not supported; delete the row to remove the user");
            }
            if (u.defaultHostgroup() != 0 && u.defaultHostgroup() != writerHg) {
                problems.add(at + "default_hostgroup=" + u.defaultHostgroup() + " is not supported (Lintas routes every"
                    + " statement by its type; use 0 or the writer hostgroup " + writerHg + ", or a query rule)");
            }
            if (!u.transactionPersistent()) {
                problems.add(at + "transaction_persistent=0 is not supported (a transaction always stays on its connection)");
            }
            if (u.maxConnections() != USER_MAX_CONNECTIONS_DEFAULT) {
                problems.add(at + "max_connections is not supported (leave it at " + USER_MAX_CONNECTIONS_DEFAULT + ")");
            }
            if (!u.comment().isEmpty()) {
                problems.add(at + "comment is not kept by Lintas (leave it empty)");
            }
            byte[] stage2 = null;
            if (!u.passwordHash().isEmpty()) {
                try {
                    stage2 = NativePassword.parseStoredHash(u.passwordHash());
                } catch (IllegalArgumentException e) {
                    problems.add(at + "password: " + e.getMessage());
                    continue;
                }
            }
            UserAccount old = baseUsers.get(u.username());
            byte[] stage1 = old != null && Arrays.equals(old.stage2(), stage2) ? old.stage1() : null;
            String schema = u.defaultSchema() == null || u.defaultSchema().isEmpty() ? null : u.defaultSchema();
            // users[].max_connections and the caching_sha2 digests stay as the config file set them.
            boolean samePassword = old != null && Arrays.equals(old.stage2(), stage2);
            users.add(new UserAccount(u.username(), stage2, stage1, schema, old == null ? 0 : old.maxConnections(),
                samePassword ? old.sha2FastAuth() : null, samePassword ? old.backendSha2() : null));
        }
        if (users.isEmpty() && problems.isEmpty()) {
            problems.add("mysql_users: no users (at least one user is needed)");
        }

        // ---- query rules ----
        Map<Integer, QueryRule> baseRules = new HashMap<>();
        for (QueryRule q : base.queryRules().rules()) {
            baseRules.put(q.ruleId(), q);
        }
        List<QueryRule> rules = new ArrayList<>();
        for (QueryRuleRow q : rows.queryRules()) {
            String at = "mysql_query_rules row (rule_id=" + q.ruleId() + "): ";
            if (q.digest() != null && !q.digest().isEmpty()) {
                problems.add(at + "digest is not supported (use match_digest with the digest text)");
            }
            String mods = q.reModifiers() == null ? "" : q.reModifiers().trim();
            if (!mods.isEmpty() && !mods.equalsIgnoreCase("CASELESS")) {
                problems.add(at + "re_modifiers '" + q.reModifiers() + "' is not supported (Lintas matches CASELESS)");
            }
            Integer hg = q.destinationHostgroup();
            if (hg != null && hg != writerHg && hg != readerHg) {
                problems.add(at + "destination_hostgroup " + hg + " is neither the writer hostgroup " + writerHg
                    + " nor the reader hostgroup " + readerHg);
            }
            // flagIN/flagOUT/replace_pattern come only from the config file; the tables cannot show them.
            QueryRule old = baseRules.get(q.ruleId());
            rules.add(new QueryRule(q.ruleId(), q.active(), q.username(), q.schemaname(),
                old == null ? 0 : old.flagIn(), old == null ? null : old.flagOut(), q.matchDigest(), q.matchPattern(),
                q.negateMatchPattern(), old == null || !Objects.equals(old.matchPattern(), q.matchPattern()) ? null : old.replacePattern(),
                hg, q.errorMsg(), q.apply(), q.comment(), q.timeout()));
        }
        QueryRuleSet ruleSet = QueryRuleSet.EMPTY;
        if (rules.equals(base.queryRules().rules())) {
            ruleSet = base.queryRules(); // unchanged: keep the running set and its hit counters
        } else {
            try {
                ruleSet = QueryRuleSet.compile(rules);
            } catch (InvalidQueryRuleException e) {
                for (String p : e.problems()) {
                    problems.add("mysql_query_rules: " + p);
                }
            }
        }

        // ---- variables ----
        Map<String, String> vars = RuntimeVariables.parse(rows.variables(), base, problems);
        if (runtime) {
            Map<String, String> now = RuntimeVariables.of(base);
            for (String name : RuntimeVariables.ALL) {
                if (!RuntimeVariables.RUNTIME.contains(name) && !Objects.equals(now.get(name), vars.get(name))) {
                    problems.add("global_variables: " + name + " cannot change at runtime (it is '" + now.get(name)
                        + "'); SAVE MYSQL VARIABLES TO DISK and restart Lintas to use '" + vars.get(name) + "'");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRowsException(problems);
        }
        LintasConfig.RoutingSettings routing = new LintasConfig.RoutingSettings(writerHg, readerHg,
            "eventual".equals(vars.get(RuntimeVariables.CONSISTENCY)) ? LintasConfig.Consistency.EVENTUAL
                : LintasConfig.Consistency.READ_YOUR_WRITES,
            Boolean.parseBoolean(vars.get(RuntimeVariables.FALL_BACK)),
            Integer.parseInt(vars.get(RuntimeVariables.FAILOVER_WAIT)),
            Integer.parseInt(vars.get(RuntimeVariables.WARNINGS_HOLD)), weights);
        return new Parsed(base.with(users, nodes, writerOrder, readers, routing, ruleSet), vars);
    }

    /** Rows that describe no valid configuration; one message per problem. */
    static final class InvalidRowsException extends Exception {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        InvalidRowsException(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        List<String> problems() {
            return problems;
        }
    }

    static int backupWriterHostgroup(LintasConfig.RoutingSettings r) {
        int hg = r.writerHostgroup() + 2;
        return hg == r.readerHostgroup() ? hg + 1 : hg;
    }

    static int offlineHostgroup(LintasConfig.RoutingSettings r) {
        int hg = 9999;
        while (hg == r.writerHostgroup() || hg == r.readerHostgroup() || hg == backupWriterHostgroup(r)) {
            hg++;
        }
        return hg;
    }

    static int wiarCode(WriterIsAlsoReader w) {
        return switch (w) {
            case NEVER -> 0;
            case ALWAYS -> 1;
            case WHEN_ONLY_NODE -> 2;
        };
    }

    static String hash(byte[] stage2) {
        return stage2 == null ? "" : "*" + HexFormat.of().withUpperCase().formatHex(stage2);
    }

    private static int maxConnections(LintasConfig c, BackendNode n) {
        return c.pool().settingsFor(n).maxConnections();
    }
}
