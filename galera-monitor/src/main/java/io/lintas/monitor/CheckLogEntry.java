package io.lintas.monitor;

import java.time.Instant;
import java.util.Objects;

/**
 * One check of one node, as kept for the admin interface's ping log.
 *
 * @param at     when the result was known
 * @param node   the node checked
 * @param result what the check found
 */
public record CheckLogEntry(Instant at, BackendNode node, CheckResult result) {
    public CheckLogEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(result, "result");
    }

    /** True when the check succeeded. */
    public boolean ok() {
        return result instanceof CheckResult.Success;
    }
}
