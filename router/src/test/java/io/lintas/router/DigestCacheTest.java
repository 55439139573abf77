package io.lintas.router;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigestCacheTest {

    private static DigestBuffer digest(String sql) {
        DigestBuffer b = new DigestBuffer();
        DigestNormalizer.normalizeInto(sql, b);
        return b;
    }

    private static Classification classification(DigestBuffer b) {
        return new Classification(Route.READ, Set.of(), "SELECT", b.text(), b.id);
    }

    @Test
    void returnsWhatWasPut() {
        DigestCache cache = new DigestCache(100, 1 << 20);
        DigestBuffer b = digest("SELECT * FROM t WHERE id = 1");
        assertNull(cache.get(b));
        Classification c = classification(b);
        cache.put(c);
        assertSame(c, cache.get(b));
        assertSame(c, cache.get(digest("select * from t where id = 99")), "same digest, other literal");
        assertTrue(cache.hits() == 2 && cache.misses() == 1);
    }

    @Test
    void sameIdButDifferentTextIsAMiss() {
        DigestCache cache = new DigestCache(100, 1 << 20);
        DigestBuffer b = digest("SELECT a FROM t");
        cache.put(new Classification(Route.WRITE, Set.of(), "SELECT", "SELECT b FROM t", b.id));
        assertNull(cache.get(b));
    }

    @Test
    void staysWithinCapacityUnderChurn() {
        DigestCache cache = new DigestCache(100, 1 << 20);
        for (int i = 0; i < 20_000; i++) {
            cache.put(classification(digest("SELECT c" + i + " FROM t")));
        }
        assertTrue(cache.size() <= 100, "size " + cache.size());
        assertTrue(cache.capacity() == 100);
    }

    @Test
    void staysWithinCharacterBudget() {
        DigestCache cache = new DigestCache(1_000, 2_000);
        for (int i = 0; i < 5_000; i++) {
            cache.put(classification(digest("SELECT c" + i + " FROM t WHERE " + "x = 1 AND ".repeat(i % 7) + "y = 2")));
        }
        assertTrue(cache.chars() <= 2_000, "chars " + cache.chars());
        assertTrue(cache.size() > 10, "budget should still leave room for entries");
    }

    @Test
    void recentlyUsedEntrySurvivesEviction() {
        DigestCache cache = new DigestCache(4, 1 << 20); // a single set of four ways
        DigestBuffer hot = digest("SELECT hot FROM t");
        cache.put(classification(hot));
        for (int i = 0; i < 1_000; i++) {
            assertNotNull(cache.get(hot), "hot entry evicted after " + i + " inserts");
            cache.put(classification(digest("SELECT cold" + i + " FROM t")));
        }
    }

    @Test
    void zeroCapacityDisablesTheCache() {
        DigestCache cache = new DigestCache(0, 1 << 20);
        DigestBuffer b = digest("SELECT 1");
        cache.put(classification(b));
        assertNull(cache.get(b));
        assertTrue(cache.size() == 0);
    }
}
