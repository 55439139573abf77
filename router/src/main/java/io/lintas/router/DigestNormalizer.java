package io.lintas.router;

import java.util.Locale;

/**
 * Turns SQL text into ProxySQL-style digest text in one pass over the input, without regular expressions.
 *
 * <ul>
 *   <li>String, numeric, hex and bit literals (with a unary sign) and {@code ?} placeholders become {@code ?};
 *       NULL, TRUE and FALSE stay keywords.</li>
 *   <li>A parenthesised list of two or more literals that is not the argument list of a call becomes
 *       {@code (?,...)} ({@code IN (?,...)}); repeated literal rows {@code VALUES (?,?),(?,?)} become
 *       {@code VALUES (?,...),...}. Lengths and precisions of types stay: {@code DECIMAL(10,2)}.</li>
 *   <li>Comments are dropped; the body of a version comment ({@code /*!50000 .. *}{@code /},
 *       {@code /*M!100100 .. *}{@code /}) is kept as code.</li>
 *   <li>Known keywords and built-in function names are upper-cased; other identifiers, backtick identifiers
 *       and variables are kept as written.</li>
 *   <li>Whitespace is rebuilt from the tokens: one space between words, none around punctuation and
 *       operators except next to clause keywords ({@code SELECT *}, {@code IN (?,...)}), so the same statement
 *       always has the same digest however it was typed.</li>
 * </ul>
 *
 * <p>The digest id is XXH64 with seed 0 of the UTF-8 bytes of the digest text (see {@link XxHash64}).
 * The digest text never contains a sequence that re-lexes as a comment, so it can be lexed again safely.
 */
public final class DigestNormalizer {
    static final int C_NONE = 0;
    static final int C_WORD = 1;
    static final int C_OPEN = 2;
    static final int C_CLOSE = 3;
    static final int C_COMMA = 4;
    static final int C_DOT = 5;
    static final int C_SEMI = 6;
    static final int C_OP = 7;

    private static final int MAX_FIRST_KEYWORD = 64;

    private DigestNormalizer() {
    }

    /** Normalizes {@code sql} (null is treated as empty). */
    public static NormalizedQuery normalize(String sql) {
        DigestBuffer b = new DigestBuffer();
        normalizeInto(sql == null ? "" : sql, b);
        return new NormalizedQuery(b.text(), b.id, b.firstKeyword, b.multiStatement, b.hint);
    }

    /** Normalizes {@code sql} into {@code b}, leaving the digest, its id and the flags there. */
    static void normalizeInto(String sql, DigestBuffer b) {
        b.reset();
        SqlLexer lx = b.lexer.reset(sql);
        boolean pendingSemicolon = false;
        boolean sawStatementToken = false;
        int t;
        while ((t = lx.next()) != SqlLexer.EOF) {
            if (t == SqlLexer.SEMICOLON) {
                pendingSemicolon = sawStatementToken;
                continue;
            }
            if (pendingSemicolon) {
                pendingSemicolon = false;
                b.multiStatement = true;
                b.signPos = -1;
                b.depth = 0;
                b.templateStart = -1;
                b.collapsedEnd = -1;
                emit(b, ';', C_SEMI);
            }
            sawStatementToken = true;
            if (b.signPos >= 0) {
                if (t == SqlLexer.NUMBER) {
                    foldSign(b);
                } else {
                    b.signPos = -1;
                    b.markNonLiteral();
                }
            }
            if (b.firstKeyword == null && t != SqlLexer.LPAREN) {
                b.firstKeyword = t == SqlLexer.WORD ? firstWord(lx) : "";
            }
            boolean typeBefore = b.prevType;
            b.prevType = false;
            boolean variableBefore = b.prevVariable;
            b.prevVariable = t == SqlLexer.VARIABLE;
            switch (t) {
                case SqlLexer.WORD -> word(b, lx);
                case SqlLexer.QUOTED_IDENT, SqlLexer.VARIABLE -> {
                    space(b, C_WORD, false);
                    b.append(lx.chars(), lx.start(), lx.end());
                    after(b, C_WORD, false);
                }
                case SqlLexer.STRING, SqlLexer.PARAM -> literal(b);
                case SqlLexer.NUMBER -> {
                    if (b.depth > 0 && b.groupTypeArgs[b.depth - 1]) {
                        space(b, C_WORD, false);
                        separateFromLoneDot(b, lx);
                        b.append(lx.chars(), lx.start(), lx.end()); // DECIMAL(10,2): precision, not a value
                        after(b, C_WORD, false);
                    } else {
                        literal(b);
                    }
                }
                case SqlLexer.LPAREN -> {
                    boolean call = b.prevClass == C_WORD && !b.prevClause;
                    boolean typeArgs = typeBefore;
                    space(b, C_OPEN, false);
                    b.markNonLiteral();
                    b.pushGroup(b.len, !call, typeArgs);
                    b.append('(');
                    b.prevClass = C_OPEN;
                    b.prevClause = false;
                }
                case SqlLexer.RPAREN -> close(b);
                case SqlLexer.COMMA -> emit(b, ',', C_COMMA);
                case SqlLexer.DOT -> {
                    b.markNonLiteral();
                    if (variableBefore) {
                        b.append(' '); // "@x.y" would re-lex as one variable
                    }
                    emit(b, '.', C_DOT);
                }
                default -> operator(b, lx);
            }
        }
        if (b.firstKeyword == null) {
            b.firstKeyword = "";
        }
        b.hint = lx.hint();
        b.id = b.hash();
    }

