package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PHP's mysqli (mysqlnd) through Lintas: COM_CHANGE_USER (Connector/J has no API for it, mysqli does),
 * plain queries and server-side prepared statements.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(120)
class PhpMysqliIT {
    private static LintasProcess lintas;

    @BeforeAll
    static void startLintas() throws Exception {
        Exec.requireOnPath("php", "install php-cli and php-mysql with bin/lintas-deps test");
        Exec.Result mods = Exec.run(30, "php", "-m");
        if (!mods.stdout().lines().anyMatch("mysqli"::equalsIgnoreCase)) {
            throw new IllegalStateException("PHP has no mysqli extension; install php-mysql (bin/lintas-deps test)");
        }
        // One event loop: sessions share pooled connections (with several loops they would share only the limit).
        lintas = LintasProcess.builder().name("PhpMysqliIT").proxy("io_threads: 1").start();
    }

    @AfterAll
    static void stopLintas() {
        if (lintas != null) {
            lintas.close();
        }
    }

    /**
     * Runs a PHP snippet after a prelude that connects {@code $m} as app/app to Lintas; the snippet prints
     * {@code key=value} lines with {@code out()}. Returns those lines as a map (plus "exit").
     */
    private static Map<String, String> php(String body) throws Exception {
        String script = "mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);\n"
            + "function out($k, $v) { echo $k, '=', is_null($v) ? 'NULL' : (is_bool($v) ? ($v ? 'true' : 'false') : $v), \"\\n\"; }\n"
            + "$m = new mysqli('127.0.0.1', 'app', 'app', 'app', " + lintas.port() + ");\n"
            + body + "\n";
        Exec.Result r = Exec.run(60, "php", "-d", "display_errors=stderr", "-d", "mysqli.default_socket=", "-r", script);
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : r.stdout().lines().toList()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        out.put("exit", Integer.toString(r.exitCode()));
        out.put("raw", r.toString());
        return out;
    }

    @Test
    void changeUserSwitchesToApp2AndResetsTheSession() throws Exception {
        Map<String, String> r = php("""
            $m->query("SET @before_change = 'still here'");
            $row = $m->query("SELECT CURRENT_USER() AS u, @before_change AS v, @@port AS p")->fetch_assoc();
            out('u1', $row['u']); out('v1', $row['v']); out('p1', $row['p']);
            out('changed', $m->change_user('app2', 'app2', 'app'));
            $row = $m->query("SELECT CURRENT_USER() AS u, USER() AS cu, @before_change AS v, @@port AS p, DATABASE() AS d")->fetch_assoc();
            out('u2', $row['u']); out('v2', $row['v']); out('p2', $row['p']); out('d2', $row['d']);
            // and back again
            out('changed_back', $m->change_user('app', 'app', 'app'));
            $row = $m->query("SELECT CURRENT_USER() AS u, @@port AS p")->fetch_assoc();
            out('u3', $row['u']); out('p3', $row['p']);
            """);
        String raw = r.get("raw");
        assertEquals("0", r.get("exit"), raw);
        assertTrue(r.get("u1").startsWith("app@"), raw);
        assertEquals("still here", r.get("v1"), raw);
        assertEquals("3313", r.get("p1"), raw);
        assertEquals("true", r.get("changed"), raw);
        assertTrue(r.get("u2").startsWith("app2@"), raw);
        assertEquals("NULL", r.get("v2"), "the user variable is gone after COM_CHANGE_USER\n" + raw);
        assertTrue(r.get("p2").matches("331[12]"), "no longer pinned: reads go to a reader\n" + raw);
        assertEquals("app", r.get("d2"), raw);
        assertEquals("true", r.get("changed_back"), raw);
        assertTrue(r.get("u3").startsWith("app@"), raw);
        assertTrue(r.get("p3").matches("331[12]"), raw);
    }

    @Test
    void killByThreadIdGoesThroughComProcessKill() throws Exception {
        // mysqli::kill() sends COM_PROCESS_KILL with the id from Lintas's greeting ($victim->thread_id).
        Map<String, String> r = php("$victim = new mysqli('127.0.0.1', 'app', 'app', 'app', " + lintas.port() + ");\n" + """
            out('victim_id', $victim->thread_id);
            out('killed', $m->kill($victim->thread_id));
            try {
                $victim->query("SELECT 1");
                out('victim_after', 'alive');
            } catch (mysqli_sql_exception $e) {
                out('victim_after', 'dead');
            }
            out('killer_after', $m->query("SELECT 1 AS one")->fetch_assoc()['one']);
            try {
                $m->kill(1999999999);
                out('unknown', 'accepted');
            } catch (mysqli_sql_exception $e) {
                out('unknown', $e->getCode());
            }
            """);
        String raw = r.get("raw");
        assertEquals("0", r.get("exit"), raw);
        assertTrue(Long.parseLong(r.get("victim_id")) >= 1_000_000_001L, raw);
        assertEquals("true", r.get("killed"), raw);
        assertEquals("dead", r.get("victim_after"), raw);
        assertEquals("1", r.get("killer_after"), raw);
        assertEquals("1094", r.get("unknown"), raw);
    }

