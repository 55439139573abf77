package io.lintas.router.rules;

/**
 * One row of ProxySQL's {@code mysql_query_rules}, with the same field names and meanings; a null field is not set
 * (NULL in ProxySQL). Plain data: {@link QueryRuleSet#compile} validates and compiles a list of them.
 *
 * @param ruleId               unique, positive; rules are evaluated in ascending rule_id order
 * @param active               inactive rules are validated and listed but never evaluated
 * @param username             matches only this client user (exact); null or empty matches every user
 * @param schemaname           matches only this current schema (exact); null or empty matches every schema
 * @param flagIn               the rule is considered only while the current flag equals this (evaluation starts at 0)
 * @param flagOut              on a match the current flag becomes this
 * @param matchDigest          regex searched in the digest text, case-insensitive
 * @param matchPattern         regex searched in the query text (as rewritten by earlier rules), case-insensitive
 * @param negateMatchPattern   the rule matches when match_digest / match_pattern do <em>not</em> match
 * @param replacePattern       rewrites the first match of match_pattern; {@code \1} or {@code $1} insert a group
 * @param destinationHostgroup on a match the query goes to this hostgroup
 * @param errorMsg             on a match the client gets this error and nothing runs
 * @param apply                on a match no further rule is evaluated
 * @param comment              free text
 * @param timeout              on a match, a statement still running after this many milliseconds is interrupted on
 *                             its node (KILL QUERY)
 */
public record QueryRule(int ruleId, boolean active, String username, String schemaname, int flagIn, Integer flagOut,
                        String matchDigest, String matchPattern, boolean negateMatchPattern, String replacePattern,
                        Integer destinationHostgroup, String errorMsg, boolean apply, String comment, Integer timeout) {

    /** A rule without a statement timeout. */
    public QueryRule(int ruleId, boolean active, String username, String schemaname, int flagIn, Integer flagOut,
                     String matchDigest, String matchPattern, boolean negateMatchPattern, String replacePattern,
                     Integer destinationHostgroup, String errorMsg, boolean apply, String comment) {
        this(ruleId, active, username, schemaname, flagIn, flagOut, matchDigest, matchPattern, negateMatchPattern,
            replacePattern, destinationHostgroup, errorMsg, apply, comment, null);
    }
}
