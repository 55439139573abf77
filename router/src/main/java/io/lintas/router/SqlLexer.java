package io.lintas.router;

/**
 * Single-pass MySQL/MariaDB tokenizer: a cursor over a string that allocates nothing per token.
 *
 * <p>Comments are skipped, except that the body of a version comment ({@code /*!50000 ...*}{@code /},
 * {@code /*M!100100 ...*}{@code /}) is lexed as code whatever the version number, because the server executes it
 * on every version Lintas fronts and treating it as code can only make a classification more conservative.
 * Block comments before the first token are checked for a {@code lintas:reader} / {@code lintas:writer} hint.
 *
 * <p>Strings assume backslash escapes are on (the server default, not NO_BACKSLASH_ESCAPES). Unterminated
 * strings, identifiers and comments run to the end of the text. Every call to {@link #next()} advances by at
 * least one character, so lexing any input terminates in linear time.
 */
final class SqlLexer {
    static final int EOF = 0;
    /** Unquoted identifier or keyword. */
    static final int WORD = 1;
    /** Backtick-quoted identifier. */
    static final int QUOTED_IDENT = 2;
    /** String literal, including N'..', _charset'..'. */
    static final int STRING = 3;
    /** Numeric, hex or bit literal. */
    static final int NUMBER = 4;
    /** User variable {@code @x} or system variable {@code @@x}. */
    static final int VARIABLE = 5;
    /** Prepared-statement placeholder {@code ?}. */
    static final int PARAM = 6;
    static final int LPAREN = 7;
    static final int RPAREN = 8;
    static final int COMMA = 9;
    static final int DOT = 10;
    static final int SEMICOLON = 11;
    /** Any other punctuation or operator, possibly several characters ({@code <=>}, {@code :=}, {@code ->>}). */
    static final int OPERATOR = 12;

    /** Keeps the per-thread copy small again after an oversized statement. */
    private static final int RETAIN_CHARS = 64 * 1024;

    private String src = "";
    /** The text as chars: scanning an array is markedly faster than String.charAt on compact strings. */
    private char[] buf = new char[256];
    private int len;
    private int pos;
    private boolean inVersionComment;
    private boolean sawToken;
    private RoutingHint hint = RoutingHint.NONE;

    private int type;
    private int wordHash;
    private int start;
    private int end;
    private int prevType;
    private int prevEnd;

    /** Starts lexing {@code text} from its beginning. */
    SqlLexer reset(String text) {
        src = text;
        len = text.length();
        if (buf.length < len || (buf.length > RETAIN_CHARS && len <= RETAIN_CHARS)) {
            buf = new char[Math.max(len, 256)];
        }
        text.getChars(0, len, buf, 0);
        pos = 0;
        inVersionComment = false;
        sawToken = false;
        hint = RoutingHint.NONE;
        type = EOF;
        start = 0;
        end = 0;
        prevType = EOF;
        prevEnd = -1;
        return this;
    }

    /** Type of the current token. */
    int type() {
        return type;
    }

    /** Keyword-table slot of the current WORD token, or -1 if it is not a keyword. */
    int keyword() {
        return KeywordTable.lookup(buf, start, end, wordHash);
    }

    /** Offset of the current token's first character. */
    int start() {
        return start;
    }

    /** Offset just past the current token. */
    int end() {
        return end;
    }

    /** The source text. */
    String source() {
        return src;
    }

    /** The source text as a char array; only the first {@code source().length()} chars are meaningful. */
    char[] chars() {
        return buf;
    }

    /** The hint found in block comments before the first token; WRITER wins if both appear. */
    RoutingHint hint() {
        return hint;
    }

    /** Whether the current token starts right where the previous one ended (no whitespace or comment between). */
    boolean glued() {
        return start == prevEnd;
    }

    /** Current token's character at {@code i} (relative to its start). */
    char charAt(int i) {
        return buf[start + i];
    }

    /** Length of the current token. */
    int length() {
        return end - start;
    }

    /** Current token text; allocates, so only for cold paths. */
    String text() {
        return src.substring(start, end);
    }