    private static String firstWord(SqlLexer lx) {
        int slot = lx.keyword();
        if (slot >= 0) {
            return KeywordTable.canonical(slot);
        }
        int end = Math.min(lx.end(), lx.start() + MAX_FIRST_KEYWORD);
        return lx.source().substring(lx.start(), end).toUpperCase(Locale.ROOT);
    }

    private static void word(DigestBuffer b, SqlLexer lx) {
        int slot = lx.keyword();
        boolean clause = slot >= 0 && KeywordTable.isClause(slot);
        space(b, C_WORD, clause);
        separateFromLoneDot(b, lx);
        if (slot >= 0) {
            b.appendAscii(KeywordTable.chars(slot));
        } else {
            b.append(lx.chars(), lx.start(), lx.end());
        }
        after(b, C_WORD, clause);
        b.prevType = slot >= 0 && KeywordTable.isType(slot);
    }

    /**
     * A token starting with a digit right after a dot that does not follow a name would re-lex as a number
     * ({@code .9}); a space keeps the digest stable under re-lexing.
     */
    private static void separateFromLoneDot(DigestBuffer b, SqlLexer lx) {
        char c = lx.charAt(0);
        if (c < '0' || c > '9' || b.last() != '.') {
            return;
        }
        char before = b.len >= 2 ? b.out[b.len - 2] : '\0';
        if (!(SqlLexer.isIdentPart(before) || before == '`' || before == ')')) {
            b.append(' ');
        }
    }

    private static void literal(DigestBuffer b) {
        space(b, C_WORD, false);
        b.append('?');
        b.prevClass = C_WORD;
        b.prevClause = false;
        if (b.depth > 0) {
            b.groupItems[b.depth - 1]++;
        }
    }

    private static void operator(DigestBuffer b, SqlLexer lx) {
        boolean sign = lx.length() == 1 && (lx.charAt(0) == '-' || lx.charAt(0) == '+') && unaryPosition(b);
        if (sign) {
            b.signPos = b.len;
            b.signPrevClass = b.prevClass;
            b.signPrevClause = b.prevClause;
            b.signGroupLiteral = b.depth > 0 && b.groupLiteral[b.depth - 1];
        } else {
            b.markNonLiteral();
        }
        space(b, C_OP, false);
        // Keep "--", "/*" and "*/" from forming when operators meet, so the digest re-lexes to the same tokens.
        char first = lx.charAt(0);
        char last = b.last();
        if ((last == '-' && first == '-') || (last == '/' && first == '*') || (last == '*' && first == '/')
                || ((first == '-' || first == '+') && endsWithDigitLedE(b))) {
            b.append(' '); // nor "1e-5" from the identifier 1e and a minus
        }
        b.append(lx.chars(), lx.start(), lx.end());
        b.prevClass = C_OP;
        b.prevClause = false;
    }

