package io.lintas.router;

import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.util.TablesNamesFinder;

import java.util.List;

/**
 * Second opinion from jsqlparser on a SELECT-family digest: is it really a query, and does every function it
 * calls anywhere (select list, joins, subqueries, CTEs) keep it on a reader?
 *
 * <p>jsqlparser is slow (its generated methods are too big for the JIT: 0.2 to 2 ms for an ordinary query) and
 * backtracks exponentially on nesting when a statement does not parse (seconds at four levels). So it runs only
 * on a digest-cache miss, on the calling thread, after the caller has bounded length and depth, and under a
 * wall-clock budget enforced by {@link ParseWatchdog}. Every Throwable, including StackOverflowError and
 * jsqlparser's TokenMgrError, and an expired budget are reported as {@link Outcome#FAILED}. Like
 * {@code CCJSqlParserUtil.parse}, the cheap grammar is tried first and the backtracking one only for shallow
 * statements.
 */
final class ParserCheck {
    /** jsqlparser's own limit for its expensive "complex" parsing mode. */
    private static final int COMPLEX_PARSING_MAX_DEPTH = 10;

    /** What the parser found. */
    enum Outcome {
        /** A query that calls only functions safe on a reader. */
        SAFE_SELECT,
        /** A query that calls a writer-only or unknown function, or a sequence. */
        UNSAFE_SELECT,
        /** Parsed, but not a query (e.g. a CTE feeding UPDATE or DELETE). */
        NOT_SELECT,
        /** jsqlparser could not parse or walk it. */
        FAILED
    }

    private ParserCheck() {
    }

    /**
     * Parses {@code sql} (a digest in parseable form) and checks it; never throws.
     *
     * @param depth        parenthesis depth of {@code sql}
     * @param budgetMillis wall-clock budget; when it runs out the parse is aborted and reported as FAILED
     */
    static Outcome check(String sql, int depth, long budgetMillis) {
        ParseWatchdog.Ticket ticket = ParseWatchdog.arm(budgetMillis);
        try {
            Statement st = parse(sql, depth, ticket);
            if (st == null) {
                return Outcome.FAILED;
            }
            if (!(st instanceof Select)) {
                return Outcome.NOT_SELECT;
            }
            FunctionFinder finder = new FunctionFinder();
            finder.getTables(st);
            return finder.unsafe ? Outcome.UNSAFE_SELECT : Outcome.SAFE_SELECT;
        } catch (Throwable e) { // NOPMD: parser bugs and stack overflows must not reach the event loop
            return Outcome.FAILED;
        } finally {
            ticket.disarm();
        }
    }

    private static Statement parse(String sql, int depth, ParseWatchdog.Ticket ticket) {
        try {
            return ticket.watch(newParser(sql, false)).Statement();
        } catch (Exception | Error simpleFailed) {
            if (depth > COMPLEX_PARSING_MAX_DEPTH || ticket.expired() || simpleFailed instanceof VirtualMachineError) {
                return null;
            }
        }
        try {
            return ticket.watch(newParser(sql, true)).Statement();
        } catch (Exception | Error complexFailed) {
            return null;
        }
    }

    private static CCJSqlParser newParser(String sql, boolean complex) {
        return CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(complex);
    }

    /** Walks the whole statement and notes any call that is not a known reader-safe built-in. */
    private static final class FunctionFinder extends TablesNamesFinder<Void> {
        boolean unsafe;

        @Override
        public <S> Void visit(Function function, S context) {
            List<String> parts = function.getMultipartName();
            String name = function.getName();
            if ((parts != null && parts.size() > 1) || name == null || name.indexOf('`') >= 0
                    || FunctionCatalog.kindOf(name) != FunctionCatalog.Kind.SAFE) {
                unsafe = true;
            }
            return super.visit(function, context);
        }

        @Override
        public <S> Void visit(NextValExpression expression, S context) {
            unsafe = true;
            return super.visit(expression, context);
        }
    }
}
