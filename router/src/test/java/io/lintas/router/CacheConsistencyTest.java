package io.lintas.router;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A classification served from the digest cache must always equal the one computed from scratch. */
class CacheConsistencyTest {

    @Test
    void wholeTableColdThenCachedEqualsUncached() {
        QueryClassifier cached = TestClassifiers.cached();
        QueryClassifier uncached = TestClassifiers.uncached();
        List<StatementTable.Row> rows = StatementTable.rows();
        List<Classification> cold = new ArrayList<>();
        for (StatementTable.Row row : rows) {
            cold.add(cached.classify(row.sql()));
        }
        long hitsBefore = cached.cacheHits();
        for (int i = 0; i < rows.size(); i++) {
            String sql = rows.get(i).sql();
            Classification warm = cached.classify(sql);
            assertEquals(cold.get(i), warm, rows.get(i) + " changed once cached");
            assertEquals(uncached.classify(sql), warm, rows.get(i) + " differs from the uncached classification");
        }
        assertTrue(cached.cacheHits() - hitsBefore > rows.size() / 2, "second pass should mostly hit the cache");
    }

    @Test
    void variedLiteralsAnswerFromTheCacheWithTheUncachedResult() {
        QueryClassifier cached = TestClassifiers.cached();
        QueryClassifier uncached = TestClassifiers.uncached();
        List<StatementTable.Row> rows = StatementTable.rows();
        for (StatementTable.Row row : rows) {
            cached.classify(row.sql());
        }
        int sameDigest = 0;
        for (StatementTable.Row row : rows) {
            for (int variant = 0; variant < 2; variant++) {
                String varied = Literals.vary(row.sql(), variant);
                Classification viaCache = cached.classify(varied);
                assertEquals(uncached.classify(varied), viaCache, () -> row + " varied as: " + varied);
                if (viaCache.digestText().equals(cached.classify(row.sql()).digestText())) {
                    sameDigest++;
                }
            }
        }
        assertTrue(sameDigest > rows.size(), "most variants share the original's digest, so they exercise the cache");
    }

    /** Pairs whose digests are equal but whose effects differ: the deciding part never comes from the cache. */
    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource(delimiter = '|', textBlock = """
            SET autocommit=0                        | SET autocommit=1
            SET @@session.autocommit = 'OFF'        | SET @@session.autocommit = 'ON'
            SET autocommit=1, sql_mode=''           | SET autocommit=0, sql_mode=''
            SELECT 1                                | /* lintas:writer */ SELECT 1
            SELECT LAST_INSERT_ID()                 | /* lintas:reader */ SELECT LAST_INSERT_ID()
            """)
    void sameDigestDifferentClassification(String first, String second) {
        QueryClassifier cached = TestClassifiers.cached();
        QueryClassifier uncached = TestClassifiers.uncached();
        Classification a = cached.classify(first);
        Classification b = cached.classify(second);
        assertEquals(a.digestText(), b.digestText());
        assertNotEquals(a, b);
        assertEquals(uncached.classify(first), cached.classify(first));
        assertEquals(uncached.classify(second), cached.classify(second));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource(delimiter = '|', textBlock = """
            START TRANSACTION READ ONLY             | START TRANSACTION READ WRITE
            SET SESSION TRANSACTION READ ONLY       | SET GLOBAL TRANSACTION READ ONLY
            COMMIT AND CHAIN                        | COMMIT AND NO CHAIN
            ROLLBACK                                | ROLLBACK TO SAVEPOINT s
            """)
    void keywordDependentStatementsHaveDistinctDigests(String first, String second) {
        QueryClassifier cached = TestClassifiers.cached();
        Classification a = cached.classify(first);
        Classification b = cached.classify(second);
        assertNotEquals(a.digestText(), b.digestText());
        assertNotEquals(a.effects(), b.effects());
        assertEquals(a, cached.classify(first));
    }
}
