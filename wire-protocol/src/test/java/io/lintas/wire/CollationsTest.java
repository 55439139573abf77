package io.lintas.wire;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CollationsTest {
    @Test
    void knowsTheCollationsDriversLogInWith() {
        assertEquals(new Collations.Collation(45, "utf8mb4", "utf8mb4_general_ci"), Collations.byId(45));
        assertEquals("utf8mb4_unicode_ci", Collations.byId(224).name());
        assertEquals("latin1", Collations.byId(8).characterSet());
        assertEquals("utf8mb3_general_ci", Collations.byId(33).name());
        assertEquals("binary", Collations.byId(63).name());
    }

    @Test
    void unknownIdsAreNull() {
        assertNull(Collations.byId(255)); // MySQL 8's utf8mb4_0900_ai_ci: MariaDB has no such id
        assertNull(Collations.byId(-1));
        assertNull(Collations.byId(4096));
    }
}