    @Test
    void changeUserWithAWrongPasswordFails() throws Exception {
        Map<String, String> r = php("""
            try {
                $ok = $m->change_user('app2', 'not-app2', 'app');
                out('result', $ok);
                out('errno', $m->errno);
            } catch (mysqli_sql_exception $e) {
                out('result', 'exception');
                out('errno', $e->getCode());
                out('message', $e->getMessage());
            }
            // A fresh connection is not affected.
            $n = new mysqli('127.0.0.1', 'app', 'app', 'app', %d);
            out('fresh', $n->query("SELECT @@port")->fetch_row()[0]);
            """.formatted(lintas.port()));
        String raw = r.get("raw");
        assertEquals("0", r.get("exit"), raw);
        assertTrue(r.get("result").equals("false") || r.get("result").equals("exception"), raw);
        assertEquals("1045", r.get("errno"), raw);
        assertTrue(r.get("fresh").matches("331[12]"), raw);
        assertTrue(lintas.isAlive());
    }

    @Test
    void changeUserToAnUnknownUserFails() throws Exception {
        Map<String, String> r = php("""
            try {
                out('result', $m->change_user('nobody_php', 'x', 'app'));
                out('errno', $m->errno);
            } catch (mysqli_sql_exception $e) {
                out('result', 'exception');
                out('errno', $e->getCode());
            }
            """);
        String raw = r.get("raw");
        assertEquals("0", r.get("exit"), raw);
        assertEquals("1045", r.get("errno"), raw);
    }

    @Test
    void plainQueriesAndPreparedStatements() throws Exception {
        String table = Db.uniqueName("it_php");
        try {
            Map<String, String> r = php(("""
                $t = '%s';
                $m->query("CREATE TABLE $t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50), score DOUBLE)");
                $m->query("INSERT INTO $t (name, score) VALUES ('plain', 1.5)");
                out('insert_id', $m->insert_id);
                out('affected', $m->affected_rows);
                $st = $m->prepare("INSERT INTO $t (name, score) VALUES (?, ?)");
                $name = ''; $score = 0.0;
                $st->bind_param('sd', $name, $score);
                for ($i = 1; $i <= 50; $i++) { $name = "n$i"; $score = $i / 2; $st->execute(); }
                $st->close();
                $sel = $m->prepare("SELECT id, name, score, @@port FROM $t WHERE score >= ? ORDER BY id");
                $min = 20.0;
                $sel->bind_param('d', $min);
                $sel->execute();
                $sel->bind_result($id, $n, $s, $port);
                $count = 0; $names = [];
                while ($sel->fetch()) { $count++; $names[] = $n; $lastPort = $port; }
                out('prepared_rows', $count);
                out('first_name', $names[0]);
                out('prepared_port', $lastPort);
                // Re-execute with another parameter, fetching with get_result.
                $min = 24.5;
                $sel->execute();
                $res = $sel->get_result();
                out('second_rows', $res->num_rows);
                $sel->close();
                $res = $m->query("SELECT COUNT(*), SUM(score) FROM $t");
                $row = $res->fetch_row();
                out('count', $row[0]);
                out('sum', $row[1]);
                // multi_query with several results
                $m->multi_query("SELECT 1; SELECT 2; SELECT 3");
                $vals = [];
                do { if ($res = $m->store_result()) { $vals[] = $res->fetch_row()[0]; $res->free(); } } while ($m->more_results() && $m->next_result());
                out('multi', implode(',', $vals));
                out('ping', $m->ping());
                $m->query("DROP TABLE $t");
                $m->close();
                """).formatted(table));
            String raw = r.get("raw");
            assertEquals("0", r.get("exit"), raw);
            assertEquals("1", r.get("affected"), raw);
            assertEquals("11", r.get("prepared_rows"), raw); // scores 20.0 .. 25.0 (i = 40..50)
            assertEquals("n40", r.get("first_name"), raw);
            assertTrue(r.get("prepared_port").matches("331[12]"), "a prepared read runs on a reader\n" + raw);
            assertEquals("2", r.get("second_rows"), raw);
            assertEquals("51", r.get("count"), raw);
            assertEquals(Double.toString(1.5 + 51 * 50 / 4.0), Double.toString(Double.parseDouble(r.get("sum"))), raw);
            assertEquals("1,2,3", r.get("multi"), raw);
            assertEquals("true", r.get("ping"), raw);
        } finally {
            Db.dropTables(table);
        }
    }

