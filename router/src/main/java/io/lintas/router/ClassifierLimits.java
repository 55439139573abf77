package io.lintas.router;

/**
 * Bounds that keep classification cheap and memory-bounded on an event loop.
 *
 * @param cacheEntries         digest cache capacity; 0 disables the cache
 * @param cacheChars           digest characters the cache may hold in all (about 3 bytes each)
 * @param maxCachedDigestChars longer digests are classified every time instead of being cached
 * @param maxParseChars        longer digests skip jsqlparser and use the keyword scan alone
 * @param maxParseDepth        digests nested deeper (parentheses) skip jsqlparser, whose recursion and
 *                             backtracking grow with depth
 * @param maxStatements        a multi-statement text with more statements is classified without looking past
 *                             this many, and gets PIN_SESSION because its effects are not all known
 * @param parseBudgetMillis    wall-clock budget of one jsqlparser check; an aborted check counts as
 *                             UNPARSEABLE; 0 turns jsqlparser off (keyword scan only)
 */
public record ClassifierLimits(int cacheEntries, long cacheChars, int maxCachedDigestChars, int maxParseChars,
                               int maxParseDepth, int maxStatements, long parseBudgetMillis) {

    /**
     * 10,000 cached digests of up to 4 KiB, 4 Mi characters in all (about 12 MiB); jsqlparser for digests up to
     * 16 KiB and 8 levels deep, 25 ms each; 64 statements per text.
     */
    public static final ClassifierLimits DEFAULTS =
            new ClassifierLimits(10_000, 4L << 20, 4096, 16 * 1024, 8, 64, 25);

    /** Rejects negative bounds (zero cache size or budget is allowed and turns that part off). */
    public ClassifierLimits {
        if (cacheEntries < 0 || cacheChars < 0 || maxCachedDigestChars < 0 || maxParseChars < 0 || maxParseDepth < 0
                || maxStatements < 1 || parseBudgetMillis < 0) {
            throw new IllegalArgumentException("invalid classifier limits");
        }
    }

    /** The same limits with another cache capacity. */
    public ClassifierLimits withCacheEntries(int entries) {
        return new ClassifierLimits(entries, cacheChars, maxCachedDigestChars, maxParseChars, maxParseDepth,
                maxStatements, parseBudgetMillis);
    }

    /** The same limits with another parse budget. */
    public ClassifierLimits withParseBudgetMillis(long millis) {
        return new ClassifierLimits(cacheEntries, cacheChars, maxCachedDigestChars, maxParseChars, maxParseDepth,
                maxStatements, millis);
    }
}
