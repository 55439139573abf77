package io.lintas.router.bench;

import io.lintas.monitor.BackendNode;
import io.lintas.router.SetScope;
import io.lintas.router.balance.ReaderBalancer;
import io.lintas.router.rules.QueryRule;
import io.lintas.router.rules.QueryRuleSet;
import io.lintas.router.rules.RuleOutcome;
import io.lintas.router.stats.DigestStats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per-statement costs of the session path besides classification: digest statistics, query rules, reader
 * choice, SET scoping. Run through the bench profile with {@code -Dbench.args="SessionPathBenchmark -prof gc"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SessionPathBenchmark {
    private static final int KEYS = 256;

    /** Shared by all benchmark threads, as the session path shares them between event loops. */
    @State(Scope.Benchmark)
    public static class Shared {
        DigestStats stats;
        QueryRuleSet rules;
        ReaderBalancer balancer;
        List<BackendNode> readers;
        String[] digests;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            stats = new DigestStats(10_000);
            digests = new String[KEYS];
            for (int i = 0; i < KEYS; i++) {
                digests[i] = "SELECT a, b FROM t" + i + " WHERE id = ?";
                stats.record(i, digests[i], 20, "app", "shop", 100);
            }
            rules = QueryRuleSet.compile(List.of(
                    rule(10, "report", null, null, 30),
                    rule(20, null, "^SELECT .* FOR UPDATE", null, 10),
                    rule(30, null, null, "^INSERT INTO audit", 10),
                    rule(40, null, "^SELECT .* FROM big_table", null, 31)));
            BackendNode n1 = new BackendNode("node1", "127.0.0.1", 3311);
            BackendNode n2 = new BackendNode("node2", "127.0.0.1", 3312);
            readers = List.of(n1, n2);
            balancer = new ReaderBalancer(Map.of("node1", 1, "node2", 2));
        }

        private static QueryRule rule(int id, String user, String pattern, String digest, int hg) {
            return new QueryRule(id, true, user, null, 0, null, digest, pattern, false, null, hg, null, true, null);
        }
    }

    /** Per-thread cursor over the keys. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int next() {
            next = (next + 1) & (KEYS - 1);
            return next;
        }
    }

    /** Recording a statement of a known key, one thread. */
    @Benchmark
    public void digestRecord(Shared s, Cursor c) {
        int k = c.next();
        s.stats.record(k, s.digests[k], 20, "app", "shop", 120);
    }

    /** Recording known keys from two threads at once (the keys of both threads overlap). */
    @Benchmark
    @Threads(2)
    public void digestRecordTwoThreads(Shared s, Cursor c) {
        int k = c.next();
        s.stats.record(k, s.digests[k], 20, "app", "shop", 120);
    }

    /** Four rules, none of which matches: the common case. */
    @Benchmark
    public RuleOutcome rulesNoMatch(Shared s, Cursor c) {
        int k = c.next();
        return s.rules.evaluate("app", "shop", "SELECT a, b FROM t WHERE id = 42", s.digests[k]);
    }

    /** Reader choice between two weighted readers, bracketed by started/finished. */
    @Benchmark
    public BackendNode balancerChoose(Shared s) {
        BackendNode n = s.balancer.choose(s.readers);
        s.balancer.started(n);
        s.balancer.finished(n);
        return n;
    }

    /** SET scoping of a statement that is not a SET: the cheap check. */
    @Benchmark
    public String setScopeNotSet() {
        return SetScope.scopeAssignments("SELECT a, b FROM t WHERE id = 42");
    }

    /** SET scoping of a SET that needs a rewrite. */
    @Benchmark
    public String setScopeRewrite() {
        return SetScope.scopeAssignments("SET @@sql_mode = 'STRICT_ALL_TABLES', @@time_zone = '+00:00'");
    }
}
