package io.lintas.router.rules;

/**
 * What the query rules decided for one statement. Null fields were not set by any matching rule.
 *
 * @param lastMatchedRuleId    rule_id of the last rule that matched, or -1 if none did
 * @param destinationHostgroup hostgroup set by the last matching rule that had one
 * @param errorMessage         answer the client with this error and run nothing
 * @param rewrittenQuery       the query text after replace_pattern rewrites; null when the text is unchanged
 * @param timeoutMs            interrupt the statement on its node after this many milliseconds; null for no limit
 */
public record RuleOutcome(int lastMatchedRuleId, Integer destinationHostgroup, String errorMessage,
                          String rewrittenQuery, Integer timeoutMs) {

    /** No rule matched. */
    public static final RuleOutcome NONE = new RuleOutcome(-1, null, null, null, null);

    /** An outcome without a statement timeout. */
    public RuleOutcome(int lastMatchedRuleId, Integer destinationHostgroup, String errorMessage, String rewrittenQuery) {
        this(lastMatchedRuleId, destinationHostgroup, errorMessage, rewrittenQuery, null);
    }

    /** Whether any rule matched. */
    public boolean matched() {
        return lastMatchedRuleId >= 0;
    }
}
