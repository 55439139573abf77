package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code mariadb} command-line client (libmariadb) through Lintas, over TCP and the unix socket. */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(120)
class MariadbCliIT {
    private static LintasProcess lintas;

    @BeforeAll
    static void startLintas() {
        Exec.requireOnPath("mariadb", "install the client with bin/lintas-deps test");
        lintas = LintasProcess.builder().name("MariadbCliIT").unixSocket(true).start();
    }

    @AfterAll
    static void stopLintas() {
        if (lintas != null) {
            lintas.close();
        }
    }

    private static Exec.Result mariadbTcp(String user, String password, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mariadb", "--no-defaults", "--connect-timeout=10",
            "-h127.0.0.1", "-P" + lintas.port(), "-u" + user, "-p" + password));
        cmd.addAll(List.of(args));
        return Exec.run(60, cmd.toArray(String[]::new));
    }

    @Test
    void selectPortPrintsAReaderAndAWriteRunsOnNode3() throws Exception {
        Exec.Result r = mariadbTcp("app", "app", "app", "-e", "select @@port");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("@@port", r.stdout().lines().toList().get(0), r::toString);
        assertTrue(r.stdout().lines().toList().get(1).matches("331[12]"), r::toString);
        Exec.Result w = mariadbTcp("app", "app", "app", "-N", "-B", "-e", "select @@port for update");
        assertEquals(List.of("3313"), w.stdout().lines().toList(), w::toString);
    }

    @Test
    void wrongPasswordExitsNonZeroWithError1045() throws Exception {
        Exec.Result r = mariadbTcp("app", "wrong-password", "app", "-e", "select 1");
        assertNotEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("ERROR 1045 (28000)"), r::toString);
        assertTrue(r.stderr().contains("Access denied for user 'app'"), r::toString);
    }

    @Test
    void databaseWithoutPrivilegesExitsNonZeroWithTheServersError() throws Exception {
        // The backend's refusal is relayed unchanged. (app only has privileges on `app`, so MariaDB answers
        // 1044 rather than 1049 for any other name: it checks privileges before existence.)
        Exec.Result r = mariadbTcp("app", "app", "no_such_db_cli", "-e", "select 1");
        assertNotEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("ERROR 1044 (42000)"), r::toString);
        assertTrue(r.stderr().contains("no_such_db_cli"), r::toString);
    }

    @Test
    void multiStatementWithSeveralResultSets() throws Exception {
        String table = Db.uniqueName("it_cli");
        try {
            Exec.Result r = mariadbTcp("app", "app", "app", "-N", "-B", "-e",
                "create table " + table + " (id int primary key, v varchar(10)); "
                    + "insert into " + table + " values (1, 'one'), (2, 'two'); "
                    + "select 'first' as a; select id, v from " + table + " order by id; "
                    + "select @@port; select count(*) from " + table + "; drop table " + table);
            assertEquals(0, r.exitCode(), r::toString);
            List<String> lines = r.stdout().lines().toList();
            assertEquals(List.of("first", "1\tone", "2\ttwo"), lines.subList(0, 3), r::toString);
            assertTrue(lines.get(3).matches("331[12]"), r::toString);
            assertEquals("2", lines.get(4), r::toString);
        } finally {
            Db.dropTables(table);
        }
    }

    @Test
    void errorInTheMiddleOfAScriptIsReported() throws Exception {
        Exec.Result r = mariadbTcp("app", "app", "app", "-N", "-B", "-e",
            "select 'before'; select * from no_such_table_cli; select 'after'");
        assertNotEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of("before"), r.stdout().lines().toList(), r::toString);
        assertTrue(r.stderr().contains("ERROR 1146 (42S02)"), r::toString);
        // A script on stdin is sent one statement at a time: with --force the client goes on after the
        // error, on the same connection.
        List<String> cmd = List.of("mariadb", "--no-defaults", "--connect-timeout=10", "-h127.0.0.1",
            "-P" + lintas.port(), "-uapp", "-papp", "app", "-N", "-B", "--force");
        Exec.Result forced = Exec.runWithInput(60, "select 'before';\nselect * from no_such_table_cli;\n"
            + "select 'after', @@port;\n", cmd.toArray(String[]::new));
        List<String> out = forced.stdout().lines().toList();
        assertEquals(2, out.size(), forced::toString);
        assertEquals("before", out.get(0), forced::toString);
        assertTrue(out.get(1).matches("after\t331[12]"), forced::toString);
        assertTrue(forced.stderr().contains("ERROR 1146 (42S02) at line 2"), forced::toString);
    }

    @Test
    void connectsOverTheUnixSocket() throws Exception {
        Exec.Result r = Exec.run(60, "mariadb", "--no-defaults", "--connect-timeout=10", "--protocol=socket",
            "-S", lintas.unixSocket().toString(), "-uapp", "-papp", "app", "-N", "-B", "-e",
            "select @@port, current_user(), database()");
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.stdout().lines().toList();
        assertEquals(1, lines.size(), r::toString);
        String[] cols = lines.get(0).split("\t");
        assertTrue(cols[0].matches("331[12]"), r::toString);
        assertTrue(cols[1].startsWith("app@"), r::toString);
        assertEquals("app", cols[2], r::toString);
    }

    @Test
    void unixSocketRefusesAWrongPassword() throws Exception {
        Exec.Result r = Exec.run(60, "mariadb", "--no-defaults", "--connect-timeout=10", "--protocol=socket",
            "-S", lintas.unixSocket().toString(), "-uapp", "-pnope", "app", "-e", "select 1");
        assertNotEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("ERROR 1045 (28000)"), r::toString);
    }

    @Test
    void app2WithAClearPasswordInTheConfigAndUseCommand() throws Exception {
        // app2 has no default schema: connect without one, then switch with USE (COM_INIT_DB).
        Exec.Result r = mariadbTcp("app2", "app2", "-N", "-B", "-e",
            "select ifnull(database(), 'none'); use app; select database(), current_user(), @@port");
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.stdout().lines().toList();
        assertEquals(2, lines.size(), r::toString);
        assertEquals("none", lines.get(0), r::toString);
        assertTrue(lines.get(1).startsWith("app\tapp2@"), r::toString);
        assertTrue(lines.get(1).matches(".*\t331[12]"), r::toString);
    }

    @Test
    void adminCommandsPingAndStatistics() throws Exception {
        Exec.requireOnPath("mariadb-admin", "install the client with bin/lintas-deps test");
        Exec.Result ping = Exec.run(60, "mariadb-admin", "--no-defaults", "--connect-timeout=10", "-h127.0.0.1",
            "-P" + lintas.port(), "-uapp", "-papp", "ping");
        assertEquals(0, ping.exitCode(), ping::toString);
        assertTrue(ping.stdout().contains("mysqld is alive"), ping::toString);
        Exec.Result status = Exec.run(60, "mariadb-admin", "--no-defaults", "--connect-timeout=10", "-h127.0.0.1",
            "-P" + lintas.port(), "-uapp", "-papp", "status");
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.stdout().contains("Uptime"), status::toString);
    }

    /**
     * Errors Lintas makes itself must use server-range codes: libmariadb reports a server packet carrying a
     * client-range code (2003, 2006, 2013) as "ERROR 2027 Received malformed packet" instead of the message.
     */
    @Test
    void backendKilledDuringAQueryIsReportedReadably() throws Exception {
        long marker = 900_000_000L + ProcessHandle.current().pid();
        java.util.concurrent.CompletableFuture<Exec.Result> cli = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return mariadbTcp("app", "app", "app", "-N", "-B", "-e", "select sleep(30) + 0*" + marker);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (java.sql.Connection node3 = Db.direct(Sandbox.NODE3_PORT)) {
            long id = -1;
            long deadline = System.currentTimeMillis() + 15_000;
            while (id < 0 && System.currentTimeMillis() < deadline) {
                try (java.sql.Statement st = node3.createStatement();
                     java.sql.ResultSet rs = st.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO = "
                         + "'select sleep(30) + 0*" + marker + "'")) {
                    if (rs.next()) {
                        id = rs.getLong(1);
                    } else {
                        Thread.sleep(50);
                    }
                }
            }
            assertTrue(id > 0, "the CLI's query is running on node3");
            Db.exec(node3, "KILL " + id);
        }
        Exec.Result r = cli.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertNotEquals(0, r.exitCode(), r::toString);
        assertFalse(r.stderr().contains("malformed packet"), r::toString);
        assertTrue(r.stderr().matches("(?s).*ERROR (1158|1927) \\((08S01|70100)\\).*"), r::toString);
    }

    @Test
    void unreachableWriterNodeIsReportedReadably() throws Exception {
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(Sandbox.HOST))) {
            deadPort = s.getLocalPort(); // closed again: nobody listens there
        }
        try (LintasProcess deadWriter = LintasProcess.builder().name("MariadbCliIT-dead")
            .extraNode("dead", Sandbox.HOST, deadPort).writerOrder("dead").start()) {
            Exec.Result r = Exec.run(60, "mariadb", "--no-defaults", "--connect-timeout=10", "-h127.0.0.1",
                "-P" + deadWriter.port(), "-uapp", "-papp", "app", "-e", "do 1");
            assertNotEquals(0, r.exitCode(), r::toString);
            assertFalse(r.stderr().contains("malformed packet"), r::toString);
            assertTrue(r.stderr().contains("ERROR 9001 (08S01)"), r::toString);
            assertTrue(r.stderr().contains("dead"), "names the node: " + r);
        }
    }
}