    /** Whether the current token equals {@code upper} ignoring ASCII case ({@code upper} must be upper-case). */
    boolean is(String upper) {
        int n = end - start;
        if (n != upper.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = buf[start + i];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != upper.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Advances to the next token and returns its type. */
    int next() {
        prevType = type;
        prevEnd = end;
        skipTrivia();
        if (pos >= len) {
            start = len;
            end = len;
            type = EOF;
            return EOF;
        }
        sawToken = true;
        start = pos;
        char c = buf[pos];
        if (c >= '0' && c <= '9') {
            type = prevType == DOT && prevEnd == pos ? word() : number();
        } else if (isIdentStart(c)) {
            type = wordOrPrefixedLiteral(c);
        } else {
            switch (c) {
                case '\'', '"' -> type = string(pos);
                case '`' -> type = backtick();
                case '@' -> type = variable();
                case '?' -> {
                    pos++;
                    type = PARAM;
                }
                case '(' -> {
                    pos++;
                    type = LPAREN;
                }
                case ')' -> {
                    pos++;
                    type = RPAREN;
                }
                case ',' -> {
                    pos++;
                    type = COMMA;
                }
                case ';' -> {
                    pos++;
                    type = SEMICOLON;
                }
                case '.' -> type = dot();
                default -> type = operator(c);
            }
        }
        end = pos;
        return type;
    }

    private void skipTrivia() {
        while (pos < len) {
            char c = buf[pos];
            if (c <= ' ') {
                pos++;
            } else if (c == '#') {
                skipLine();
            } else if (c == '-' && pos + 1 < len && buf[pos + 1] == '-'
                    && (pos + 2 >= len || buf[pos + 2] <= ' ')) {
                skipLine();
            } else if (c == '/' && pos + 1 < len && buf[pos + 1] == '*') {
                blockComment();
            } else if (c == '*' && inVersionComment && pos + 1 < len && buf[pos + 1] == '/') {
                inVersionComment = false;
                pos += 2;
            } else {
                return;
            }
        }
    }

    private void skipLine() {
        while (pos < len && buf[pos] != '\n') {
            pos++;
        }
    }

    private void blockComment() {
        int bodyStart = pos + 2;
        if (bodyStart < len && buf[bodyStart] == '!') {
            openVersionComment(bodyStart + 1);
            return;
        }
        if (bodyStart + 1 < len && buf[bodyStart] == 'M' && buf[bodyStart + 1] == '!') {
            openVersionComment(bodyStart + 2);
            return;
        }
        int close = indexOfCommentEnd(bodyStart);
        int bodyEnd = close < 0 ? len : close;
        if (!sawToken) {
            noteHint(bodyStart, bodyEnd);
        }
        pos = close < 0 ? len : close + 2;
    }

    private int indexOfCommentEnd(int from) {
        for (int p = from; p + 1 < len; p++) {
            if (buf[p] == '*' && buf[p + 1] == '/') {
                return p;
            }
        }
        return -1;
    }

    private void openVersionComment(int p) {
        int digits = 0;
        while (p < len && digits < 6 && buf[p] >= '0' && buf[p] <= '9') {
            p++;
            digits++;
        }
        inVersionComment = true;
        pos = p;
    }

    /** Recognises {@code lintas : reader|writer} surrounded by optional whitespace. */
    private void noteHint(int from, int to) {
        int p = skipSpace(from, to);
        p = matchWord(p, to, "LINTAS");
        if (p < 0) {
            return;
        }
        p = skipSpace(p, to);
        if (p >= to || buf[p] != ':') {
            return;
        }
        p = skipSpace(p + 1, to);
        RoutingHint found;
        int q = matchWord(p, to, "WRITER");
        if (q >= 0) {
            found = RoutingHint.WRITER;
        } else {
            q = matchWord(p, to, "READER");
            if (q < 0) {
                return;
            }
            found = RoutingHint.READER;
        }
        if (skipSpace(q, to) != to) {
            return;
        }
        if (hint != RoutingHint.WRITER) {
            hint = found;
        }
    }

    private int skipSpace(int p, int to) {
        while (p < to && buf[p] <= ' ') {
            p++;
        }
        return p;
    }

    private int matchWord(int p, int to, String upper) {
        int n = upper.length();
        if (to - p < n) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            char c = buf[p + i];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != upper.charAt(i)) {
                return -1;
            }
        }
        return p + n;
    }

    private int wordOrPrefixedLiteral(char c) {
        // X'0F', B'01', N'text' and _utf8mb4'text' are single literals in MySQL.
        if (pos + 1 < len && buf[pos + 1] == '\'') {
            switch (c) {
                case 'x', 'X', 'b', 'B' -> {
                    string(pos + 1);
                    return NUMBER;
                }
                case 'n', 'N' -> {
                    return string(pos + 1);
                }
                default -> {
                }
            }
        }
        int t = word();
        if (c == '_' && pos < len && (buf[pos] == '\'' || buf[pos] == '"')) {
            return string(pos);
        }
        return t;
    }

    private int word() {
        // Hash while scanning so the keyword lookup need not read the word again.
        int h = 0;
        for (int p = start; p < pos; p++) {
            h = KeywordTable.fold(h, buf[p]);
        }
        while (pos < len && isIdentPart(buf[pos])) {
            h = KeywordTable.fold(h, buf[pos]);
            pos++;
        }
        wordHash = KeywordTable.finish(h);
        return WORD;
    }

    private int number() {
        char c = buf[pos];
        if (c == '0' && pos + 2 < len) {
            char x = buf[pos + 1];
            if ((x == 'x' || x == 'X') && isHex(buf[pos + 2])) {
                int p = pos + 2;
                while (p < len && isHex(buf[p])) {
                    p++;
                }
                return finishNumber(p);
            }
            if ((x == 'b' || x == 'B') && isBit(buf[pos + 2])) {
                int p = pos + 2;
                while (p < len && isBit(buf[p])) {
                    p++;
                }
                return finishNumber(p);
            }
        }
        int p = digits(pos);
        boolean fraction = false;
        if (p < len && buf[p] == '.') {
            fraction = true;
            p = digits(p + 1);
        }
        int exp = exponent(p);
        if (exp > p) {
            pos = exp;
            return NUMBER;
        }
        if (!fraction) {
            // MySQL identifiers may start with digits (1col, 123abc).
            return finishNumber(p);
        }
        pos = p;
        return NUMBER;
    }

