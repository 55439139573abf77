package io.lintas.admin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The admin interface through the {@code mariadb} command-line client (skipped when it is not installed). */
class AdminServerCliTest {
    static InMemoryRuntime runtime;
    static AdminServer server;
    static String cli;

    @BeforeAll
    static void start() throws Exception {
        cli = findCli();
        assumeTrue(cli != null, "the mariadb command-line client is not installed");
        runtime = new InMemoryRuntime();
        server = new AdminServer(new AdminSettings("127.0.0.1", 0, "admin", "cli-secret"), runtime);
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String findCli() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("mariadb", "mysql")) {
                File f = new File(dir, name);
                if (f.canExecute()) {
                    return f.getAbsolutePath();
                }
            }
        }
        return null;
    }

    record Result(int exit, String out, String err) {}

    static Result run(String password, String... sqlAndOptions) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(cli, "--no-defaults", "--protocol=TCP", "-h127.0.0.1",
            "-P" + server.port(), "-uadmin", "-p" + password, "--batch", "--skip-column-names"));
        cmd.addAll(List.of(sqlAndOptions));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "mariadb CLI did not finish");
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void readsTablesAndLoadsToRuntime() throws Exception {
        Result r = run("cli-secret", "-e", "SELECT hostname, port FROM mysql_servers ORDER BY port");
        assertEquals(0, r.exit(), r.err());
        assertEquals("127.0.0.1\t3311\n127.0.0.1\t3312\n127.0.0.1\t3313\n", r.out());

        r = run("cli-secret", "-e", "INSERT INTO mysql_servers (hostgroup_id, hostname, port) VALUES (20, '10.0.0.9', 3306);"
            + " LOAD MYSQL SERVERS TO RUNTIME; SELECT COUNT(*) FROM runtime_mysql_servers");
        assertEquals(0, r.exit(), r.err());
        assertEquals("4\n", r.out());
        assertTrue(runtime.running.servers().stream().anyMatch(s -> s.hostname().equals("10.0.0.9")));

        r = run("cli-secret", "-e", "SHOW DATABASES; USE stats; SELECT Variable_Value FROM stats_mysql_global"
            + " WHERE Variable_Name = 'Questions'; SELECT @@version_comment LIMIT 1");
        assertEquals(0, r.exit(), r.err());
        assertEquals("0\tmain\t\n3\tstats\t\n4\tmonitor\t\n1234\nLintas admin interface\n", r.out());

        // A table given on the command line: the CLI reads it with auto-rehash (SHOW TABLES, COM_FIELD_LIST).
        r = run("cli-secret", "--auto-rehash", "main", "-e", "SELECT COUNT(*) FROM mysql_users");
        assertEquals(0, r.exit(), r.err());
        assertEquals("1\n", r.out());
    }

    @Test
    void badSqlAndWrongPassword() throws Exception {
        Result r = run("cli-secret", "-e", "SELECT nope FROM mysql_servers");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("ERROR 1054"), r.err());

        r = run("wrong", "-e", "SELECT 1");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("ERROR 1045"), r.err());
    }
}
