package io.lintas.admin;

import io.lintas.admin.spi.ServerRow;
import io.lintas.wire.auth.NativePassword;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin interface through the real MariaDB JDBC driver, against an in-memory runtime. */
class AdminServerJdbcTest {
    static final String PASSWORD = "s3cret-admin";
    static final List<String> EVERY_TABLE = List.of("mysql_servers", "runtime_mysql_servers", "mysql_users",
        "runtime_mysql_users", "mysql_query_rules", "runtime_mysql_query_rules", "mysql_galera_hostgroups",
        "runtime_mysql_galera_hostgroups", "global_variables", "runtime_global_variables",
        "stats_mysql_connection_pool", "stats_mysql_query_digest", "stats_mysql_query_digest_reset",
        "stats_mysql_query_rules", "stats_mysql_commands_counters", "stats_mysql_processlist", "stats_mysql_global",
        "monitor.mysql_server_galera_log", "monitor.mysql_server_ping_log");

    static InMemoryRuntime runtime;
    static AdminServer server;

    @BeforeAll
    static void start() throws Exception {
        runtime = new InMemoryRuntime();
        server = new AdminServer(new AdminSettings("127.0.0.1", 0, "admin", PASSWORD), runtime);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void resetMemory() throws SQLException {
        // Each test starts with memory = runtime = disk = the initial configuration.
        runtime.running = InMemoryRuntime.initial();
        runtime.disk = InMemoryRuntime.initial();
        runtime.seedDigests();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String module : List.of("SERVERS", "USERS", "QUERY RULES", "VARIABLES")) {
                s.execute("SAVE MYSQL " + module + " TO MEMORY");
            }
        }
    }

    static Connection connect() throws SQLException {
        return connect(PASSWORD);
    }

    static Connection connect(String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "admin");
        p.setProperty("password", password);
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + server.port() + "/main", p);
    }

    static List<List<String>> query(Connection c, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void readsEveryTable() throws SQLException {
        try (Connection c = connect()) {
            for (String table : EVERY_TABLE) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    assertTrue(rs.getMetaData().getColumnCount() > 1, table);
                    assertTrue(rs.next(), table + " should have rows from the runtime");
                }
            }
            // ProxySQL's column names, case and all.
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM stats_mysql_connection_pool ORDER BY srv_port DESC")) {
                ResultSetMetaData md = rs.getMetaData();
                assertEquals("ConnUsed", md.getColumnLabel(5));
                assertTrue(rs.next());
                assertEquals(3313, rs.getInt("srv_port"));
                assertEquals(2, rs.getInt("ConnUsed"));
                assertEquals(56789, rs.getLong("Bytes_data_sent"));
            }
            assertEquals(List.of(List.of("1", "17")), query(c, "SELECT rule_id, hits FROM stats.stats_mysql_query_rules"));
            assertEquals(List.of(List.of("SELECT", "10", "1", "0")),
                query(c, "SELECT Command, Total_cnt, cnt_100us, cnt_INFs FROM stats_mysql_commands_counters"));
            assertEquals(List.of(List.of("YES", "NO", "4")), query(c,
                "SELECT primary_partition, read_only, wsrep_local_state FROM monitor.mysql_server_galera_log"));
            assertEquals("node3", query(c, "SELECT comment FROM runtime_mysql_servers WHERE port = 3313").get(0).get(0));
        }
    }

    @Test
    void insertedServerReachesTheRuntime() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("INSERT INTO mysql_servers (hostgroup_id, hostname, port, comment)"
                + " VALUES (20, '127.0.0.1', 3314, 'node4')"));
            s.execute("LOAD MYSQL SERVERS TO RUNTIME");
            assertTrue(runtime.running.servers().contains(new ServerRow(20, "127.0.0.1", 3314, "ONLINE", 1, 1000, "node4")),
                runtime.running.servers().toString());
            assertEquals(List.of(List.of("node4")), query(c, "SELECT comment FROM runtime_mysql_servers WHERE port = 3314"));
            // ProxySQL's synonym.
            s.executeUpdate("UPDATE mysql_servers SET weight = 5 WHERE port = 3314");
            s.execute("LOAD MYSQL SERVERS FROM MEMORY");
            assertEquals(5, runtime.running.servers().stream().filter(r -> r.port() == 3314).findFirst().orElseThrow().weight());
        }
    }

    @Test
    void runtimeIsCalledOnTheAdminSqlThreadOnly() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("LOAD MYSQL SERVERS TO RUNTIME");
            query(c, "SELECT * FROM stats_mysql_connection_pool");
        }
        assertFalse(runtime.callerThreads.isEmpty());
        assertTrue(runtime.callerThreads.stream().allMatch(t -> t.startsWith("lintas-admin-sql")), runtime.callerThreads.toString());
    }

    @Test
    void invalidConfigIsRejectedWhole() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO mysql_servers (hostgroup_id, hostname, port) VALUES (20, '127.0.0.1', 3315)");
            s.executeUpdate("INSERT INTO mysql_servers (hostgroup_id, hostname, port) VALUES (99, '127.0.0.1', 3316)");
            int before = runtime.applied.size();
            SQLException e = assertThrows(SQLException.class, () -> s.execute("LOAD MYSQL SERVERS TO RUNTIME"));
            assertTrue(e.getMessage().contains("hostgroup 99"), e.getMessage());
            assertEquals(before, runtime.applied.size());
            assertEquals(InMemoryRuntime.initial().servers(), runtime.running.servers(), "the running config stays");
            assertEquals(List.of(), query(c, "SELECT port FROM runtime_mysql_servers WHERE port IN (3315, 3316)"));

            // A ProxySQL column Lintas does not implement is refused rather than ignored.
            s.executeUpdate("DELETE FROM mysql_servers WHERE hostgroup_id = 99");
            s.executeUpdate("UPDATE mysql_servers SET compression = 1 WHERE port = 3315");
            e = assertThrows(SQLException.class, () -> s.execute("LOAD MYSQL SERVERS TO RUNTIME"));
            assertTrue(e.getMessage().contains("compression=1 is not supported"), e.getMessage());

            s.executeUpdate("INSERT INTO mysql_query_rules (rule_id, active, match_pattern, apply) VALUES (2, 1, '([a-z', 1)");
            e = assertThrows(SQLException.class, () -> s.execute("LOAD MYSQL QUERY RULES TO RUNTIME"));
            assertTrue(e.getMessage().contains("rule_id 2"), e.getMessage());

            s.execute("SET mysql-no_such_thing = 5");
            e = assertThrows(SQLException.class, () -> s.execute("LOAD MYSQL VARIABLES TO RUNTIME"));
            assertTrue(e.getMessage().contains("mysql-no_such_thing"), e.getMessage());
            assertEquals(InMemoryRuntime.initial(), runtime.running);
        }
    }

    @Test
    void saveToDiskAndLoadFromDiskRoundTrip() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO mysql_servers (hostgroup_id, hostname, port, comment) VALUES (20, '10.0.0.4', 3306, 'node4')");
            s.execute("SAVE MYSQL SERVERS TO DISK");
            assertEquals(4, runtime.disk.servers().size());
            assertEquals(InMemoryRuntime.initial().users(), runtime.disk.users(), "other modules on disk are untouched");
            assertEquals(InMemoryRuntime.initial().servers(), runtime.running.servers(), "SAVE TO DISK does not touch runtime");

            s.executeUpdate("DELETE FROM mysql_servers");
            assertEquals(List.of(List.of("0")), query(c, "SELECT COUNT(*) FROM mysql_servers"));
            s.execute("LOAD MYSQL SERVERS FROM DISK");
            assertEquals(List.of(List.of("node4")), query(c, "SELECT comment FROM mysql_servers WHERE hostname = '10.0.0.4'"));
            assertEquals(List.of(List.of("4")), query(c, "SELECT COUNT(*) FROM mysql_servers"));

            // SAVE … FROM RUNTIME brings memory back to what runs.
            s.execute("SAVE MYSQL SERVERS FROM RUNTIME");
            assertEquals(List.of(List.of("3")), query(c, "SELECT COUNT(*) FROM mysql_servers"));
        }
    }

    @Test
    void userPasswordsAreStoredAsHashes() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO mysql_users (username, password, default_hostgroup) VALUES ('bob', 'bobs-password', 10)");
            assertEquals(List.of(List.of(NativePassword.storedHash("bobs-password"))),
                query(c, "SELECT password FROM mysql_users WHERE username = 'bob'"));
            s.executeUpdate("UPDATE mysql_users SET password = 'other' WHERE username = 'bob'");
            assertEquals(List.of(List.of(NativePassword.storedHash("other"))),
                query(c, "SELECT password FROM mysql_users WHERE username = 'bob'"));
            s.execute("LOAD MYSQL USERS TO RUNTIME");
            assertEquals(NativePassword.storedHash("other"), runtime.running.users().stream()
                .filter(u -> u.username().equals("bob")).findFirst().orElseThrow().passwordHash());
        }
    }

    @Test
    void badSqlGetsAnErrWithH2sMessage() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            SQLException syntax = assertThrows(SQLException.class, () -> s.executeQuery("SELEC * FROM mysql_servers"));
            assertEquals(1064, syntax.getErrorCode());
            SQLException noTable = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM no_such_table"));
            assertEquals(1146, noTable.getErrorCode());
            assertEquals("42S02", noTable.getSQLState());
            assertTrue(noTable.getMessage().contains("no_such_table"), noTable.getMessage());
            assertFalse(noTable.getMessage().contains("SQL statement"), noTable.getMessage());
            SQLException check = assertThrows(SQLException.class,
                () -> s.executeUpdate("INSERT INTO mysql_servers (hostname, status) VALUES ('x', 'SIDEWAYS')"));
            assertEquals(4025, check.getErrorCode());
            SQLException refused = assertThrows(SQLException.class, () -> s.execute("DROP TABLE mysql_servers"));
            assertEquals(1235, refused.getErrorCode());
            SQLException file = assertThrows(SQLException.class, () -> s.executeQuery("SELECT FILE_READ('/etc/passwd')"));
            assertEquals(1235, file.getErrorCode());
            // The connection is still usable after errors.
            assertEquals(List.of(List.of("3")), query(c, "SELECT COUNT(*) FROM mysql_servers"));
        }
    }

    @Test
    void wrongPasswordGets1045() {
        SQLException e = assertThrows(SQLException.class, () -> connect("not-the-password").close());
        assertEquals(1045, e.getErrorCode(), e.getMessage());
        assertEquals("28000", e.getSQLState());
    }

    @Test
    void connectTimeQueriesAndShowCommands() throws SQLException {
        try (Connection c = connect()) {
            assertEquals("Lintas admin interface", query(c, "SELECT @@version_comment LIMIT 1").get(0).get(0));
            assertEquals(List.of(List.of("67108864", "main")), query(c, "SELECT @@session.max_allowed_packet, DATABASE()"));
            assertEquals(List.of(List.of("max_allowed_packet", "67108864")),
                query(c, "SHOW VARIABLES LIKE 'max_allowed%'"));
            assertEquals(List.of(List.of("mysql-monitor_interval_ms", "250")),
                query(c, "SHOW VARIABLES LIKE 'mysql-monitor_interval%'"));
            try (Statement s = c.createStatement()) {
                s.execute("SET NAMES utf8mb4");
                s.execute("SET autocommit = 1");
                s.execute("SET character_set_results = NULL");
                assertThrows(SQLException.class, () -> s.executeQuery("SELECT @@no_such_variable"));
            }
            assertEquals(List.of(List.of("0", "main", ""), List.of("3", "stats", ""), List.of("4", "monitor", "")),
                query(c, "SHOW DATABASES"));
            List<List<String>> tables = query(c, "SHOW TABLES");
            for (String t : EVERY_TABLE.subList(0, 10)) {
                assertTrue(tables.contains(List.of(t)), t + " in " + tables);
            }
            assertEquals(7, query(c, "SHOW TABLES FROM stats").size());
            assertTrue(query(c, "SHOW CREATE TABLE mysql_servers").get(0).get(1).startsWith("CREATE TABLE mysql_servers ("));
            assertEquals(2, query(c, "SHOW STATUS").size());
            assertEquals(1, query(c, "SHOW FULL PROCESSLIST").size());
            assertEquals(List.of(List.of("app", "SELECT SLEEP(10)")), query(c, "SELECT user, info FROM stats_mysql_processlist"));
            assertEquals("hostgroup_id", query(c, "DESCRIBE mysql_servers").get(0).get(0));
            c.setCatalog("stats");
            assertEquals("stats", query(c, "SELECT DATABASE()").get(0).get(0));
            assertThrows(SQLException.class, () -> c.setCatalog("nope"));
        }
    }

    @Test
    void killReachesTheRuntime() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("KILL QUERY " + InMemoryRuntime.KNOWN_SESSION);
            s.execute("KILL CONNECTION " + InMemoryRuntime.KNOWN_SESSION);
            assertTrue(runtime.kills.containsAll(List.of("query " + InMemoryRuntime.KNOWN_SESSION,
                "connection " + InMemoryRuntime.KNOWN_SESSION)), runtime.kills.toString());
            SQLException e = assertThrows(SQLException.class, () -> s.execute("KILL 42"));
            assertEquals(1094, e.getErrorCode());
        }
    }

    @Test
    void digestResetTableEmptiesTheDigests() throws SQLException {
        try (Connection c = connect()) {
            assertEquals(1, query(c, "SELECT * FROM stats_mysql_query_digest").size());
            assertEquals(List.of(List.of("0x5AE88C1B39DFF7A7", "42")),
                query(c, "SELECT digest, count_star FROM stats_mysql_query_digest_reset"));
            assertEquals(0, query(c, "SELECT * FROM stats_mysql_query_digest").size());
        }
    }
}
