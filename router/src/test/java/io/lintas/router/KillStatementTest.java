package io.lintas.router;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KillStatementTest {

    private static KillStatement kill(String sql) {
        return KillStatement.parse(sql).orElseThrow(() -> new AssertionError("not parsed: " + sql));
    }

    @Test
    void forms() {
        assertEquals(new KillStatement("", KillStatement.Target.CONNECTION, 5), kill("KILL 5"));
        assertEquals(new KillStatement("", KillStatement.Target.CONNECTION, 5), kill("kill connection 5;"));
        assertEquals(new KillStatement("", KillStatement.Target.QUERY, 1000000001), kill("  KILL QUERY 1000000001 "));
        assertEquals(new KillStatement("HARD", KillStatement.Target.QUERY, 7), kill("/* lintas:writer */ KILL HARD QUERY 7"));
        assertEquals(new KillStatement("SOFT", KillStatement.Target.CONNECTION, 7), kill("-- x\nKILL SOFT CONNECTION 7"));
        assertEquals(new KillStatement("", KillStatement.Target.QUERY_ID, 9), kill("KILL QUERY ID 9"));
        assertEquals(KillStatement.Target.USER, kill("KILL USER app").target());
        assertEquals(KillStatement.Target.USER, kill("KILL HARD CONNECTION USER 'app'@'%'").target());
    }

    @Test
    void rewrite() {
        assertEquals("KILL QUERY 42", kill("kill query 1000000003").withId(42));
        assertEquals("KILL HARD CONNECTION 42", kill("KILL HARD 7").withId(42));
        assertEquals("KILL QUERY ID 42", kill("KILL QUERY ID 7").withId(42));
    }

    @Test
    void notKill() {
        for (String sql : new String[] {"SELECT 1", "", "KILL", "KILL QUERY", "KILL 5; SELECT 1", "KILL abc",
            "KILLER 5", "/*!50000 KILL 5 */", "KILL 5 6", "KILL 99999999999999999999", null}) {
            assertEquals(Optional.empty(), KillStatement.parse(sql), String.valueOf(sql));
        }
        assertTrue(KillStatement.parse("SELECT 'KILL 5'").isEmpty());
    }
}
