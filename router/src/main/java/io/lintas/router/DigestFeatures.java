package io.lintas.router;

import java.util.Locale;
import java.util.Set;

/**
 * Everything the routing rules need to know about a digest, gathered in one pass of {@link SqlLexer} over it.
 *
 * <p>Works on digest text, where literals are already {@code ?} and comments are gone, so a keyword found here
 * is really a keyword, and a word glued to {@code (} is a call (see {@link KeywordTable}). Because the input is
 * the digest, the result is a pure function of the digest, which is what makes caching by digest exact.
 */
final class DigestFeatures {
    private static final int MAX_WORDS = 12;
    private static final Set<String> STATEMENT_KEYWORDS =
            Set.of("SELECT", "UPDATE", "DELETE", "INSERT", "REPLACE", "VALUES", "TABLE");
    /** System variables whose value belongs to the previous statement of this session. */
    private static final Set<String> LAST_STATEMENT_VARIABLES =
            Set.of("identity", "last_insert_id", "insert_id", "warning_count", "error_count", "last_gtid");

    /** Upper-cased words in order of appearance, ignoring parentheses (at most {@value #MAX_WORDS}). */
    final String[] words = new String[MAX_WORDS];
    int wordCount;
    /** Whether the first token other than {@code (} is a word (else the statement is not recognisable). */
    boolean startsWithWord;
    /** For a statement that starts with WITH: the statement keyword after the CTE list, or null. */
    String withMain;

    boolean forUpdate;
    boolean shareLock;
    boolean into;
    boolean intoUserVariable;
    boolean assignment;
    boolean calcFoundRows;
    boolean sequence;
    boolean lastStatementVariable;
    boolean writeFunction;
    boolean pinFunction;
    boolean unknownFunction;
    boolean readOnly;
    boolean readLock;
    boolean forExport;
    boolean andChain;
    boolean andNoChain;
    boolean hasTo;
    boolean semicolon;
    int maxDepth;

    private DigestFeatures() {
    }

    /** The i-th word, or "" past the end. */
    String word(int i) {
        return i < wordCount ? words[i] : "";
    }

    /** Whether {@code w} is among the first {@code n} words. */
    boolean hasWord(String w, int n) {
        for (int i = 0; i < Math.min(n, wordCount); i++) {
            if (words[i].equals(w)) {
                return true;
            }
        }
        return false;
    }

    /** Scans a digest. */
    static DigestFeatures scan(String digest) {
        DigestFeatures f = new DigestFeatures();
        new Scanner(f).run(digest);
        return f;
    }

    /** The single pass; a separate class so its cursor state does not leak into the result object. */
    private static final class Scanner {
        private final DigestFeatures f;
        private final SqlLexer lx = new SqlLexer();
        private int depth;
        private boolean withActive;
        private boolean afterInto;
        private String prev = "";
        private String prev2 = "";
        private int prevType = SqlLexer.EOF;
        private boolean sawFirst;
        private int prevPrevType = SqlLexer.EOF;

        Scanner(DigestFeatures f) {
            this.f = f;
        }

        void run(String digest) {
            lx.reset(digest);
            int t;
            while ((t = lx.next()) != SqlLexer.EOF) {
                boolean glued = lx.glued();
                if (!sawFirst && t != SqlLexer.LPAREN) {
                    sawFirst = true;
                    f.startsWithWord = t == SqlLexer.WORD;
                }
                if (afterInto) {
                    afterInto = false;
                    if (t == SqlLexer.VARIABLE && lx.length() > 1 && lx.charAt(1) != '@') {
                        f.intoUserVariable = true;
                    }
                }
                switch (t) {
                    case SqlLexer.WORD -> word(glued);
                    case SqlLexer.LPAREN -> {
                        if (glued && (prevType == SqlLexer.WORD || prevType == SqlLexer.QUOTED_IDENT)) {
                            call();
                        }
                        depth++;
                        f.maxDepth = Math.max(f.maxDepth, depth);
                    }
                    case SqlLexer.RPAREN -> depth = Math.max(0, depth - 1);
                    case SqlLexer.VARIABLE -> variable();
                    case SqlLexer.OPERATOR -> {
                        if (lx.length() == 2 && lx.charAt(0) == ':' && lx.charAt(1) == '=') {
                            f.assignment = true;
                        }
                    }
                    case SqlLexer.SEMICOLON -> f.semicolon = true;
                    default -> {
                    }
                }
                prevPrevType = prevType;
                prevType = t;
                if (t != SqlLexer.WORD) {
                    // Word pairs such as FOR UPDATE must be adjacent tokens.
                    shiftWords("");
                }
            }
        }

