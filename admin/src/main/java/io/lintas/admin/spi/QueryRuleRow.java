package io.lintas.admin.spi;

/**
 * One row of {@code mysql_query_rules}, restricted to the columns Lintas acts on. The admin interface refuses
 * to load rules that set any other ProxySQL column (cache_ttl, mirror_hostgroup, …), so nothing is silently
 * ignored.
 *
 * @param digest      exact digest to match ({@code 0x…}), or null
 * @param matchDigest regular expression on the digest text, or null
 * @param matchPattern regular expression on the query text, or null
 * @param reModifiers ProxySQL's regex flags, e.g. {@code CASELESS}
 * @param destinationHostgroup hostgroup to route to, or null to leave routing alone
 * @param errorMsg    when set, the statement is refused with this message
 * @param timeout     milliseconds after which a matching statement is interrupted on its node, or null
 */
public record QueryRuleRow(int ruleId, boolean active, String username, String schemaname, String digest,
                           String matchDigest, String matchPattern, boolean negateMatchPattern, String reModifiers,
                           Integer destinationHostgroup, String errorMsg, boolean apply, String comment, Integer timeout) {
    /** A row without a statement timeout. */
    public QueryRuleRow(int ruleId, boolean active, String username, String schemaname, String digest,
                        String matchDigest, String matchPattern, boolean negateMatchPattern, String reModifiers,
                        Integer destinationHostgroup, String errorMsg, boolean apply, String comment) {
        this(ruleId, active, username, schemaname, digest, matchDigest, matchPattern, negateMatchPattern, reModifiers,
            destinationHostgroup, errorMsg, apply, comment, null);
    }
}
