package io.lintas.router;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The routing decision for one statement.
 *
 * @param route         where the statement may run
 * @param effects       what the statement does to the session (immutable)
 * @param statementType short upper-case statement kind for statistics (SELECT, INSERT, SET, ...), from a fixed
 *                      vocabulary so that garbage input cannot create unbounded metric labels
 * @param digestText    the normalized statement text (see {@link DigestNormalizer})
 * @param digestId      XXH64 of {@code digestText}
 */
public record Classification(Route route, Set<Effect> effects, String statementType, String digestText,
                             long digestId) {

    /** Copies {@code effects} into an immutable set so a cached instance can be shared between threads. */
    public Classification {
        EnumSet<Effect> copy = EnumSet.noneOf(Effect.class);
        copy.addAll(effects);
        effects = Collections.unmodifiableSet(copy);
    }

    /** Whether the statement has the given effect. */
    public boolean has(Effect effect) {
        return effects.contains(effect);
    }

    /** Whether the statement may run on a reader node. */
    public boolean isRead() {
        return route == Route.READ;
    }

    /** The digest id as ProxySQL prints it. */
    public String digestHex() {
        return Digests.hex(digestId);
    }

    /** A copy with another route and one more effect; used to apply hints without touching the cached value. */
    Classification with(Route newRoute, Effect extra) {
        EnumSet<Effect> e = EnumSet.noneOf(Effect.class);
        e.addAll(effects);
        e.add(extra);
        return new Classification(newRoute, e, statementType, digestText, digestId);
    }
}
