package io.lintas.router;

/** Rewrites the literals of a statement so that tests can check that literal values do not leak into the cache. */
final class Literals {
    private Literals() {
    }

    /**
     * Replaces every number and string literal: variant 0 swaps 0 and 1 (so {@code autocommit=0} becomes
     * {@code autocommit=1}) and other numbers become 7; variant 1 uses 0 and 'ON'. Comments and hints stay.
     */
    static String vary(String sql, int variant) {
        SqlLexer lx = new SqlLexer().reset(sql);
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            String replacement = switch (t) {
                case SqlLexer.NUMBER -> variant == 1 ? "0" : swapZeroAndOne(lx.text());
                case SqlLexer.STRING -> variant == 1 ? "'ON'" : "'other value'";
                default -> null;
            };
            if (replacement != null) {
                out.append(sql, copied, lx.start()).append(replacement);
                copied = lx.end();
            }
        }
        return out.append(sql.substring(copied)).toString();
    }

    private static String swapZeroAndOne(String number) {
        return number.equals("0") ? "1" : number.equals("1") ? "0" : "7";
    }
}
