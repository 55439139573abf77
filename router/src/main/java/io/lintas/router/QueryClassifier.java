package io.lintas.router;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides for every statement whether it may run on a reader and what it does to the session.
 *
 * <p>Built to run on a Netty event loop: thread-safe, never blocks, never throws, and bounded in memory (a fixed
 * size digest cache and per-thread scratch buffers that shrink after an oversized statement). The hot path is
 * one pass of the lexer over the text, a hash, and a cache probe; a cache hit allocates nothing.
 *
 * <p>Pipeline: {@link DigestNormalizer} builds the digest; a multi-statement text is split and each statement
 * classified; a SET is read from the raw text (its effects depend on literal values, so it bypasses the cache);
 * anything else is looked up by digest in the cache and, on a miss, classified by {@link StatementRules}.
 * Finally a leading routing hint is applied; hints are not part of the digest, so one cache entry serves hinted
 * and unhinted statements alike.
 *
 * <p>Hints: {@code /* lintas:writer *}{@code /} always forces WRITE. {@code /* lintas:reader *}{@code /} forces
 * READ only for a query-like statement (SELECT, SHOW, DESCRIBE, EXPLAIN, HELP) without session effects: a hint
 * must never move a statement that pins the session, changes the transaction or session state, or holds several
 * statements away from the connection that owns that state. Either way the result carries {@link Effect#HINT},
 * and its route shows whether the hint was honoured.
 */
public final class QueryClassifier {
    private static final AtomicBoolean WARMED = new AtomicBoolean();
    private static final Set<String> READER_HINT_TYPES = Set.of("SELECT", "SHOW", "DESCRIBE", "EXPLAIN", "HELP");

    private final ClassifierLimits limits;
    private final DigestCache cache;
    private final StatementRules rules;
    private final LongAdder unparseable = new LongAdder();
    private final ThreadLocal<DigestBuffer> buffers = ThreadLocal.withInitial(DigestBuffer::new);

    /** A classifier with {@link ClassifierLimits#DEFAULTS}; see {@link #QueryClassifier(ClassifierLimits)}. */
    public QueryClassifier() {
        this(ClassifierLimits.DEFAULTS);
    }

    /**
     * A classifier with the given limits. The first one built in a JVM loads and warms jsqlparser (about half
     * a second), so that early cache misses do not run out of parse budget: build it at startup, off the
     * event loop.
     */
    public QueryClassifier(ClassifierLimits limits) {
        this.limits = limits;
        this.cache = new DigestCache(limits.cacheEntries(), limits.cacheChars());
        this.rules = new StatementRules(limits);
        if (limits.parseBudgetMillis() > 0 && WARMED.compareAndSet(false, true)) {
            warmUpParser();
        }
    }

    /** Classifies one COM_QUERY (or COM_STMT_PREPARE) text; null counts as empty. Never throws. */
    public Classification classify(String text) {
        String sql = text == null ? "" : text;
        Classification c;
        DigestBuffer b = buffers.get();
        try {
            DigestNormalizer.normalizeInto(sql, b);
            RoutingHint hint = b.hint;
            Classification base = b.multiStatement ? multi(sql, b) : single(sql, b);
            c = applyHint(base, hint);
        } catch (Throwable t) { // NOPMD: a classifier bug must degrade to "writer, pinned", not kill the loop
            c = new Classification(Route.WRITE, EnumSet.of(Effect.UNPARSEABLE, Effect.PIN_SESSION), "UNKNOWN", "", 0);
        } finally {
            b.shrink();
        }
        if (c.has(Effect.UNPARSEABLE)) {
            unparseable.increment();
        }
        return c;
    }

    /** Number of statements classified with {@link Effect#UNPARSEABLE} since start. */
    public long unparseableCount() {
        return unparseable.sum();
    }

    /** Number of classifications answered from the digest cache. */
    public long cacheHits() {
        return cache.hits();
    }

    /** Number of digest-cache lookups that had to classify. */
    public long cacheMisses() {
        return cache.misses();
    }

    /** Number of digests currently cached (approximate under concurrent use). */
    public int cachedDigests() {
        return cache.size();
    }

    /** The limits this classifier was built with. */
    public ClassifierLimits limits() {
        return limits;
    }

    /** The first jsqlparser calls take hundreds of milliseconds (class loading, interpreter); pay that here. */
    private static void warmUpParser() {
        String[] samples = {
            "SELECT a,b FROM t WHERE id=? AND c IN (?) ORDER BY a LIMIT ?",
            "SELECT COUNT(*) FROM t1 JOIN t2 ON t1.id=t2.id WHERE t2.x>? GROUP BY t1.y",
            "WITH c AS (SELECT id FROM t) SELECT * FROM c WHERE id=(SELECT MAX(id) FROM u)",
        };
        for (int i = 0; i < 20; i++) {
            for (String s : samples) {
                ParserCheck.check(s, 2, 0);
            }
        }
    }

    /** Classifies the single statement already normalized into {@code b}. */
    private Classification single(String sql, DigestBuffer b) {
        if ("SET".equals(b.firstKeyword)) {
            String digest = b.text();
            long id = b.id;
            EnumSet<Effect> effects = SetStatementRules.effects(sql, this::nested);
            return new Classification(Route.WRITE, effects, "SET", digest, id);
        }
        boolean cacheable = b.len <= limits.maxCachedDigestChars();
        if (cacheable) {
            Classification hit = cache.get(b);
            if (hit != null) {
                return hit;
            }
        }
        Classification c = rules.classify(b.text(), b.id);
        if (cacheable) {
            cache.put(c);
        }
        return c;
    }

    /** Classifies a statement found inside another (SET STATEMENT .. FOR stmt), without hint handling. */
    private Classification nested(String sql) {
        DigestBuffer b = buffers.get();
        DigestNormalizer.normalizeInto(sql, b);
        if (b.multiStatement) {
            return multi(sql, b);
        }
        return single(sql, b);
    }

    /** Splits at top-level semicolons and merges the statements' effects; the whole text routes to the writer. */
    private Classification multi(String sql, DigestBuffer b) {
        String digest = b.text();
        long id = b.id;
        EnumSet<Effect> effects = EnumSet.of(Effect.MULTI_STATEMENT);
        switch (CompoundStatements.kindOf(sql)) {
            case DEFINITION -> {
                return new Classification(Route.WRITE, effects, "CREATE", digest, id);
            }
            case BLOCK -> {
                effects.add(Effect.PIN_SESSION); // the block may do anything to the session
                return new Classification(Route.WRITE, effects, "COMPOUND", digest, id);
            }
            default -> {
            }
        }
        String type = null;
        int count = 0;
        SqlLexer lx = new SqlLexer().reset(sql);
        int pieceStart = 0;
        boolean more = true;
        while (more) {
            int t = lx.next();
            if (t != SqlLexer.SEMICOLON && t != SqlLexer.EOF) {
                continue;
            }
            more = t != SqlLexer.EOF;
            String piece = sql.substring(pieceStart, t == SqlLexer.EOF ? sql.length() : lx.start());
            pieceStart = lx.end();
            DigestNormalizer.normalizeInto(piece, b);
            if (b.len == 0) {
                continue;
            }
            if (++count > limits.maxStatements()) {
                effects.add(Effect.PIN_SESSION); // effects of the rest are unknown
                break;
            }
            Classification c = single(piece, b);
            effects.addAll(c.effects());
            if (type == null) {
                type = c.statementType();
            }
        }
        return new Classification(Route.WRITE, effects, type == null ? "UNKNOWN" : type, digest, id);
    }

    private static Classification applyHint(Classification base, RoutingHint hint) {
        return switch (hint) {
            case NONE -> base;
            case WRITER -> base.with(Route.WRITE, Effect.HINT);
            case READER -> base.with(readerHintAllowed(base) ? Route.READ : base.route(), Effect.HINT);
        };
    }

    private static boolean readerHintAllowed(Classification c) {
        if (!READER_HINT_TYPES.contains(c.statementType())) {
            return false;
        }
        for (Effect e : c.effects()) {
            if (e != Effect.UNPARSEABLE) {
                return false;
            }
        }
        return true;
    }
}
