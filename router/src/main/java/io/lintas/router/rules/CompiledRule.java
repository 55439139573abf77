package io.lintas.router.rules;

import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/** A validated rule with its regexes compiled once, and its hit counter. */
final class CompiledRule {
    final QueryRule rule;
    final int ruleId;
    final int flagIn;
    /** -1 when flagOUT is not set. */
    final int flagOut;
    /** Null or empty in the rule means "any": both become null here. */
    final String username;
    final String schemaname;
    final Pattern digestPattern;
    final Pattern queryPattern;
    final boolean negate;
    final Replacement replacement;
    final Integer destinationHostgroup;
    final String errorMsg;
    final Integer timeout;
    final boolean apply;
    /** Incremented on every match, even when a later rule decides; as in ProxySQL's stats_mysql_query_rules. */
    final LongAdder hits = new LongAdder();

    CompiledRule(QueryRule rule, Pattern digestPattern, Pattern queryPattern, Replacement replacement) {
        this.rule = rule;
        this.ruleId = rule.ruleId();
        this.flagIn = rule.flagIn();
        this.flagOut = rule.flagOut() == null ? -1 : rule.flagOut();
        this.username = emptyToNull(rule.username());
        this.schemaname = emptyToNull(rule.schemaname());
        this.digestPattern = digestPattern;
        this.queryPattern = queryPattern;
        this.negate = rule.negateMatchPattern();
        this.replacement = replacement;
        this.destinationHostgroup = rule.destinationHostgroup();
        this.errorMsg = rule.errorMsg();
        this.timeout = rule.timeout();
        this.apply = rule.apply();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
