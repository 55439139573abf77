package io.lintas.router;

import java.util.Arrays;

/**
 * Reusable scratch space for one normalization: output characters, the parenthesis-group stack and the results.
 * Not thread-safe; the classifier keeps one per thread so the hot path allocates nothing but what it returns.
 */
final class DigestBuffer {
    /** Buffers larger than this (in chars) are dropped after use so one huge statement does not pin memory. */
    private static final int RETAIN_LIMIT = 64 * 1024;
    private static final int INITIAL = 256;

    final SqlLexer lexer = new SqlLexer();

    char[] out = new char[INITIAL];
    int len;
    boolean ascii;
    private byte[] bytes = new byte[INITIAL];

    int[] groupStart = new int[16];
    int[] groupItems = new int[16];
    boolean[] groupLiteral = new boolean[16];
    /** Whether a group may fold to {@code (?,...)}: not the argument list of a call or a type. */
    boolean[] groupFoldable = new boolean[16];
    /** Whether numbers in a group are a type's length or precision and so kept verbatim. */
    boolean[] groupTypeArgs = new boolean[16];
    int depth;
    int maxDepth;

    int templateStart;
    int templateEnd;
    int collapsedEnd;

    int prevClass;
    boolean prevClause;
    boolean prevType;
    boolean prevVariable;
    int signPos;
    int signPrevClass;
    boolean signPrevClause;
    boolean signGroupLiteral;

    String firstKeyword;
    boolean multiStatement;
    RoutingHint hint;
    long id;

    /** Clears all state for a new statement. */
    void reset() {
        len = 0;
        ascii = true;
        depth = 0;
        maxDepth = 0;
        templateStart = -1;
        templateEnd = -1;
        collapsedEnd = -1;
        prevClass = 0;
        prevClause = false;
        prevType = false;
        prevVariable = false;
        signPos = -1;
        firstKeyword = null;
        multiStatement = false;
        hint = RoutingHint.NONE;
        id = 0;
    }

    void append(char c) {
        if (len == out.length) {
            out = Arrays.copyOf(out, len * 2);
        }
        if (c >= 0x80) {
            ascii = false;
        }
        out[len++] = c;
    }

    void append(String s) {
        int n = s.length();
        ensure(n);
        s.getChars(0, n, out, len);
        len += n;
    }

    /** Appends {@code src[start, end)}. */
    void append(char[] src, int start, int end) {
        int n = end - start;
        ensure(n);
        // Tokens are short: a plain loop that also notes non-ASCII beats arraycopy plus a second scan.
        char[] o = out;
        int l = len;
        int high = 0;
        for (int i = 0; i < n; i++) {
            char c = src[start + i];
            high |= c;
            o[l + i] = c;
        }
        if (high >= 0x80) {
            ascii = false;
        }
        len = l + n;
    }

    /** Appends an ASCII keyword. */
    void appendAscii(char[] k) {
        int n = k.length;
        ensure(n);
        char[] o = out;
        int l = len;
        for (int i = 0; i < n; i++) {
            o[l + i] = k[i];
        }
        len = l + n;
    }

    char last() {
        return len == 0 ? '\0' : out[len - 1];
    }

    private void ensure(int extra) {
        if (len + extra > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, len + extra));
        }
    }

    /** Opens a parenthesis group whose {@code (} sits at output offset {@code at}. */
    void pushGroup(int at, boolean foldable, boolean typeArgs) {
        if (depth == groupStart.length) {
            int n = depth * 2;
            groupStart = Arrays.copyOf(groupStart, n);
            groupItems = Arrays.copyOf(groupItems, n);
            groupLiteral = Arrays.copyOf(groupLiteral, n);
            groupFoldable = Arrays.copyOf(groupFoldable, n);
            groupTypeArgs = Arrays.copyOf(groupTypeArgs, n);
        }
        groupStart[depth] = at;
        groupItems[depth] = 0;
        groupLiteral[depth] = true;
        groupFoldable[depth] = foldable;
        groupTypeArgs[depth] = typeArgs;
        depth++;
        if (depth > maxDepth) {
            maxDepth = depth;
        }
    }

    /** Records that the innermost group holds something other than literals and commas. */
    void markNonLiteral() {
        if (depth > 0) {
            groupLiteral[depth - 1] = false;
        }
    }

    /** Whether {@code out[a, a+n)} equals {@code out[b, b+n)}. */
    boolean regionEquals(int a, int b, int n) {
        return Arrays.equals(out, a, a + n, out, b, b + n);
    }

    /** The digest text; allocates. */
    String text() {
        return new String(out, 0, len);
    }

    /** Whether the digest equals {@code chars} (used to confirm a cache hit without building a string). */
    boolean contentEquals(char[] chars) {
        return chars.length == len && Arrays.equals(chars, 0, len, out, 0, len);
    }

    /** XXH64 of the UTF-8 encoding of the digest. */
    long hash() {
        if (ascii) {
            return XxHash64.hashAscii(out, len, 0);
        }
        int n = encodeUtf8();
        return XxHash64.hash(bytes, 0, n, 0);
    }

    private int encodeUtf8() {
        if (bytes.length < len * 3) {
            bytes = new byte[len * 3];
        }
        int n = 0;
        for (int i = 0; i < len; i++) {
            char c = out[i];
            if (c < 0x80) {
                bytes[n++] = (byte) c;
            } else if (c < 0x800) {
                bytes[n++] = (byte) (0xC0 | (c >> 6));
                bytes[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(out[i + 1])) {
                int cp = Character.toCodePoint(c, out[++i]);
                bytes[n++] = (byte) (0xF0 | (cp >> 18));
                bytes[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                bytes[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                bytes[n++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                // Lone surrogate: same replacement as String.getBytes(UTF_8).
                bytes[n++] = (byte) '?';
            } else {
                bytes[n++] = (byte) (0xE0 | (c >> 12));
                bytes[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                bytes[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return n;
    }

    /** Drops oversized arrays after a huge statement so a long-lived thread keeps only small buffers. */
    void shrink() {
        if (out.length > RETAIN_LIMIT) {
            out = new char[INITIAL];
        }
        if (bytes.length > RETAIN_LIMIT) {
            bytes = new byte[INITIAL];
        }
        if (groupStart.length > RETAIN_LIMIT / 16) {
            groupStart = new int[16];
            groupItems = new int[16];
            groupLiteral = new boolean[16];
            groupFoldable = new boolean[16];
            groupTypeArgs = new boolean[16];
        }
        lexer.reset("");
    }
}
