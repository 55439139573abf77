package io.lintas.router.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An immutable, compiled list of ProxySQL-compatible query rules, shared by every event loop.
 *
 * <p>Evaluation follows ProxySQL's query processor: active rules in rule_id order, one forward pass, starting with
 * flag 0. A rule is considered only when its flagIN equals the current flag, its username and schemaname (when
 * set) equal the session's exactly, its match_digest is found in the digest text and its match_pattern in the
 * query text (both case-insensitive searches, not anchored; negate_match_pattern inverts both). On a match: the hit
 * counter counts it, flagOUT (when set) becomes the current flag, so only later rules with that flagIN are
 * considered; destination_hostgroup and error_msg (when set) replace earlier ones; replace_pattern rewrites the
 * first match of match_pattern, and later rules' match_pattern sees the rewritten text (match_digest always sees
 * the original digest); apply stops the evaluation.
 *
 * <p>Evaluation is cheap: regexes are compiled once, matchers are reused per thread, and a statement that no rule
 * matches allocates nothing. A search that backtracks out of control is cut off after a read budget proportional to
 * the text (as PCRE's match limit does for ProxySQL) and counts as no match; see {@link #regexAborts()}.
 */
public final class QueryRuleSet {
    /** Texts longer than this are released from the per-thread matchers after use, so they are not kept alive. */
    private static final int RETAIN_TEXT = 4096;

    /** No rules at all. */
    public static final QueryRuleSet EMPTY = new QueryRuleSet(List.of(), new CompiledRule[0]);

    private final List<QueryRule> rules;
    /** All rules in rule_id order, for hit lookups. */
    private final CompiledRule[] all;
    private final int[] ids;
    /** Active rules in rule_id order: what evaluate walks. */
    private final CompiledRule[] active;
    private final ThreadLocal<Scratch> scratch;
    private final LongAdder regexAborts = new LongAdder();

    /** Per-thread matchers (two per active rule: digest, query) and the bounded text they read. */
    private static final class Scratch {
        final Matcher[] matchers;
        final BoundedText text = new BoundedText();

        Scratch(Matcher[] matchers) {
            this.matchers = matchers;
        }
    }

    private QueryRuleSet(List<QueryRule> rules, CompiledRule[] all) {
        this.rules = rules;
        this.all = all;
        this.ids = new int[all.length];
        for (int i = 0; i < all.length; i++) {
            ids[i] = all[i].ruleId;
        }
        this.active = Arrays.stream(all).filter(r -> r.rule.active()).toArray(CompiledRule[]::new);
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(newMatchers()));
    }

    /**
     * Validates and compiles {@code rules} (any order). Every rule is checked, active or not, and every problem
     * is reported at once: rule_id not positive or repeated, flagIN/flagOUT/destination_hostgroup negative, a
     * match_digest or match_pattern that is not a valid regex, a replace_pattern without match_pattern or with
     * negate_match_pattern (it could never replace anything), a replace_pattern naming a group the pattern does
     * not have, an empty error_msg.
     */
    public static QueryRuleSet compile(List<QueryRule> rules) throws InvalidQueryRuleException {
        if (rules == null) {
            throw new InvalidQueryRuleException(List.of("the rule list is null"));
        }
        List<String> problems = new ArrayList<>();
        List<QueryRule> sorted = new ArrayList<>(rules.size());
        for (QueryRule r : rules) {
            if (r == null) {
                problems.add("a rule is null");
            } else {
                sorted.add(r);
            }
        }
        sorted.sort(Comparator.comparingInt(QueryRule::ruleId));
        Set<Integer> seen = new HashSet<>();
        CompiledRule[] compiled = new CompiledRule[sorted.size()];
        for (int i = 0; i < compiled.length; i++) {
            QueryRule r = sorted.get(i);
            if (!seen.add(r.ruleId())) {
                problems.add("rule_id " + r.ruleId() + ": duplicate rule_id");
            }
            compiled[i] = compileOne(r, problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidQueryRuleException(problems);
        }
        return compiled.length == 0 ? EMPTY : new QueryRuleSet(List.copyOf(sorted), compiled);
    }

    private static CompiledRule compileOne(QueryRule r, List<String> problems) {
        String at = "rule_id " + r.ruleId() + ": ";
        if (r.ruleId() < 1) {
            problems.add(at + "rule_id must be positive");
        }
        if (r.flagIn() < 0) {
            problems.add(at + "flagIN must not be negative (" + r.flagIn() + ")");
        }
        if (r.flagOut() != null && r.flagOut() < 0) {
            problems.add(at + "flagOUT must not be negative (" + r.flagOut() + ")");
        }
        if (r.destinationHostgroup() != null && r.destinationHostgroup() < 0) {
            problems.add(at + "destination_hostgroup must not be negative (" + r.destinationHostgroup() + ")");
        }
        if (r.timeout() != null && r.timeout() <= 0) {
            problems.add(at + "timeout must be positive milliseconds (" + r.timeout() + "); leave it out for no limit");
        }
        if (r.errorMsg() != null && r.errorMsg().isEmpty()) {
            problems.add(at + "error_msg is empty (leave it unset to let the query run)");
        }
        Pattern digest = regex(at, "match_digest", r.matchDigest(), problems);
        Pattern query = regex(at, "match_pattern", r.matchPattern(), problems);
        Replacement replacement = null;
        if (r.replacePattern() != null) {
            replacement = Replacement.parse(r.replacePattern());
            if (r.matchPattern() == null) {
                problems.add(at + "replace_pattern needs a match_pattern");
            } else if (r.negateMatchPattern()) {
                problems.add(at + "replace_pattern with negate_match_pattern can never replace anything");
            } else if (query != null && replacement.maxGroup() > query.matcher("").groupCount()) {
                problems.add(at + "replace_pattern refers to group " + replacement.maxGroup() + " but match_pattern '"
                        + r.matchPattern() + "' has " + query.matcher("").groupCount());
            }
        }
        return new CompiledRule(r, digest, query, replacement);
    }

    private static Pattern regex(String at, String field, String regex, List<String> problems) {
        if (regex == null) {
            return null;
        }
        try {
            // CASELESS is ProxySQL's default re_modifiers; like PCRE without UTF mode it folds ASCII letters only.
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            problems.add(at + field + " '" + regex + "' is not a valid regex: " + e.getDescription()
                    + " near index " + e.getIndex());
            return null;
        }
    }

    /**
     * Runs the active rules on one statement. {@code username} and {@code schema} are the session's (schema null
     * when none is selected); {@code digestText} is the classifier's digest (null is treated as empty).
     * Never throws; returns {@link RuleOutcome#NONE} when no rule matches.
     */
    public RuleOutcome evaluate(String username, String schema, String query, String digestText) {
        CompiledRule[] rs = active;
        if (rs.length == 0) {
            return RuleOutcome.NONE;
        }
        String original = query == null ? "" : query;
        String digest = digestText == null ? "" : digestText;
        Scratch sc = scratch.get();
        Matcher[] m = sc.matchers;
        String text = original;
        int flag = 0;
        int last = -1;
        Integer hostgroup = null;
        String error = null;
        Integer timeout = null;
        for (int i = 0; i < rs.length; i++) {
            CompiledRule r = rs[i];
            if (r.flagIn != flag
                    || (r.username != null && !r.username.equals(username))
                    || (r.schemaname != null && !r.schemaname.equals(schema))) {
                continue;
            }
            if (r.digestPattern != null && !matches(m[2 * i], sc.text, digest, r.negate)) {
                continue;
            }
            Matcher qm = m[2 * i + 1];
            if (r.queryPattern != null && !matches(qm, sc.text, text, r.negate)) {
                continue;
            }
            r.hits.increment();
            last = r.ruleId;
            if (r.flagOut >= 0) {
                flag = r.flagOut;
            }
            if (r.destinationHostgroup != null) {
                hostgroup = r.destinationHostgroup;
            }
            if (r.errorMsg != null) {
                error = r.errorMsg;
            }
            if (r.timeout != null) {
                timeout = r.timeout;
            }
            if (r.replacement != null) {
                text = r.replacement.apply(qm, text); // qm holds the first match: negate is excluded by compile
            }
            if (r.apply) {
                break;
            }
        }
        if (original.length() > RETAIN_TEXT || text.length() > RETAIN_TEXT) {
            release(m);
            sc.text.with("");
        }
        if (last < 0) {
            return RuleOutcome.NONE;
        }
        return new RuleOutcome(last, hostgroup, error, text.equals(original) ? null : text, timeout);
    }

    /**
     * Whether the rule's pattern, read through the bounded text, decides a match ({@code negate} inverts). A pattern
     * that spends its read budget (runaway backtracking) decides "no match" whatever {@code negate} says, and is
     * counted in {@link #regexAborts()}.
     */
    private boolean matches(Matcher m, BoundedText bounded, String s, boolean negate) {
        try {
            return m.reset(bounded.with(s)).find() != negate;
        } catch (BoundedText.Exhausted e) {
            regexAborts.increment();
            return false;
        }
    }

    /** Pattern searches abandoned because they read too much of the text (see {@link BoundedText}). */
    public long regexAborts() {
        return regexAborts.sum();
    }

    /** Whether no rule is active, so {@link #evaluate} always returns {@link RuleOutcome#NONE}. */
    public boolean isEmpty() {
        return active.length == 0;
    }

    /** Every rule, active or not, in rule_id order. */
    public List<QueryRule> rules() {
        return rules;
    }

    /** How many statements rule {@code ruleId} has matched since this set was compiled; 0 for an unknown id. */
    public long hits(int ruleId) {
        int i = Arrays.binarySearch(ids, ruleId);
        return i < 0 ? 0 : all[i].hits.sum();
    }

    /** Hits of every rule (inactive ones stay 0), in rule_id order: the data of stats_mysql_query_rules. */
    public Map<Integer, Long> hits() {
        Map<Integer, Long> m = new LinkedHashMap<>();
        for (CompiledRule r : all) {
            m.put(r.ruleId, r.hits.sum());
        }
        return m;
    }

    private Matcher[] newMatchers() {
        Matcher[] m = new Matcher[2 * active.length];
        for (int i = 0; i < active.length; i++) {
            CompiledRule r = active[i];
            m[2 * i] = r.digestPattern == null ? null : r.digestPattern.matcher("");
            m[2 * i + 1] = r.queryPattern == null ? null : r.queryPattern.matcher("");
        }
        return m;
    }

    private static void release(Matcher[] m) {
        for (Matcher x : m) {
            if (x != null) {
                x.reset("");
            }
        }
    }

    @Override
    public String toString() {
        return "QueryRuleSet[" + all.length + " rules, " + active.length + " active]";
    }
}
