package io.lintas.router.rules;

import java.util.List;

/** A list of query rules that cannot be compiled; the message names every problem with its rule_id. */
public final class InvalidQueryRuleException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    /** An exception listing {@code problems}, one line each. */
    public InvalidQueryRuleException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** An exception for a single problem. */
    public InvalidQueryRuleException(String problem) {
        this(List.of(problem));
    }

    /** Every problem found, in rule_id order, e.g. {@code rule_id 12: match_pattern '(' is not a valid regex: ..}. */
    public List<String> problems() {
        return problems;
    }
}
