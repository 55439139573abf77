package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin interface of the real Lintas process (its own port, user admin) through JDBC and the {@code mariadb}
 * CLI, and its Prometheus endpoint. Lintas starts with node1 as the only reader; the tests add node2 as a reader at
 * runtime, change query rules and variables at runtime, kill sessions, save the configuration to disk and restart
 * the process on the saved file. The methods run in order: later ones build on the runtime changes of earlier ones.
 */
@ExtendWith(LintasLogOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class AdminIT {
    private static final String ADMIN_PASSWORD = "admin-it-secret";
    private static final Pattern SAMPLE = Pattern.compile(
        "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? (-?[0-9.]+(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)$");
    private static final List<String> TABLES = List.of("mysql_servers", "runtime_mysql_servers", "mysql_users",
        "runtime_mysql_users", "mysql_query_rules", "runtime_mysql_query_rules", "mysql_galera_hostgroups",
        "runtime_mysql_galera_hostgroups", "global_variables", "runtime_global_variables", "stats_mysql_connection_pool",
        "stats_mysql_query_digest", "stats_mysql_query_digest_reset", "stats_mysql_query_rules",
        "stats_mysql_commands_counters", "stats_mysql_processlist", "stats_mysql_global",
        "monitor.mysql_server_galera_log", "monitor.mysql_server_ping_log");

    private static LintasProcess lintas;
    /** An app session kept open across every runtime change: none of them may drop it. */
    private static Connection app;

    @BeforeAll
    static void start() throws SQLException {
        lintas = LintasProcess.builder().name("AdminIT").adminPassword(ADMIN_PASSWORD).yaml("""
            readers: [node1]
            query_rules:
              - rule_id: 1
                match_digest: "^SELECT @@port AS admin_it_writer"
                destination_hostgroup: 10
                apply: true
            """).start();
        app = Db.viaLintas(lintas);
    }

    @AfterAll
    static void stop() throws SQLException {
        if (app != null) {
            app.close();
        }
        if (lintas != null) {
            lintas.close();
        }
    }

    private static Connection admin() throws SQLException {
        return admin(ADMIN_PASSWORD);
    }

    private static Connection admin(String password) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + lintas.adminPort() + "/?connectTimeout=10000",
            "admin", password);
    }

    private static List<Map<String, String>> query(Connection c, String sql) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Exec.Result cli(String password, String sql) throws Exception {
        Exec.requireOnPath("mariadb", "install the client with bin/lintas-deps test");
        return Exec.run(60, "mariadb", "--no-defaults", "--connect-timeout=10", "-h127.0.0.1", "-P" + lintas.adminPort(),
            "-uadmin", "-p" + password, "-N", "-B", "-e", sql);
    }

    interface SqlSupplier {
        Object get() throws SQLException;
    }

    private static String safe(SqlSupplier s) {
        try {
            return String.valueOf(s.get());
        } catch (SQLException e) {
            return e.toString();
        }
    }

    /**
     * {@code sql} (a {@code SELECT @@port}) runs on the writer. The sandbox is shared with other test runs that may
     * move the writer off node3 for a while, so "the writer" is what the writer hint reaches right after.
     */
    private static void assertRunsOnWriter(String sql, String why) throws SQLException {
        long port = -1;
        int writer = -2;
        for (int attempt = 0; attempt < 5; attempt++) {
            port = Db.scalarLong(app, sql);
            writer = Db.writerPort(app);
            if (port == writer) {
                return;
            }
        }
        assertEquals(writer, port, why);
    }

    private static Set<Integer> readPorts(Connection c, int reads) throws SQLException {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < reads; i++) {
            ports.add(Db.port(c));
        }
        return ports;
    }

    // ---- reading ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void everyTableReadsThroughJdbcWithTheRunningConfiguration() throws Exception {
        assertEquals(Set.of(Sandbox.NODE1_PORT), readPorts(app, 10), "node1 is the only reader at first");
        assertRunsOnWriter("SELECT @@port AS admin_it_writer", "rule 1 routes to the writer");
        try (Connection a = admin()) {
            for (String t : TABLES) {
                query(a, "SELECT * FROM " + t); // every table reads
            }
            readPorts(app, 10); // the loop read stats_mysql_query_digest_reset: new digests
            List<Map<String, String>> servers = query(a,
                "SELECT hostgroup_id, hostname, port, status, weight, comment FROM runtime_mysql_servers ORDER BY hostgroup_id, weight DESC");
            assertEquals(4, servers.size(), servers::toString);
            assertEquals(List.of("10:3313:node3", "10:3312:node2", "10:3311:node1", "20:3311:node1"),
                servers.stream().map(r -> r.get("hostgroup_id") + ":" + r.get("port") + ":" + r.get("comment")).toList());
            assertEquals(servers, query(a,
                "SELECT hostgroup_id, hostname, port, status, weight, comment FROM mysql_servers ORDER BY hostgroup_id, weight DESC"),
                "memory starts as a copy of runtime");
            Map<String, String> galera = query(a, "SELECT * FROM runtime_mysql_galera_hostgroups").get(0);
            assertEquals("10", galera.get("writer_hostgroup"));
            assertEquals("20", galera.get("reader_hostgroup"));
            assertEquals("2", galera.get("writer_is_also_reader"), "when_only_node");
            List<Map<String, String>> users = query(a, "SELECT username, password, default_schema FROM runtime_mysql_users ORDER BY username");
            assertEquals("app", users.get(0).get("username"));
            assertEquals("*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3", users.get(0).get("password"));
            assertEquals("app2", users.get(1).get("username"));
            assertTrue(users.get(1).get("password").matches("\\*[0-9A-F]{40}"), "only hashes, even for a clear password in the file");
            assertEquals("10", query(a, "SELECT destination_hostgroup FROM runtime_mysql_query_rules WHERE rule_id = 1")
                .get(0).get("destination_hostgroup"));
            Map<String, String> vars = new HashMap<>();
            query(a, "SELECT * FROM runtime_global_variables").forEach(r -> vars.put(r.get("variable_name"), r.get("variable_value")));
            assertEquals("read_your_writes", vars.get("lintas-routing.consistency"), vars::toString);
            assertEquals("1000", vars.get("lintas-monitor.timeout_ms"), vars::toString);

            List<Map<String, String>> pool = query(a, "SELECT hostgroup, srv_port, status, ConnUsed, ConnFree, Queries FROM stats_mysql_connection_pool");
            assertEquals(3, pool.size(), pool::toString);
            Map<String, String> writer = pool.stream().filter(r -> r.get("hostgroup").equals("10")).findFirst().orElseThrow();
            assertEquals("ONLINE", writer.get("status"));
            assertTrue(Long.parseLong(writer.get("queries")) > 0, pool::toString);

            assertTrue(Long.parseLong(query(a, "SELECT Total_cnt FROM stats_mysql_commands_counters WHERE Command = 'SELECT'")
                .get(0).get("total_cnt")) >= 11);
            assertTrue(query(a, "SELECT digest_text, count_star FROM stats_mysql_query_digest").stream()
                .anyMatch(r -> r.get("digest_text").equalsIgnoreCase("SELECT @@port") && Long.parseLong(r.get("count_star")) >= 10),
                () -> "digests: " + safe(() -> query(a, "SELECT digest_text, count_star FROM stats_mysql_query_digest")));
            assertEquals("1", query(a, "SELECT hits FROM stats_mysql_query_rules WHERE rule_id = 1").get(0).get("hits"));
            List<Map<String, String>> processes = query(a, "SELECT SessionID, user, db, cli_host, command FROM stats_mysql_processlist");
            assertTrue(processes.stream().anyMatch(r -> r.get("user").equals("app") && r.get("db").equals("app")
                && r.get("cli_host").equals("127.0.0.1") && r.get("command").equals("Sleep")), processes::toString);
            Map<String, String> global = new HashMap<>();
            query(a, "SELECT * FROM stats_mysql_global").forEach(r -> global.put(r.get("variable_name"), r.get("variable_value")));
            assertTrue(Long.parseLong(global.get("Client_Connections_connected")) >= 1, global::toString);
            assertTrue(global.get("Lintas_writer").matches("node[123]"), global::toString);
            List<Map<String, String>> galeraLog = query(a, "SELECT hostname, port, success_time_us, wsrep_local_state, primary_partition, error"
                + " FROM monitor.mysql_server_galera_log WHERE success_time_us > 0");
            assertTrue(galeraLog.stream().anyMatch(r -> r.get("port").equals("3313") && r.get("wsrep_local_state").equals("4")),
                galeraLog::toString);
            assertFalse(query(a, "SELECT * FROM monitor.mysql_server_ping_log WHERE ping_success_time_us > 0").isEmpty());
            assertTrue(Long.parseLong(query(a, "SELECT COUNT(*) AS n FROM stats_mysql_query_digest_reset").get(0).get("n")) > 0);
            assertEquals("0", query(a, "SELECT COUNT(*) AS n FROM stats_mysql_query_digest").get(0).get("n"),
                "reading the _reset table resets the digests");
        }
    }

    @Test
    @Order(2)
    void theMariadbCliReadsTablesAndAWrongPasswordGets1045() throws Exception {
        Exec.Result r = cli(ADMIN_PASSWORD, "SELECT hostgroup_id, port, comment FROM runtime_mysql_servers ORDER BY hostgroup_id, port");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of("10\t3311\tnode1", "10\t3312\tnode2", "10\t3313\tnode3", "20\t3311\tnode1"), r.stdout().lines().toList(),
            r::toString);
        Exec.Result tables = cli(ADMIN_PASSWORD, "SHOW TABLES");
        assertEquals(0, tables.exitCode(), tables::toString);
        assertTrue(tables.stdout().lines().anyMatch("mysql_servers"::equals), tables::toString);
        Exec.Result denied = cli("wrong", "SELECT 1");
        assertNotEquals(0, denied.exitCode(), denied::toString);
        assertTrue(denied.stderr().contains("ERROR 1045 (28000)"), denied::toString);
        Exec.Result bad = cli(ADMIN_PASSWORD, "SELEC 1");
        assertNotEquals(0, bad.exitCode(), bad::toString);
        assertTrue(bad.stderr().contains("ERROR 1064"), bad::toString);
    }

    @Test
    @Order(3)
    void badSqlAndAWrongPasswordGetErrors() throws Exception {
        SQLException denied = assertThrows(SQLException.class, () -> admin("wrong").close());
        assertEquals(1045, denied.getErrorCode(), denied.toString());
        try (Connection a = admin()) {
            SQLException unknown = assertThrows(SQLException.class, () -> query(a, "SELECT * FROM no_such_table"));
            assertEquals(1146, unknown.getErrorCode(), unknown.toString());
            SQLException syntax = assertThrows(SQLException.class, () -> query(a, "SELECT FROM WHERE"));
            assertEquals(1064, syntax.getErrorCode(), syntax.toString());
            SQLException ddl = assertThrows(SQLException.class, () -> Db.exec(a, "DROP TABLE mysql_servers"));
            assertEquals(1235, ddl.getErrorCode(), ddl.toString());
        }
    }

    // ---- runtime changes ----------------------------------------------------------------------------------------

    @Test
    @Order(10)
    void aReaderAddedAtRuntimeTakesReadsWithoutARestartOrAReconnect() throws Exception {
        try (Connection a = admin()) {
            Db.exec(a, "INSERT INTO mysql_servers (hostgroup_id, hostname, port, weight, comment) VALUES (20, '127.0.0.1', 3312, 1, 'node2')");
            Db.exec(a, "LOAD MYSQL SERVERS TO RUNTIME");
            assertEquals(2, query(a, "SELECT * FROM runtime_mysql_servers WHERE hostgroup_id = 20").size());
        }
        // The monitor checks node2 in its new role; reads reach it once the next topology is published.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Set<Integer> seen = new HashSet<>();
        while (System.nanoTime() < deadline && !seen.containsAll(Set.of(Sandbox.NODE1_PORT, Sandbox.NODE2_PORT))) {
            seen.addAll(readPorts(app, 10));
            Thread.sleep(100);
        }
        assertEquals(Set.of(Sandbox.NODE1_PORT, Sandbox.NODE2_PORT), seen, "reads on the open session reach node1 and node2");
        assertRunsOnWriter("/* lintas:writer */ SELECT @@port", "writes still go to the writer");
    }

    @Test
    @Order(11)
    void anInvalidConfigurationIsRefusedWholeAndTheRunningOneStays() throws Exception {
        try (Connection a = admin()) {
            Db.exec(a, "INSERT INTO mysql_servers (hostgroup_id, hostname, port, comment) VALUES (99, '127.0.0.1', 3313, 'x')");
            Db.exec(a, "UPDATE mysql_servers SET weight = 5 WHERE hostgroup_id = 20 AND port = 3311");
            SQLException e = assertThrows(SQLException.class, () -> Db.exec(a, "LOAD MYSQL SERVERS TO RUNTIME"));
            assertEquals(1105, e.getErrorCode(), e.toString());
            assertTrue(e.getMessage().contains("hostgroup 99"), e.getMessage());
            assertEquals("1", query(a, "SELECT weight FROM runtime_mysql_servers WHERE hostgroup_id = 20 AND port = 3311")
                .get(0).get("weight"), "nothing of the refused configuration applied");
            Db.exec(a, "SAVE MYSQL SERVERS TO MEMORY"); // throw the edit away
            assertTrue(query(a, "SELECT * FROM mysql_servers WHERE hostgroup_id = 99").isEmpty());

            Db.exec(a, "UPDATE mysql_users SET default_hostgroup = 20 WHERE username = 'app'");
            SQLException user = assertThrows(SQLException.class, () -> Db.exec(a, "LOAD MYSQL USERS TO RUNTIME"));
            assertTrue(user.getMessage().contains("default_hostgroup=20 is not supported"), user.getMessage());
            Db.exec(a, "SAVE MYSQL USERS TO MEMORY");

            Db.exec(a, "SET lintas-monitor.interval_ms = 500");
            SQLException readOnly = assertThrows(SQLException.class, () -> Db.exec(a, "LOAD MYSQL VARIABLES TO RUNTIME"));
            assertTrue(readOnly.getMessage().contains("lintas-monitor.interval_ms cannot change at runtime"), readOnly.getMessage());
            Db.exec(a, "SAVE MYSQL VARIABLES TO MEMORY");
            Db.exec(a, "SET lintas-routing.failover_wait_ms = 2500");
            Db.exec(a, "LOAD MYSQL VARIABLES TO RUNTIME");
            assertEquals("2500", query(a, "SELECT variable_value FROM runtime_global_variables WHERE variable_name = 'lintas-routing.failover_wait_ms'")
                .get(0).get("variable_value"));

            Db.exec(a, "INSERT INTO mysql_query_rules (rule_id, active, match_pattern, apply) VALUES (99, 1, '(unclosed', 1)");
            SQLException regex = assertThrows(SQLException.class, () -> Db.exec(a, "LOAD MYSQL QUERY RULES TO RUNTIME"));
            assertTrue(regex.getMessage().contains("not a valid regex"), regex.getMessage());
            Db.exec(a, "SAVE MYSQL QUERY RULES TO MEMORY");
        }
        assertFalse(app.isClosed());
        assertTrue(Set.of(Sandbox.NODE1_PORT, Sandbox.NODE2_PORT).containsAll(readPorts(app, 5)));
    }

    @Test
    @Order(12)
    void aRuleChangedAtRuntimeAppliesToTheNextStatement() throws Exception {
        String blocked = "SELECT 'admin_it_blocked' AS x";
        assertEquals("admin_it_blocked", Db.scalarString(app, blocked));
        try (Connection a = admin()) {
            Db.exec(a, "INSERT INTO mysql_query_rules (rule_id, active, match_pattern, error_msg, apply)"
                + " VALUES (10, 1, 'admin_it_blocked', 'blocked by AdminIT', 1)");
            Db.exec(a, "LOAD MYSQL QUERY RULES TO RUNTIME");
            SQLException e = assertThrows(SQLException.class, () -> Db.scalarString(app, blocked));
            assertTrue(e.getMessage().contains("blocked by AdminIT"), e.getMessage());

            Db.exec(a, "UPDATE mysql_query_rules SET error_msg = 'still blocked, new words' WHERE rule_id = 10");
            Db.exec(a, "LOAD MYSQL QUERY RULES TO RUNTIME");
            SQLException again = assertThrows(SQLException.class, () -> Db.scalarString(app, blocked));
            assertTrue(again.getMessage().contains("still blocked, new words"), again.getMessage());
            assertEquals("1", query(a, "SELECT hits FROM stats_mysql_query_rules WHERE rule_id = 10").get(0).get("hits"),
                "hit counters start again with a new rule set");
        }
        assertRunsOnWriter("SELECT @@port AS admin_it_writer", "rule 1 still applies");
    }

    @Test
    @Order(13)
    void killQueryAndKillConnectionReachSessions() throws Exception {
        try (Connection victim = DriverManager.getConnection(Db.url(lintas.port(), ""), "app2", "app2");
             Connection a = admin()) {
            CompletableFuture<Long> sleep = CompletableFuture.supplyAsync(() -> {
                long t0 = System.nanoTime();
                try {
                    Db.scalarLong(victim, "SELECT SLEEP(30)");
                } catch (SQLException e) {
                    // interrupted: 1317, or SLEEP returns 1; both end the statement early
                }
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            });
            Map<String, String> running = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (running == null && System.nanoTime() < deadline) {
                running = query(a, "SELECT SessionID, command, info, srv_port, time_ms FROM stats_mysql_processlist WHERE user = 'app2'")
                    .stream().filter(r -> "Query".equals(r.get("command")) && !"0".equals(r.get("srv_port"))) // on its node
                    .findFirst().orElse(null);
                Thread.sleep(100);
            }
            assertTrue(running != null, "the running statement shows in the processlist");
            assertEquals("SELECT SLEEP(30)", running.get("info"));
            assertTrue(Set.of("3311", "3312", "3313").contains(running.get("srv_port")), running::toString);
            String id = running.get("sessionid");
            Db.exec(a, "KILL QUERY " + id);
            long ms = sleep.get(20, TimeUnit.SECONDS);
            assertTrue(ms < 20_000, "KILL QUERY ended the statement after " + ms + " ms");
            assertEquals(1, Db.scalarLong(victim, "SELECT 1"), "KILL QUERY keeps the session");

            Db.exec(a, "KILL CONNECTION " + id);
            SQLException gone = assertThrows(SQLException.class, () -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < end) {
                    Db.scalarLong(victim, "SELECT 1");
                    Thread.sleep(50);
                }
            });
            assertTrue(gone.getMessage() != null, gone.toString());
            SQLException unknown = assertThrows(SQLException.class, () -> Db.exec(a, "KILL 42"));
            assertEquals(1094, unknown.getErrorCode(), unknown.toString());
        }
        assertFalse(app.isClosed(), "other sessions stay");
        Db.port(app);
    }

    @Test
    @Order(14)
    void aReaderReweightedOrRemovedAtRuntimeChangesWhereReadsGo() throws Exception {
        try (Connection a = admin()) {
            // Least-outstanding with weights: one statement at a time all go to the heavier idle reader.
            Db.exec(a, "UPDATE mysql_servers SET weight = 5 WHERE hostgroup_id = 20 AND port = 3312");
            Db.exec(a, "LOAD MYSQL SERVERS TO RUNTIME");
            assertEquals(Set.of(Sandbox.NODE2_PORT), readPorts(app, 10), "node2 weighs 5, node1 1");
            Db.exec(a, "UPDATE mysql_servers SET weight = 1 WHERE hostgroup_id = 20 AND port = 3312");

            // node2 leaves the cluster layout altogether (both hostgroups): no reads, no meters, no monitor checks.
            Db.exec(a, "DELETE FROM mysql_servers WHERE port = 3312");
            Db.exec(a, "LOAD MYSQL SERVERS TO RUNTIME");
            assertEquals(Set.of(Sandbox.NODE1_PORT), readPorts(app, 10), "node2 was removed");
            assertEquals(2, query(a, "SELECT * FROM stats_mysql_connection_pool").size());
            assertFalse(scrape().keySet().stream().anyMatch(k -> k.contains("node=\"node2\"")), "node2's meters are gone");

            // ... and comes back: its pool opens again and it takes reads once the monitor has checked it.
            Db.exec(a, "INSERT INTO mysql_servers (hostgroup_id, hostname, port, weight, comment) VALUES"
                + " (10, '127.0.0.1', 3312, 990, 'node2'), (20, '127.0.0.1', 3312, 1, 'node2')");
            Db.exec(a, "LOAD MYSQL SERVERS TO RUNTIME");
            assertEquals(List.of("10:3313", "10:3312", "10:3311", "20:3311", "20:3312"),
                query(a, "SELECT hostgroup_id, port FROM runtime_mysql_servers ORDER BY hostgroup_id, weight DESC, port").stream()
                    .map(r -> r.get("hostgroup_id") + ":" + r.get("port")).toList());
        }
        Set<Integer> seen = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && !seen.contains(Sandbox.NODE2_PORT)) {
            seen.addAll(readPorts(app, 10));
            Thread.sleep(100);
        }
        assertTrue(seen.contains(Sandbox.NODE2_PORT), "node2 takes reads again: " + seen);
    }

    // ---- metrics ----------------------------------------------------------------------------------------------

    private static Map<String, Double> scrape() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lintas.metricsPort() + "/metrics"))
            .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not Prometheus text format: " + line);
            String value = m.group(4);
            samples.put(line.substring(0, line.lastIndexOf(' ')), value.equals("NaN") ? Double.NaN
                : value.endsWith("Inf") ? (value.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                : Double.parseDouble(value));
        }
        return samples;
    }

    private static double sample(Map<String, Double> samples, String name, String... labels) {
        return samples.entrySet().stream()
            .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
            .filter(e -> List.of(labels).stream().allMatch(l -> e.getKey().contains(l)))
            .mapToDouble(Map.Entry::getValue).sum();
    }

    @Test
    @Order(20)
    void theMetricsEndpointParsesAndItsCountersMoveWithTraffic() throws Exception {
        Map<String, Double> before = scrape();
        for (int i = 0; i < 7; i++) {
            Db.port(app);
        }
        Db.writerPort(app);
        assertThrows(SQLException.class, () -> DriverManager.getConnection(Db.url(lintas.port(), ""), "app", "wrong").close());
        try (Connection extra = Db.viaLintas(lintas)) {
            Db.port(extra);
        }
        Map<String, Double> after = scrape();

        String readerSelects = "lintas_statements_total";
        assertTrue(sample(after, readerSelects, "route=\"reader\"", "command=\"SELECT\"")
            >= sample(before, readerSelects, "route=\"reader\"", "command=\"SELECT\"") + 7, after::toString);
        assertTrue(sample(after, readerSelects, "route=\"writer\"", "command=\"SELECT\"")
            >= sample(before, readerSelects, "route=\"writer\"", "command=\"SELECT\"") + 1);
        assertTrue(sample(after, "lintas_statement_duration_seconds_count", "node=\"node2\"")
            + sample(after, "lintas_statement_duration_seconds_count", "node=\"node1\"")
            >= sample(before, "lintas_statement_duration_seconds_count", "node=\"node2\"")
            + sample(before, "lintas_statement_duration_seconds_count", "node=\"node1\"") + 7);
        assertTrue(sample(after, "lintas_statement_duration_seconds_bucket", "le=\"+Inf\"") >= 8);
        assertTrue(sample(after, "lintas_errors_total", "code=\"1045\"") >= sample(before, "lintas_errors_total", "code=\"1045\"") + 1,
            "the refused login counts as ERR 1045");
        assertTrue(sample(after, "lintas_errors_total", "code=\"1148\"") >= 2, "the rules test's error_msg replies count");
        assertTrue(sample(after, "lintas_client_connections_accepted_total") >= sample(before, "lintas_client_connections_accepted_total") + 2);
        assertTrue(sample(after, "lintas_client_connections") >= 1);
        assertTrue(sample(after, "lintas_client_traffic_bytes_total", "direction=\"in\"")
            > sample(before, "lintas_client_traffic_bytes_total", "direction=\"in\""));
        assertTrue(sample(after, "lintas_client_traffic_bytes_total", "direction=\"out\"")
            > sample(before, "lintas_client_traffic_bytes_total", "direction=\"out\""));
        for (String node : List.of("node1", "node2", "node3")) {
            assertEquals(1.0, sample(after, "lintas_node_state", "node=\"" + node + "\""), "one state per node: " + node);
        }
        assertEquals(1.0, sample(after, "lintas_node_state", "node=\"node1\"", "state=\"ONLINE\""));
        assertEquals(1.0, sample(after, "lintas_node_writer"), "exactly one writer");
        assertTrue(sample(after, "lintas_pool_connections", "state=\"used\"") + sample(after, "lintas_pool_connections", "state=\"free\"")
            >= 1, "pool gauges per node");
        assertTrue(sample(after, "lintas_pool_connects_total", "node=\"node1\"", "result=\"ok\"") >= 1);
        assertTrue(after.containsKey("lintas_writer_changes_total"));
        assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")));
    }

    // ---- disk ----------------------------------------------------------------------------------------------------

    @Test
    @Order(30)
    void saveToDiskThenRestartGivesTheSameConfiguration() throws Exception {
        List<Map<String, String>> servers;
        List<Map<String, String>> rules;
        List<Map<String, String>> users;
        List<Map<String, String>> vars;
        try (Connection a = admin()) {
            servers = query(a, "SELECT * FROM runtime_mysql_servers ORDER BY hostgroup_id, hostname, port");
            rules = query(a, "SELECT * FROM runtime_mysql_query_rules ORDER BY rule_id");
            users = query(a, "SELECT * FROM runtime_mysql_users ORDER BY username");
            vars = query(a, "SELECT * FROM runtime_global_variables ORDER BY variable_name");
            for (String module : List.of("SERVERS", "USERS", "QUERY RULES", "VARIABLES")) {
                Db.exec(a, "SAVE MYSQL " + module + " FROM RUNTIME");
                Db.exec(a, "SAVE MYSQL " + module + " TO DISK");
            }
            List<Map<String, String>> fromDisk = new ArrayList<>();
            Db.exec(a, "LOAD MYSQL SERVERS FROM DISK");
            fromDisk.addAll(query(a, "SELECT * FROM mysql_servers ORDER BY hostgroup_id, hostname, port"));
            assertEquals(servers, fromDisk, "LOAD … FROM DISK reads back what SAVE … TO DISK wrote");
        }
        Path file = lintas.configFile();
        String text = Files.readString(file);
        assertTrue(Files.exists(Path.of(file + ".bak")), "the previous file is kept");
        assertFalse(text.contains("password: "), "no clear password in the saved file:\n" + text);
        assertTrue(text.contains("password_hash"), text);
        assertTrue(text.contains("node2"), text);
        assertTrue(text.contains("still blocked, new words"), text);

        lintas.restart();
        try (Connection a = admin()) {
            assertEquals(servers, query(a, "SELECT * FROM runtime_mysql_servers ORDER BY hostgroup_id, hostname, port"));
            assertEquals(rules, query(a, "SELECT * FROM runtime_mysql_query_rules ORDER BY rule_id"));
            assertEquals(users, query(a, "SELECT * FROM runtime_mysql_users ORDER BY username"));
            assertEquals(vars, query(a, "SELECT * FROM runtime_global_variables ORDER BY variable_name"));
        }
        try (Connection c = Db.viaLintas(lintas);
             Connection c2 = DriverManager.getConnection(Db.url(lintas.port(), ""), "app2", "app2")) {
            Set<Integer> seen = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && seen.size() < 2) {
                seen.addAll(readPorts(c, 10));
            }
            assertEquals(Set.of(Sandbox.NODE1_PORT, Sandbox.NODE2_PORT), seen, "node2 is still a reader after the restart");
            SQLException e = assertThrows(SQLException.class, () -> Db.scalarString(c2, "SELECT 'admin_it_blocked'"));
            assertTrue(e.getMessage().contains("still blocked, new words"), e.getMessage());
        }
    }
}
