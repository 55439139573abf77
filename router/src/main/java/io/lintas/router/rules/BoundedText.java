package io.lintas.router.rules;

/**
 * The text a rule's regex reads, counting character reads so that a runaway pattern cannot stall an event loop.
 *
 * <p>Java's regex engine has no match limit, and some patterns backtrack badly: {@code (a+)+b} is exponential,
 * an unanchored {@code .*x} is quadratic in the text length. PCRE, which ProxySQL uses, gives up after a match
 * limit; this does the same by throwing a preallocated exception once the budget is spent. Reused per thread.
 */
final class BoundedText implements CharSequence {
    /** Reads allowed per character of text, plus a fixed allowance: generous for any sane pattern. */
    static final long READS_PER_CHAR = 100;
    static final long BASE_READS = 100_000;

    /** Thrown when the budget is spent; no stack trace, so throwing it allocates nothing. */
    static final class Exhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exhausted() {
            super("regex read budget exhausted", null, false, false);
        }
    }

    static final Exhausted EXHAUSTED = new Exhausted();

    private String text = "";
    private long left;

    /** Points at {@code s} with a fresh budget for one match attempt. */
    BoundedText with(String s) {
        text = s;
        left = READS_PER_CHAR * s.length() + BASE_READS;
        return this;
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public char charAt(int index) {
        if (--left < 0) {
            throw EXHAUSTED;
        }
        return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
    }

    @Override
    public String toString() {
        return text;
    }
}
