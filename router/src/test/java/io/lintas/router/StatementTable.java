package io.lintas.router;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Loads {@code statements.tsv}: the expected classification of every statement in the table. */
final class StatementTable {

    /** One row: where the statement must go, what it does, and its statement type. */
    record Row(int line, Route route, Set<Effect> effects, String type, String sql) {
        @Override
        public String toString() {
            return "line " + line + ": " + sql.replace("\n", "\\n");
        }
    }

    private StatementTable() {
    }

    /** All rows of the table, in file order. */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = StatementTable.class.getResourceAsStream("statements.tsv")) {
            if (in == null) {
                throw new IllegalStateException("statements.tsv not on the test classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", 4);
                if (f.length != 4) {
                    throw new IllegalStateException("statements.tsv line " + n + ": expected 4 tab-separated fields");
                }
                rows.add(new Row(n, Route.valueOf(f[0]), effects(f[1]), f[2], unescape(f[3])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static Set<Effect> effects(String field) {
        EnumSet<Effect> set = EnumSet.noneOf(Effect.class);
        if (!field.equals("-")) {
            for (String name : field.split(",")) {
                set.add(Effect.valueOf(name.trim()));
            }
        }
        return set;
    }

    /** {@code \n} newline, {@code \t} tab, {@code \\} backslash. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case '\\' -> '\\';
                    default -> throw new IllegalArgumentException("bad escape \\" + n + " in " + s);
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
