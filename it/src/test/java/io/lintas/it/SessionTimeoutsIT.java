package io.lintas.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code proxy.idle_timeout_ms} closes sessions that run nothing, as MariaDB's wait_timeout does, and a query
 * rule's {@code timeout} interrupts a matching statement on its node (KILL QUERY) while others run to the end.
 */
@ExtendWith(LintasLogOnFailure.class)
@Timeout(120)
class SessionTimeoutsIT {
    private static LintasProcess lintas;

    @BeforeAll
    static void start() {
        lintas = LintasProcess.builder().name("SessionTimeoutsIT")
            .proxy("idle_timeout_ms: 2000")
            .yaml("""
                query_rules:
                  - {rule_id: 1, match_pattern: "FROM seq_1_to_", timeout: 500}
                """)
            .start();
    }

    @AfterAll
    static void stop() {
        if (lintas != null) {
            lintas.close();
        }
    }

    @Test
    void anIdleSessionIsClosedAndABusyOneIsNot() throws Exception {
        try (Connection idle = Db.viaLintas(lintas); Connection busy = Db.viaLintas(lintas)) {
            assertEquals(1, Db.scalarLong(idle, "SELECT 1"));
            // busy runs a statement every 500 ms for 4 s: never idle for 2 s.
            for (int i = 0; i < 8; i++) {
                assertEquals(1, Db.scalarLong(busy, "SELECT 1"));
                Thread.sleep(500);
            }
            assertThrows(SQLException.class, () -> Db.scalarLong(idle, "SELECT 1"), "idle for 4 s > 2 s");
            assertTrue(lintas.log().contains("(proxy.idle_timeout_ms), closing"), "the close is logged");
        }
    }

    @Test
    void aRuleTimeoutInterruptsTheStatementOnItsNode() throws Exception {
        try (Connection c = Db.viaLintas(lintas)) {
            long t0 = System.nanoTime();
            SQLException e = assertThrows(SQLException.class,
                () -> Db.scalarLong(c, "SELECT COUNT(*) FROM seq_1_to_100000000000 WHERE seq % 7 = 3"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1317, e.getErrorCode(), e.getMessage()); // Query execution was interrupted
            System.out.printf("statement over its 500 ms rule timeout interrupted after %d ms%n", ms);
            assertTrue(lintas.log().contains("ran over its query rule timeout of 500 ms"), "logged");
            // The session goes on (on another connection: the interrupted one is not reused).
            assertEquals(1, Db.scalarLong(c, "SELECT 1"));
            // A statement the rule does not match runs past 500 ms to its end.
            assertEquals(0, Db.scalarLong(c, "SELECT SLEEP(1)"));
        }
    }
}
