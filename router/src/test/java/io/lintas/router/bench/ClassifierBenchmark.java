package io.lintas.router.bench;

import io.lintas.router.ClassifierLimits;
import io.lintas.router.Classification;
import io.lintas.router.DigestNormalizer;
import io.lintas.router.NormalizedQuery;
import io.lintas.router.QueryClassifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.concurrent.TimeUnit;

/**
 * Nanoseconds per {@link QueryClassifier#classify} on an OLTP statement mix (see router/README.md for the
 * command). Not a test: surefire does not pick it up.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ClassifierBenchmark {
    private static final int MIX = 4096;

    private String[] statements;
    private int next;
    private QueryClassifier cached;
    private QueryClassifier uncached;
    private QueryClassifier uncachedScanOnly;

    /** Builds the statement mix and classifiers; the cached classifier has seen every shape once. */
    @Setup(Level.Trial)
    public void setUp() {
        statements = OltpWorkload.statements(MIX, 42L);
        cached = new QueryClassifier();
        uncached = new QueryClassifier(ClassifierLimits.DEFAULTS.withCacheEntries(0));
        uncachedScanOnly = new QueryClassifier(ClassifierLimits.DEFAULTS.withCacheEntries(0).withParseBudgetMillis(0));
        for (String s : statements) {
            cached.classify(s);
        }
    }

    private String nextStatement() {
        String s = statements[next];
        next = (next + 1) & (MIX - 1);
        return s;
    }

    /** Repeated shapes with new literals: normalize, hash, cache hit. */
    @Benchmark
    public Classification cachedDigest() {
        return cached.classify(nextStatement());
    }

    /** First-seen statements: every call classifies from scratch, including jsqlparser for queries. */
    @Benchmark
    public Classification firstSeen() {
        return uncached.classify(nextStatement());
    }

    /** First-seen statements with jsqlparser turned off (keyword scan only). */
    @Benchmark
    public Classification firstSeenScanOnly() {
        return uncachedScanOnly.classify(nextStatement());
    }

    /** The digest alone, for comparison. */
    @Benchmark
    public NormalizedQuery normalizeOnly() {
        return DigestNormalizer.normalize(nextStatement());
    }

    /**
     * Runs the benchmark: 1 fork, 3 warm-up and 5 measurement iterations of 1 s. Extra JMH options
     * (e.g. {@code -f 2} or a benchmark name regex) may be passed as arguments.
     */
    public static void main(String[] args) throws Exception {
        // Maven passes -Dbench.args as one argument: split it into words.
        String[] jmhArgs = String.join(" ", args).trim().split("\\s+");
        Options cli = new CommandLineOptions(jmhArgs[0].isEmpty() ? new String[0] : jmhArgs);
        OptionsBuilder builder = new OptionsBuilder();
        if (cli.getIncludes().isEmpty()) {
            builder.include(ClassifierBenchmark.class.getSimpleName());
        }
        Options options = builder
                .parent(cli)
                .forks(cli.getForkCount().orElse(1))
                .warmupIterations(cli.getWarmupIterations().orElse(3))
                .warmupTime(cli.getWarmupTime().orElse(TimeValue.seconds(1)))
                .measurementIterations(cli.getMeasurementIterations().orElse(5))
                .measurementTime(cli.getMeasurementTime().orElse(TimeValue.seconds(1)))
                .build();
        new Runner(options).run();
    }
}