    /** Ends an integer or hex/bit literal; if identifier characters follow it was an identifier all along. */
    private int finishNumber(int p) {
        if (p < len && isIdentPart(buf[p])) {
            pos = p;
            return word();
        }
        pos = p;
        return NUMBER;
    }

    private int digits(int p) {
        while (p < len && buf[p] >= '0' && buf[p] <= '9') {
            p++;
        }
        return p;
    }

    private int exponent(int p) {
        if (p < len && (buf[p] == 'e' || buf[p] == 'E')) {
            int q = p + 1;
            if (q < len && (buf[q] == '+' || buf[q] == '-')) {
                q++;
            }
            if (q < len && buf[q] >= '0' && buf[q] <= '9') {
                return digits(q);
            }
        }
        return p;
    }

    private int dot() {
        boolean afterName = (prevType == WORD || prevType == QUOTED_IDENT || prevType == RPAREN) && prevEnd == pos;
        if (!afterName && pos + 1 < len && buf[pos + 1] >= '0' && buf[pos + 1] <= '9') {
            int p = digits(pos + 1);
            int exp = exponent(p);
            pos = exp;
            return NUMBER;
        }
        pos++;
        return DOT;
    }

    /** Consumes a quoted string whose opening quote is at {@code q}. */
    private int string(int q) {
        char quote = buf[q];
        int p = q + 1;
        while (p < len) {
            char c = buf[p];
            if (c == '\\') {
                p += 2;
            } else if (c == quote) {
                if (p + 1 < len && buf[p + 1] == quote) {
                    p += 2;
                } else {
                    p++;
                    pos = p;
                    return STRING;
                }
            } else {
                p++;
            }
        }
        pos = len;
        return STRING;
    }

    private int backtick() {
        int p = pos + 1;
        while (p < len) {
            if (buf[p] == '`') {
                if (p + 1 < len && buf[p + 1] == '`') {
                    p += 2;
                } else {
                    pos = p + 1;
                    return QUOTED_IDENT;
                }
            } else {
                p++;
            }
        }
        pos = len;
        return QUOTED_IDENT;
    }

    private int variable() {
        int p = pos + 1;
        if (p < len && buf[p] == '@') {
            p++;
        }
        if (p < len) {
            char c = buf[p];
            if (c == '\'' || c == '"') {
                string(p);
                return VARIABLE;
            }
            if (c == '`') {
                pos = p;
                backtick();
                return VARIABLE;
            }
        }
        // Names may contain dots (@@session.sql_mode, @a.b), but only between name characters.
        int nameStart = p;
        while (p < len) {
            char c = buf[p];
            if (isIdentPart(c) || (c == '.' && p > nameStart && p + 1 < len && isIdentPart(buf[p + 1]))) {
                p++;
            } else {
                break;
            }
        }
        pos = p;
        return VARIABLE;
    }

    private int operator(char c) {
        int p = pos + 1;
        char n = p < len ? buf[p] : '\0';
        switch (c) {
            case '<' -> {
                if (n == '=') {
                    p += p + 1 < len && buf[p + 1] == '>' ? 2 : 1;
                } else if (n == '>' || n == '<') {
                    p++;
                }
            }
            case '>' -> {
                if (n == '=' || n == '>') {
                    p++;
                }
            }
            case '!', ':' -> {
                if (n == '=') {
                    p++;
                }
            }
            case '|' -> {
                if (n == '|') {
                    p++;
                }
            }
            case '&' -> {
                if (n == '&') {
                    p++;
                }
            }
            case '-' -> {
                if (n == '>') {
                    p += p + 1 < len && buf[p + 1] == '>' ? 2 : 1;
                }
            }
            default -> {
            }
        }
        pos = p;
        return OPERATOR;
    }

    private static final byte IDENT_START = 1;
    private static final byte IDENT_PART = 2;
    /** Character classes of ASCII; everything from 0x80 up may start or continue an identifier. */
    private static final byte[] ASCII_CLASS = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            boolean start = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
            boolean digit = c >= '0' && c <= '9';
            ASCII_CLASS[c] = (byte) ((start ? IDENT_START | IDENT_PART : 0) | (digit ? IDENT_PART : 0));
        }
    }

    static boolean isIdentStart(char c) {
        return c >= 0x80 || (ASCII_CLASS[c] & IDENT_START) != 0;
    }

    static boolean isIdentPart(char c) {
        return c >= 0x80 || (ASCII_CLASS[c] & IDENT_PART) != 0;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isBit(char c) {
        return c == '0' || c == '1';
    }
}
