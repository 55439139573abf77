package io.lintas.pool.state;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class StatementCacheTest {
    @Test
    void evictsTheLeastRecentlyUsed() {
        StatementCache c = new StatementCache();
        assertEquals(List.of(), c.put("a", 1, 0, 1, 2));
        assertEquals(List.of(), c.put("b", 2, 0, 1, 2));
        assertNotNull(c.get("a")); // a is now the most recently used
        assertEquals(List.of(2), c.put("c", 3, 0, 1, 2));
        assertNull(c.get("b"));
        assertEquals(1, c.get("a").id());
        assertEquals(2, c.size());
    }

    @Test
    void preparingTheSameTextAgainClosesTheOldStatement() {
        StatementCache c = new StatementCache();
        c.put("a", 1, 1, 0, 10);
        assertEquals(List.of(1), c.put("a", 7, 1, 0, 10));
        assertEquals(7, c.get("a").id());
        c.clear();
        assertEquals(0, c.size());
    }
}
