package io.lintas.router.stats;

/**
 * One row of statement statistics, as ProxySQL's {@code stats_mysql_query_digest}: one per (hostgroup, schema,
 * user, digest). Times are in microseconds, first_seen and last_seen in seconds since the epoch.
 *
 * @param digest     the digest id as {@code 0x%016X}, as ProxySQL prints it
 * @param digestText the digest text, truncated to {@link DigestStats#MAX_DIGEST_TEXT} characters
 */
public record DigestRow(int hostgroup, String schemaname, String username, String digest, String digestText,
                        long countStar, long firstSeen, long lastSeen, long sumTimeUs, long minTimeUs,
                        long maxTimeUs) {
}
