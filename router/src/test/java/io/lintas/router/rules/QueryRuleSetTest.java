package io.lintas.router.rules;

import io.lintas.router.testutil.Allocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryRuleSetTest {
    private static volatile Object sink;

    /** A rule builder with ProxySQL's defaults: active, flagIN 0, everything else unset. */
    private static final class R {
        int id;
        boolean active = true;
        String user;
        String schema;
        int flagIn;
        Integer flagOut;
        String digest;
        String pattern;
        boolean negate;
        String replace;
        Integer hg;
        String error;
        boolean apply;
        Integer timeout;

        R(int id) {
            this.id = id;
        }

        R inactive() { active = false; return this; }
        R user(String u) { user = u; return this; }
        R schema(String s) { schema = s; return this; }
        R flagIn(int f) { flagIn = f; return this; }
        R flagOut(int f) { flagOut = f; return this; }
        R digest(String d) { digest = d; return this; }
        R pattern(String p) { pattern = p; return this; }
        R negate() { negate = true; return this; }
        R replace(String r) { replace = r; return this; }
        R hg(int h) { hg = h; return this; }
        R error(String e) { error = e; return this; }
        R apply() { apply = true; return this; }
        R timeout(int ms) { timeout = ms; return this; }

        QueryRule build() {
            return new QueryRule(id, active, user, schema, flagIn, flagOut, digest, pattern, negate, replace, hg, error,
                    apply, "rule " + id, timeout);
        }
    }

    private static QueryRuleSet set(R... rs) {
        List<QueryRule> list = new ArrayList<>();
        for (R r : rs) {
            list.add(r.build());
        }
        try {
            return QueryRuleSet.compile(list);
        } catch (InvalidQueryRuleException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static RuleOutcome eval(QueryRuleSet s, String query) {
        return s.evaluate("app", "shop", query, query);
    }

    private static List<String> problems(R... rs) {
        List<QueryRule> list = new ArrayList<>();
        for (R r : rs) {
            list.add(r.build());
        }
        return assertThrows(InvalidQueryRuleException.class, () -> QueryRuleSet.compile(list)).problems();
    }

    @Test
    void emptySetReturnsNone() {
        assertTrue(QueryRuleSet.EMPTY.isEmpty());
        assertSame(RuleOutcome.NONE, QueryRuleSet.EMPTY.evaluate("u", "s", "SELECT 1", "SELECT ?"));
        assertEquals(-1, RuleOutcome.NONE.lastMatchedRuleId());
        assertFalse(RuleOutcome.NONE.matched());
        assertTrue(QueryRuleSet.EMPTY.rules().isEmpty());
        assertTrue(QueryRuleSet.EMPTY.hits().isEmpty());
        assertSame(QueryRuleSet.EMPTY, set());
    }

    @Test
    void inactiveRulesAreListedButNeverEvaluated() {
        QueryRuleSet s = set(new R(1).inactive().hg(20).apply());
        assertTrue(s.isEmpty());
        assertEquals(1, s.rules().size());
        assertSame(RuleOutcome.NONE, eval(s, "SELECT 1"));
        assertEquals(Map.of(1, 0L), s.hits());
    }

    @Test
    void ruleWithoutCriteriaMatchesEverything() {
        RuleOutcome o = eval(set(new R(7).hg(10)), "anything at all");
        assertEquals(new RuleOutcome(7, 10, null, null), o);
        assertTrue(o.matched());
    }

    @Test
    void rulesRunInRuleIdOrderWhateverTheListOrder() {
        QueryRuleSet s = set(new R(30).pattern("^select").hg(30), new R(10).pattern("^select").hg(10),
                new R(20).pattern("^select").hg(20));
        assertEquals(List.of(10, 20, 30), s.rules().stream().map(QueryRule::ruleId).toList());
        RuleOutcome o = eval(s, "SELECT 1");
        assertEquals(30, o.lastMatchedRuleId()); // all match, no apply: the last one's hostgroup wins
        assertEquals(30, o.destinationHostgroup());
        assertThrows(UnsupportedOperationException.class, () -> s.rules().clear());
    }

    @Test
    void applyStopsEvaluation() {
        QueryRuleSet s = set(new R(1).pattern("^SELECT .* FOR UPDATE").hg(10).apply(), new R(2).pattern("^SELECT").hg(20)
                .apply(), new R(3).hg(99));
        assertEquals(new RuleOutcome(1, 10, null, null), eval(s, "SELECT * FROM t FOR UPDATE"));
        assertEquals(new RuleOutcome(2, 20, null, null), eval(s, "select * from t"));
        assertEquals(new RuleOutcome(3, 99, null, null), eval(s, "UPDATE t SET a = 1"));
        assertEquals(Map.of(1, 1L, 2, 1L, 3, 1L), s.hits());
    }

    @Test
    void destinationKeptWhenALaterMatchSetsNone() {
        QueryRuleSet s = set(new R(1).pattern("^SELECT").hg(20), new R(2).pattern("FROM t\\b"));
        assertEquals(new RuleOutcome(2, 20, null, null), eval(s, "SELECT * FROM t"));
    }

    @Test
    void usernameAndSchemaMatchExactlyWhenSet() {
        QueryRuleSet s = set(new R(1).user("report").hg(21).apply(), new R(2).schema("audit").hg(22).apply(),
                new R(3).user("").schema("").hg(23).apply());
        assertEquals(21, s.evaluate("report", "shop", "SELECT 1", "SELECT ?").destinationHostgroup());
        assertEquals(22, s.evaluate("app", "audit", "SELECT 1", "SELECT ?").destinationHostgroup());
        assertEquals(23, s.evaluate("Report", "Audit", "SELECT 1", "SELECT ?").destinationHostgroup());
        assertEquals(23, s.evaluate(null, null, "SELECT 1", "SELECT ?").destinationHostgroup());
    }

    @Test
    void matchDigestSeesTheDigestAndMatchPatternTheQuery() {
        QueryRuleSet s = set(new R(1).digest("^SELECT \\* FROM t WHERE id = \\?$").hg(1).apply(),
                new R(2).pattern("id = 42").hg(2).apply());
        assertEquals(1, s.evaluate("u", "s", "SELECT * FROM t WHERE id = 7", "SELECT * FROM t WHERE id = ?")
                .lastMatchedRuleId());
        assertEquals(2, s.evaluate("u", "s", "SELECT * FROM t WHERE id = 42", "SELECT * FROM t WHERE id=?")
                .lastMatchedRuleId());
        assertSame(RuleOutcome.NONE, s.evaluate("u", "s", "SELECT * FROM t WHERE id = 7", null));
    }

    @Test
    void matchingIsCaseInsensitiveAndUnanchored() {
        QueryRuleSet s = set(new R(1).pattern("for update").hg(10));
        assertEquals(10, eval(s, "SELECT * FROM t FOR UPDATE").destinationHostgroup());
        assertEquals(10, eval(s, "select 1 For Update").destinationHostgroup());
        assertSame(RuleOutcome.NONE, eval(s, "SELECT * FROM t"));
    }

    @Test
    void negateInvertsBothPatterns() {
        QueryRuleSet s = set(new R(1).pattern("^SELECT").negate().hg(10).apply());
        assertEquals(10, eval(s, "UPDATE t SET a = 1").destinationHostgroup());
        assertSame(RuleOutcome.NONE, eval(s, "SELECT 1"));
        QueryRuleSet d = set(new R(1).digest("^SELECT").negate().error("only reads here"));
        assertEquals("only reads here", d.evaluate("u", "s", "DELETE FROM t", "DELETE FROM t").errorMessage());
        assertSame(RuleOutcome.NONE, d.evaluate("u", "s", "SELECT 1", "SELECT ?"));
    }

    @Test
    void flagChainsFollowProxySql() {
        // rule 5 would match but needs flag 7, which is only set later (one forward pass, as ProxySQL by default)
        QueryRuleSet s = set(new R(5).flagIn(7).hg(99).apply(),
                new R(10).pattern("^SELECT").flagOut(7),
                new R(20).pattern("^SELECT").hg(50).apply(), // flagIN 0: skipped once the flag is 7
                new R(30).flagIn(7).pattern("FROM orders").hg(21).apply(),
                new R(40).flagIn(7).hg(20).apply());
        assertEquals(new RuleOutcome(30, 21, null, null), eval(s, "SELECT * FROM orders"));
        assertEquals(new RuleOutcome(40, 20, null, null), eval(s, "SELECT * FROM users"));
        assertEquals(new RuleOutcome(-1, null, null, null), eval(s, "UPDATE t SET a = 1"));
        assertEquals(0, s.hits(5));
        assertEquals(2, s.hits(10));
        assertEquals(0, s.hits(20));
    }

    @Test
    void errorMessageBlocksAndLaterRulesStillCount() {
        QueryRuleSet s = set(new R(1).pattern("^DROP").error("DROP is not allowed through Lintas"),
                new R(2).hg(10));
        RuleOutcome o = eval(s, "drop table t");
        assertEquals("DROP is not allowed through Lintas", o.errorMessage());
        assertEquals(2, o.lastMatchedRuleId()); // no apply: ProxySQL goes on, and the error stays set
        assertEquals(1, s.hits(2));
    }

    @Test
    void replacePatternRewritesTheFirstMatchWithBackreferences() {
        QueryRuleSet s = set(new R(1).pattern("^SELECT (.*) FROM old_orders WHERE (.*)$")
                .replace("SELECT \\1 FROM orders WHERE $2 AND archived = 0").apply());
        RuleOutcome o = eval(s, "select id, total from old_orders where customer = 7");
        assertEquals("SELECT id, total FROM orders WHERE customer = 7 AND archived = 0", o.rewrittenQuery());
        assertNull(o.destinationHostgroup());
    }

    @Test
    void replaceOnlyTheFirstOccurrence() {
        QueryRuleSet s = set(new R(1).pattern("\\bt1\\b").replace("t2"));
        assertEquals("SELECT * FROM t2 JOIN t1", eval(s, "SELECT * FROM t1 JOIN t1").rewrittenQuery());
    }

    @Test
    void replacementEscapes() {
        QueryRuleSet s = set(new R(1).pattern("(x)(y)?").replace("[\\0|$0|\\1|$2|\\\\|$$|$name|a\\'b|\\12]"));
        assertEquals("<[x|x|x||\\|$|$name|a\\'b|x2]>", eval(s, "<x>").rewrittenQuery());
    }

    @Test
    void laterRulesSeeTheRewrittenTextButTheOriginalDigest() {
        QueryRuleSet s = set(new R(1).pattern("FROM a\\b").replace("FROM b"),
                new R(2).pattern("FROM b\\b").hg(42),
                new R(3).digest("FROM a\\b").error("digest unchanged"));
        RuleOutcome o = s.evaluate("u", "s", "SELECT 1 FROM a", "SELECT ? FROM a");
        assertEquals(new RuleOutcome(3, 42, "digest unchanged", "SELECT 1 FROM b"), o);
    }

    @Test
    void theLastMatchingRuleWithATimeoutSetsIt() {
        QueryRuleSet s = set(new R(1).pattern("^SELECT").timeout(5000), new R(2).pattern("FROM report").timeout(60_000),
                new R(3).pattern("FROM t\\b").hg(20));
        assertEquals(60_000, eval(s, "SELECT * FROM report").timeoutMs());
        assertEquals(5000, eval(s, "SELECT * FROM t").timeoutMs());
        assertNull(eval(s, "UPDATE t SET a = 1").timeoutMs());
        assertTrue(problems(new R(1).pattern("x").timeout(0)).get(0).contains("timeout must be positive"));
    }

    @Test
    void rewriteToTheSameTextIsReportedAsUnchanged() {
        QueryRuleSet s = set(new R(1).pattern("(SELECT)").replace("\\1").hg(3));
        assertEquals(new RuleOutcome(1, 3, null, null), eval(s, "SELECT 1"));
    }

    @Test
    void hitsCountEveryMatch() {
        QueryRuleSet s = set(new R(1).pattern("^SELECT"), new R(2).pattern("^UPDATE").apply(), new R(3).inactive());
        for (int i = 0; i < 5; i++) {
            eval(s, "SELECT 1");
        }
        eval(s, "UPDATE t SET a = 1");
        eval(s, "DELETE FROM t");
        assertEquals(5, s.hits(1));
        assertEquals(1, s.hits(2));
        assertEquals(0, s.hits(3));
        assertEquals(0, s.hits(12345));
        assertEquals(List.of(1, 2, 3), new ArrayList<>(s.hits().keySet()));
        assertEquals(List.of(5L, 1L, 0L), new ArrayList<>(s.hits().values()));
    }

    @Test
    void badRegexNamesRuleAndPattern() {
        List<String> p = problems(new R(12).pattern("SELECT (unclosed"));
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("rule_id 12: match_pattern 'SELECT (unclosed' is not a valid regex"), p.get(0));
        p = problems(new R(13).digest("*bad"));
        assertTrue(p.get(0).startsWith("rule_id 13: match_digest '*bad' is not a valid regex"), p.get(0));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<String> p = problems(
                new R(1).hg(10),
                new R(1).hg(20),
                new R(0),
                new R(2).replace("x"),
                new R(3).pattern("a").negate().replace("b"),
                new R(4).pattern("(a)").replace("\\2"),
                new R(5).flagIn(-1).flagOut(-2),
                new R(6).hg(-1),
                new R(7).error(""),
                new R(8).inactive().pattern("["));
        assertEquals(List.of(
                "rule_id 0: rule_id must be positive",
                "rule_id 1: duplicate rule_id",
                "rule_id 2: replace_pattern needs a match_pattern",
                "rule_id 3: replace_pattern with negate_match_pattern can never replace anything",
                "rule_id 4: replace_pattern refers to group 2 but match_pattern '(a)' has 1",
                "rule_id 5: flagIN must not be negative (-1)",
                "rule_id 5: flagOUT must not be negative (-2)",
                "rule_id 6: destination_hostgroup must not be negative (-1)",
                "rule_id 7: error_msg is empty (leave it unset to let the query run)"),
                p.subList(0, 9));
        assertEquals(10, p.size());
        assertTrue(p.get(9).startsWith("rule_id 8: match_pattern '[' is not a valid regex"), p.get(9));
    }

    @Test
    void nullListAndNullRuleAreRejected() {
        assertThrows(InvalidQueryRuleException.class, () -> QueryRuleSet.compile(null));
        List<QueryRule> withNull = new ArrayList<>();
        withNull.add(null);
        InvalidQueryRuleException e = assertThrows(InvalidQueryRuleException.class,
                () -> QueryRuleSet.compile(withNull));
        assertEquals(List.of("a rule is null"), e.problems());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a safety net: without the read budget this never ends
    void runawayBacktrackingIsCutOffAndCountsAsNoMatch() {
        QueryRuleSet s = set(new R(1).pattern("a*a*a*a*a*a*b").hg(10).apply(), // polynomial backtracking
                new R(2).pattern("a*a*a*a*a*a*b").negate().hg(11).apply(),
                new R(3).pattern("^a").hg(12));
        String text = "a".repeat(200);
        assertEquals(new RuleOutcome(3, 12, null, null), eval(s, text)); // rules 1 and 2 gave up: no match either way
        assertEquals(2, s.regexAborts());
        QueryRuleSet quadratic = set(new R(1).pattern(".*FOR UPDATE").hg(10)); // unanchored: tried at every offset
        assertSame(RuleOutcome.NONE, eval(quadratic, "SELECT " + "x".repeat(50_000)));
        assertEquals(1, quadratic.regexAborts());
        assertEquals(10, eval(quadratic, "SELECT 1 FOR UPDATE").destinationHostgroup());
    }

    @Test
    void noMatchAllocatesNothing() {
        QueryRuleSet s = set(new R(1).user("report").hg(20), new R(2).digest("^INSERT INTO audit").hg(10).apply(),
                new R(3).pattern("^SELECT .* FOR UPDATE$").hg(10).apply(), new R(4).pattern("sleep\\(").error("no"));
        String q = "SELECT a, b FROM t WHERE id = 42";
        String d = "SELECT a, b FROM t WHERE id = ?";
        long bytes = Allocations.measure(20_000, 10_000, () -> sink = s.evaluate("app", "shop", q, d));
        assertSame(RuleOutcome.NONE, s.evaluate("app", "shop", q, d));
        assertTrue(bytes < 1024, "10,000 non-matching evaluations allocated " + bytes + " bytes");
    }

    @Test
    void concurrentEvaluationCountsExactly() throws Exception {
        QueryRuleSet s = set(new R(1).pattern("^SELECT (\\w+)").replace("SELECT /* r */ \\1"),
                new R(2).pattern("/\\* r \\*/").hg(20).apply());
        int threads = 4;
        int perThread = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    start.await();
                    int ok = 0;
                    for (int i = 0; i < perThread; i++) {
                        String col = "c" + id + "_" + i;
                        RuleOutcome o = s.evaluate("u", "s", "SELECT " + col + " FROM t", null);
                        if (o.rewrittenQuery().equals("SELECT /* r */ " + col + " FROM t")
                                && o.destinationHostgroup() == 20) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            start.countDown();
            for (Future<Integer> f : fs) {
                assertEquals(perThread, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread, s.hits(1));
        assertEquals(threads * perThread, s.hits(2));
    }
}