    /** A read-only server-side cursor: COM_STMT_EXECUTE answered with CURSOR_EXISTS, then COM_STMT_FETCH. */
    @Test
    void preparedStatementWithAServerSideCursor() throws Exception {
        Map<String, String> r = php("""
            // A user variable pins the session to one writer connection, so SESSION STATUS counts these fetches.
            $m->query("SET @pin = 1");
            $st = $m->prepare("SELECT seq, CONCAT('c', seq), @@port FROM seq_1_to_500 WHERE seq > ? ORDER BY seq");
            $st->attr_set(MYSQLI_STMT_ATTR_CURSOR_TYPE, MYSQLI_CURSOR_TYPE_READ_ONLY);
            $min = 100;
            $st->bind_param('i', $min);
            for ($round = 1; $round <= 2; $round++) {
                $st->execute();
                $st->bind_result($seq, $text, $port);
                $count = 0; $ok = true; $expected = $min + 1;
                while ($st->fetch()) {
                    if ($seq != $expected || $text !== "c$expected" || $port != 3313) { $ok = false; }
                    $expected++; $count++;
                }
                out("rows$round", $count); out("ok$round", $ok);
                $st->free_result();
                $min = 490;
            }
            $st->close();
            out('after', $m->query("SELECT 'still in step'")->fetch_row()[0]);
            out('fetches', $m->query("SHOW SESSION STATUS LIKE 'Com_stmt_fetch'")->fetch_row()[1]);
            """);
        String raw = r.get("raw");
        assertEquals("0", r.get("exit"), raw);
        assertEquals("400", r.get("rows1"), raw);
        assertEquals("true", r.get("ok1"), raw);
        assertEquals("10", r.get("rows2"), raw);
        assertEquals("true", r.get("ok2"), raw);
        assertEquals("still in step", r.get("after"), raw);
        assertTrue(Integer.parseInt(r.get("fetches")) >= 410, "rows came through COM_STMT_FETCH: " + raw);
    }

    /**
     * Two statements of one session with the same text, each with its own open cursor, fetched in turn: each
     * keeps its own server-side statement (preparing the second must not close the first's).
     */
    @Test
    void twoStatementsWithTheSameTextKeepTheirOwnCursors() throws Exception {
        Map<String, String> r = php("""
            $sql = "SELECT seq FROM seq_1_to_50 WHERE seq > ? ORDER BY seq";
            $a = $m->prepare($sql);
            $a->attr_set(MYSQLI_STMT_ATTR_CURSOR_TYPE, MYSQLI_CURSOR_TYPE_READ_ONLY);
            $a->attr_set(MYSQLI_STMT_ATTR_PREFETCH_ROWS, 1);
            $from = 0; $a->bind_param('i', $from); $a->execute(); $a->bind_result($va);
            $b = $m->prepare($sql);
            $b->attr_set(MYSQLI_STMT_ATTR_CURSOR_TYPE, MYSQLI_CURSOR_TYPE_READ_ONLY);
            $b->attr_set(MYSQLI_STMT_ATTR_PREFETCH_ROWS, 1);
            $from2 = 40; $b->bind_param('i', $from2); $b->execute(); $b->bind_result($vb);
            $seen = '';
            for ($i = 0; $i < 3; $i++) {
                $a->fetch(); $b->fetch(); $seen .= "$va/$vb ";
            }
            out('seen', trim($seen));
            $rest = 0; while ($a->fetch()) { $rest++; } out('restA', $rest);
            $rest = 0; while ($b->fetch()) { $rest++; } out('restB', $rest);
            $a->close(); $b->close();
            $c = $m->prepare($sql); $from3 = 48; $c->bind_param('i', $from3); $c->execute(); $c->bind_result($vc);
            $got = []; while ($c->fetch()) { $got[] = $vc; } out('again', implode(',', $got));
            """);
        String raw = r.get("raw");
        assertEquals("0", r.get("exit"), raw);
        assertEquals("1/41 2/42 3/43", r.get("seen"), raw);
        assertEquals("47", r.get("restA"), raw);
        assertEquals("7", r.get("restB"), raw);
        assertEquals("49,50", r.get("again"), raw);
    }
}