    /** Whether the output ends with an identifier such as {@code 1e} that starts with a digit and ends in e. */
    private static boolean endsWithDigitLedE(DigestBuffer b) {
        char last = b.last();
        if (last != 'e' && last != 'E' || b.prevClass != C_WORD) {
            return false;
        }
        int i = b.len - 1;
        while (i > 0 && SqlLexer.isIdentPart(b.out[i - 1])) {
            i--;
        }
        return b.out[i] >= '0' && b.out[i] <= '9';
    }

    /** A sign directly before a number is part of the literal when no operand precedes it. */
    private static boolean unaryPosition(DigestBuffer b) {
        int p = b.prevClass;
        return p == C_NONE || p == C_OPEN || p == C_COMMA || p == C_OP || p == C_SEMI
                || (p == C_WORD && b.prevClause);
    }

    private static void foldSign(DigestBuffer b) {
        b.len = b.signPos;
        b.prevClass = b.signPrevClass;
        b.prevClause = b.signPrevClause;
        if (b.depth > 0) {
            b.groupLiteral[b.depth - 1] = b.signGroupLiteral;
        }
        b.signPos = -1;
    }

    private static void close(DigestBuffer b) {
        if (b.depth == 0) {
            emit(b, ')', C_CLOSE);
            return;
        }
        b.depth--;
        int start = b.groupStart[b.depth];
        int items = b.groupItems[b.depth];
        boolean literal = b.groupLiteral[b.depth] && items > 0 && b.groupFoldable[b.depth];
        if (literal && items > 1) {
            b.len = start;
            b.append("(?,...)");
        } else {
            b.append(')');
        }
        b.prevClass = C_CLOSE;
        b.prevClause = false;
        if (literal) {
            collapseRows(b, start, b.len);
        }
    }

    /** Folds {@code (..),(..),(..)} of identical literal groups into {@code (..),...}. */
    private static void collapseRows(DigestBuffer b, int start, int end) {
        int templateLength = b.templateEnd - b.templateStart;
        if (b.templateStart >= 0 && b.templateEnd <= start) {
            int anchor = b.collapsedEnd >= 0 ? b.collapsedEnd : b.templateEnd;
            if (start == anchor + 1 && b.out[anchor] == ',' && end - start == templateLength
                    && b.regionEquals(b.templateStart, start, templateLength)) {
                if (b.collapsedEnd < 0) {
                    b.len = b.templateEnd;
                    b.append(",...");
                    b.collapsedEnd = b.len;
                } else {
                    b.len = b.collapsedEnd;
                }
                return;
            }
        }
        b.templateStart = start;
        b.templateEnd = end;
        b.collapsedEnd = -1;
    }

    private static void emit(DigestBuffer b, char c, int cls) {
        b.append(c);
        b.prevClass = cls;
        b.prevClause = false;
    }

    private static void after(DigestBuffer b, int cls, boolean clause) {
        b.markNonLiteral();
        b.prevClass = cls;
        b.prevClause = clause;
    }

    private static void space(DigestBuffer b, int cur, boolean curClause) {
        int p = b.prevClass;
        if (p == C_NONE || p == C_OPEN || p == C_DOT || p == C_COMMA || p == C_SEMI) {
            return;
        }
        boolean need = switch (cur) {
            case C_WORD -> p == C_WORD || p == C_CLOSE || (p == C_OP && curClause);
            case C_OPEN, C_OP -> p == C_WORD && b.prevClause;
            default -> false;
        };
        if (need) {
            b.append(' ');
        }
    }
}
