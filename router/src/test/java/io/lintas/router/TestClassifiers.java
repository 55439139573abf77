package io.lintas.router;

/** Classifiers for tests. */
final class TestClassifiers {
    /**
     * Tests raise the parser budget far above the production default: on a cold JVM, or a loaded CI machine,
     * jsqlparser runs interpreted and an ordinary parse can exceed 25 ms, which would report UNPARSEABLE.
     */
    static final ClassifierLimits LIMITS = ClassifierLimits.DEFAULTS.withParseBudgetMillis(10_000);

    private TestClassifiers() {
    }

    /** A classifier with the default cache. */
    static QueryClassifier cached() {
        return new QueryClassifier(LIMITS);
    }

    /** A classifier that classifies every statement from scratch. */
    static QueryClassifier uncached() {
        return new QueryClassifier(LIMITS.withCacheEntries(0));
    }
}
