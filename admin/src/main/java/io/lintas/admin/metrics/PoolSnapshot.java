package io.lintas.admin.metrics;

/**
 * One node's pool counters at scrape time, as the pool's {@code PoolStats} reports them.
 *
 * @param used    connections lent right now
 * @param free    idle connections
 * @param pending connections being opened or pinged
 * @param waiting requests queued for a connection
 * @param opened  connections opened and logged in since start
 * @param failed  failed attempts to open one since start
 * @param queueTimeouts requests that gave up waiting since start
 */
public record PoolSnapshot(long used, long free, long pending, long waiting, long opened, long failed, long queueTimeouts) {
    /** A pool with nothing in it. */
    public static final PoolSnapshot EMPTY = new PoolSnapshot(0, 0, 0, 0, 0, 0, 0);
}
