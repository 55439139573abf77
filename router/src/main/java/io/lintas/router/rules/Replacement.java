package io.lintas.router.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * A parsed replace_pattern: literal text and group references, expanded against a matcher.
 *
 * <p>Syntax: {@code \0}..{@code \9} (ProxySQL's PCRE and RE2 form) and {@code $0}..{@code $9} (Java's) insert that
 * group of the match, {@code \0}/{@code $0} the whole match; one digit only, so {@code \12} is group 1 then "2".
 * {@code \\} is one backslash and {@code $$} one dollar sign. Any other backslash or dollar sign is literal, so
 * {@code $name} and {@code 'a\'b'} need no escaping. A group that did not take part in the match inserts nothing.
 */
final class Replacement {
    /** Literal strings, or Integer group numbers. */
    private final Object[] parts;
    private final int maxGroup;

    private Replacement(Object[] parts, int maxGroup) {
        this.parts = parts;
        this.maxGroup = maxGroup;
    }

    /** Parses {@code template}. */
    static Replacement parse(String template) {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int maxGroup = -1;
        int n = template.length();
        for (int i = 0; i < n; i++) {
            char c = template.charAt(i);
            char next = i + 1 < n ? template.charAt(i + 1) : '\0';
            if ((c == '\\' || c == '$') && next >= '0' && next <= '9') {
                if (lit.length() > 0) {
                    parts.add(lit.toString());
                    lit.setLength(0);
                }
                int g = next - '0';
                parts.add(g);
                maxGroup = Math.max(maxGroup, g);
                i++;
            } else if ((c == '\\' || c == '$') && next == c) {
                lit.append(c);
                i++;
            } else {
                lit.append(c);
            }
        }
        if (lit.length() > 0) {
            parts.add(lit.toString());
        }
        return new Replacement(parts.toArray(), maxGroup);
    }

    /** Highest group number referenced, or -1. */
    int maxGroup() {
        return maxGroup;
    }

    /** {@code text} with the match that {@code m} has just found replaced by this template. */
    String apply(Matcher m, String text) {
        StringBuilder b = new StringBuilder(text.length() + 32);
        b.append(text, 0, m.start());
        for (Object p : parts) {
            if (p instanceof String s) {
                b.append(s);
            } else {
                int g = (Integer) p;
                int from = m.start(g);
                if (from >= 0) {
                    b.append(text, from, m.end(g));
                }
            }
        }
        b.append(text, m.end(), text.length());
        return b.toString();
    }
}
