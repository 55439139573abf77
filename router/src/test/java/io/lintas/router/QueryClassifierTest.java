package io.lintas.router;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryClassifierTest {

    @Test
    void nullIsEmpty() {
        Classification c = TestClassifiers.cached().classify(null);
        assertEquals(Route.WRITE, c.route());
        assertEquals(Set.of(Effect.UNPARSEABLE), c.effects());
        assertEquals("EMPTY", c.statementType());
    }

    @Test
    void countsUnparseableStatementsIncludingCacheHits() {
        QueryClassifier qc = TestClassifiers.cached();
        qc.classify("SELECT 1");
        assertEquals(0, qc.unparseableCount());
        qc.classify("garbage");
        qc.classify("garbage");
        qc.classify("SELECT GROUP_CONCAT(a SEPARATOR ',') FROM t");
        assertEquals(3, qc.unparseableCount());
    }

    @Test
    void hintsApplyAfterTheCache() {
        QueryClassifier qc = TestClassifiers.cached();
        assertEquals(Route.READ, qc.classify("SELECT * FROM t WHERE id = 1").route());
        Classification hinted = qc.classify("/* lintas:writer */ SELECT * FROM t WHERE id = 2");
        assertEquals(Route.WRITE, hinted.route());
        assertEquals(Set.of(Effect.HINT), hinted.effects());
        Classification plain = qc.classify("SELECT * FROM t WHERE id = 3");
        assertEquals(Route.READ, plain.route());
        assertEquals(Set.of(), plain.effects());
        assertEquals(hinted.digestId(), plain.digestId());
    }

    /** The keyword scan alone already routes every table row as the parser-checked classifier does. */
    @Test
    void parserOnlyConfirmsTheKeywordScan() {
        QueryClassifier withParser = TestClassifiers.uncached();
        QueryClassifier scanOnly = new QueryClassifier(TestClassifiers.LIMITS.withParseBudgetMillis(0));
        for (StatementTable.Row row : StatementTable.rows()) {
            Classification a = withParser.classify(row.sql());
            Classification b = scanOnly.classify(row.sql());
            assertEquals(a.route(), b.route(), row::toString);
            Set<Effect> onlyWithParser = new java.util.HashSet<>(a.effects());
            onlyWithParser.removeAll(b.effects());
            assertTrue(a.effects().containsAll(b.effects()), row::toString);
            assertTrue(Set.of(Effect.UNPARSEABLE).containsAll(onlyWithParser), row::toString);
        }
    }

    @Test
    void longDigestsSkipTheParserAndTheCache() {
        ClassifierLimits small = new ClassifierLimits(100, 1 << 20, 64, 64, 8, 64, 10_000);
        QueryClassifier qc = new QueryClassifier(small);
        String longSelect = "SELECT GROUP_CONCAT(a SEPARATOR ',') FROM t WHERE " + "c = 1 AND ".repeat(20) + "d = 2";
        Classification c = qc.classify(longSelect);
        assertEquals(Route.READ, c.route());
        assertEquals(Set.of(), c.effects(), "not parsed, so not UNPARSEABLE");
        assertEquals(0, qc.cachedDigests());
        assertEquals(Route.WRITE, qc.classify(longSelect + " FOR UPDATE").route());
        assertEquals(Route.WRITE, qc.classify(longSelect.replace("d = 2", "d = my_udf(2)")).route());
    }

    @Test
    void deepNestingSkipsTheParser() {
        QueryClassifier qc = TestClassifiers.cached();
        String deep = "SELECT " + "(".repeat(50) + "1" + ")".repeat(50);
        assertEquals(new Classification(Route.READ, Set.of(), "SELECT", DigestNormalizer.normalize(deep).digestText(),
                DigestNormalizer.normalize(deep).digestId()), qc.classify(deep));
        String deepWrite = "SELECT " + "(".repeat(50) + "SLEEP(1)" + ")".repeat(50);
        assertEquals(Route.WRITE, qc.classify(deepWrite).route());
    }

    @Test
    void pathologicalParseIsCutOffByTheBudget() {
        QueryClassifier qc = new QueryClassifier(ClassifierLimits.DEFAULTS.withCacheEntries(0));
        // jsqlparser backtracks exponentially on this: seconds without a budget.
        String sql = "SELECT * FROM t WHERE a IN " + "(SELECT a FROM t WHERE a IN ".repeat(5)
                + "(1) GROUP_CONCAT(a SEPARATOR ',')" + ")".repeat(5);
        long start = System.nanoTime();
        Classification c = qc.classify(sql);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2_000, "took " + millis + " ms");
        assertEquals(Set.of(Effect.UNPARSEABLE), c.effects());
        assertEquals(Route.READ, c.route());
    }

    @Test
    void tooManyStatementsPinTheSession() {
        QueryClassifier qc = new QueryClassifier(new ClassifierLimits(100, 1 << 20, 4096, 4096, 8, 3, 10_000));
        Classification three = qc.classify("SELECT 1; SELECT 2; SELECT 3");
        assertEquals(Set.of(Effect.MULTI_STATEMENT), three.effects());
        Classification four = qc.classify("SELECT 1; SELECT 2; SELECT 3; SET autocommit = 0");
        assertEquals(Set.of(Effect.MULTI_STATEMENT, Effect.PIN_SESSION), four.effects());
    }

    @Test
    void neverThrowsOnRandomInput() {
        QueryClassifier qc = new QueryClassifier(TestClassifiers.LIMITS.withCacheEntries(64));
        Random rnd = new Random(7L);
        String[] pieces = ("SELECT FROM WHERE SET autocommit = @x := ( ) , ; ' \" ` ? - # /* */ /*! 0 1 x FOR UPDATE "
                + "INTO GET_LOCK WITH AS BEGIN COMMIT NAMES STATEMENT lintas:reader \n").split(" ");
        for (int i = 0; i < 3_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = rnd.nextInt(25);
            for (int j = 0; j < n; j++) {
                b.append(pieces[rnd.nextInt(pieces.length)]).append(rnd.nextBoolean() ? " " : "");
            }
            Classification c = qc.classify(b.toString());
            assertNotNull(c.route());
            assertNotNull(c.statementType());
            assertNotNull(c.digestText());
        }
    }

    /** Many threads share one small cache (so entries are evicted and replaced) and agree with the uncached answer. */
    @Test
    void concurrentClassificationMatchesUncached() throws Exception {
        List<String> sqls = new ArrayList<>();
        for (StatementTable.Row row : StatementTable.rows()) {
            sqls.add(row.sql());
            sqls.add(Literals.vary(row.sql(), 0));
        }
        QueryClassifier reference = TestClassifiers.uncached();
        List<Classification> expected = new ArrayList<>();
        for (String sql : sqls) {
            expected.add(reference.classify(sql));
        }
        QueryClassifier shared = new QueryClassifier(TestClassifiers.LIMITS.withCacheEntries(32));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                futures.add(pool.submit(() -> {
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < sqls.size(); i++) {
                        order.add(i);
                    }
                    for (int round = 0; round < 3; round++) {
                        Collections.shuffle(order, new Random(seed * 31 + round));
                        for (int i : order) {
                            assertEquals(expected.get(i), shared.classify(sqls.get(i)), sqls.get(i));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(shared.cachedDigests() <= 32);
        assertFalse(shared.cacheHits() == 0);
    }
}