        private void word(boolean glued) {
            String w = upper();
            if (f.wordCount < MAX_WORDS) {
                f.words[f.wordCount++] = w;
            }
            if (depth == 0) {
                if (w.equals("WITH") && f.withMain == null && !withActive && startsStatement()) {
                    withActive = true;
                } else if (withActive && STATEMENT_KEYWORDS.contains(w)) {
                    f.withMain = w;
                    withActive = false;
                }
            }
            if (prevType == SqlLexer.DOT && glued && (w.equals("NEXTVAL") || w.equals("CURRVAL"))) {
                f.sequence = true;
                // s.nextval: the session's last value of s now lives on this connection (as NEXTVAL(s)).
                f.pinFunction |= w.equals("NEXTVAL");
            }
            switch (w) {
                case "UPDATE" -> f.forUpdate |= prev.equals("FOR");
                case "SHARE" -> f.shareLock |= prev.equals("FOR") || (prev.equals("IN") && prev2.equals("LOCK"));
                case "INTO" -> {
                    f.into = true;
                    afterInto = true;
                }
                case "SQL_CALC_FOUND_ROWS" -> f.calcFoundRows = true;
                case "FOR" -> {
                    f.sequence |= prev.equals("VALUE") && (prev2.equals("NEXT") || prev2.equals("PREVIOUS"));
                    f.pinFunction |= prev.equals("VALUE") && prev2.equals("NEXT");
                }
                case "ONLY" -> f.readOnly |= prev.equals("READ");
                case "LOCK" -> f.readLock |= prev.equals("READ");
                case "EXPORT" -> f.forExport |= prev.equals("FOR");
                case "CHAIN" -> {
                    if (prev.equals("NO") && prev2.equals("AND")) {
                        f.andNoChain = true;
                    } else if (prev.equals("AND")) {
                        f.andChain = true;
                    }
                }
                case "TO" -> f.hasTo = true;
                default -> {
                }
            }
            shiftWords(w);
        }

        /** WITH opens a CTE list only at the start of a statement, possibly after EXPLAIN and its options. */
        private boolean startsStatement() {
            for (int i = 0; i < f.wordCount - 1; i++) {
                if (!isExplainWord(f.words[i])) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isExplainWord(String w) {
            return switch (w) {
                case "EXPLAIN", "DESCRIBE", "DESC", "EXTENDED", "PARTITIONS", "ANALYZE", "FORMAT", "JSON",
                     "TRADITIONAL", "TREE" -> true;
                default -> false;
            };
        }

        private void call() {
            if (depth == 0 && withActive) {
                return; // WITH cte(a, b) AS (...): a column list, not a call
            }
            if (prev2.equals("AS")) {
                return; // derived-table column list: AS dt(a, b)
            }
            if (prevType == SqlLexer.QUOTED_IDENT || prevPrevType == SqlLexer.DOT) {
                f.unknownFunction = true; // `f`(..) or db.f(..): a stored function
                return;
            }
            switch (FunctionCatalog.kindOf(prev)) {
                case PIN -> f.pinFunction = true;
                case WRITE -> f.writeFunction = true;
                case UNKNOWN -> f.unknownFunction = true;
                default -> {
                }
            }
        }

        private void variable() {
            if (lx.length() < 3 || lx.charAt(0) != '@' || lx.charAt(1) != '@') {
                return;
            }
            String name = lx.source().substring(lx.start() + 2, lx.end()).toLowerCase(Locale.ROOT);
            if (name.startsWith("session.")) {
                name = name.substring(8);
            } else if (name.startsWith("local.")) {
                name = name.substring(6);
            }
            if (LAST_STATEMENT_VARIABLES.contains(name)) {
                f.lastStatementVariable = true;
            }
        }

        private String upper() {
            int slot = lx.keyword();
            return slot >= 0 ? KeywordTable.canonical(slot) : lx.text().toUpperCase(Locale.ROOT);
        }

        private void shiftWords(String w) {
            prev2 = prev;
            prev = w;
        }
    }
}
