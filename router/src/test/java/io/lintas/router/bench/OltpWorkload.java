package io.lintas.router.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/** A typical PHP/OLTP statement mix with fresh literals in every statement. */
final class OltpWorkload {

    private static final List<Function<Random, String>> SHAPES = List.of(
            r -> "SELECT * FROM users WHERE id = " + r.nextInt(1_000_000),
            r -> "SELECT id, name, email FROM users WHERE email = '" + word(r) + "@example.com' LIMIT 1",
            r -> "SELECT p.id, p.title, p.created_at FROM posts p JOIN users u ON u.id = p.user_id WHERE u.id = "
                    + r.nextInt(100_000) + " ORDER BY p.created_at DESC LIMIT 20",
            r -> "SELECT COUNT(*) FROM orders WHERE user_id = " + r.nextInt(100_000) + " AND status = 'paid'",
            r -> "SELECT * FROM products WHERE id IN (" + idList(r) + ")",
            r -> "INSERT INTO sessions (id, user_id, data, last_seen) VALUES ('" + word(r) + "', " + r.nextInt(100_000)
                    + ", '" + word(r) + word(r) + "', NOW())",
            r -> "UPDATE sessions SET data = '" + word(r) + "', last_seen = NOW() WHERE id = '" + word(r) + "'",
            r -> "DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL " + (1 + r.nextInt(30)) + " DAY",
            r -> "SELECT * FROM accounts WHERE id = " + r.nextInt(100_000) + " FOR UPDATE",
            r -> r.nextBoolean() ? "START TRANSACTION" : "BEGIN",
            r -> "COMMIT",
            r -> "SET NAMES utf8mb4",
            r -> "SET autocommit=" + r.nextInt(2),
            r -> "SELECT 1",
            r -> "INSERT INTO order_items (order_id, product_id, qty, price) VALUES " + rows(r),
            r -> "UPDATE products SET stock = stock - " + (1 + r.nextInt(5)) + " WHERE id = " + r.nextInt(10_000)
                    + " AND stock >= " + (1 + r.nextInt(5)),
            r -> "SELECT o.id, SUM(i.qty * i.price) AS total FROM orders o JOIN order_items i ON i.order_id = o.id "
                    + "WHERE o.user_id = " + r.nextInt(100_000) + " GROUP BY o.id",
            r -> "SELECT LAST_INSERT_ID()",
            r -> "/* app:profile */ SELECT name, avatar FROM profiles WHERE user_id = " + r.nextInt(100_000),
            r -> "REPLACE INTO cache (k, v, expires) VALUES ('" + word(r) + "', '" + word(r) + word(r) + "', "
                    + (1_700_000_000 + r.nextInt(1_000_000)) + ")");

    private OltpWorkload() {
    }

    /** {@code n} statements cycling through the shapes, each with its own random literals. */
    static String[] statements(int n, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(SHAPES.get(i % SHAPES.size()).apply(r));
        }
        return out.toArray(new String[0]);
    }

    /** Number of distinct statement shapes in the mix. */
    static int shapes() {
        return SHAPES.size();
    }

    private static String word(Random r) {
        char[] c = new char[6 + r.nextInt(10)];
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) ('a' + r.nextInt(26));
        }
        return new String(c);
    }

    private static String idList(Random r) {
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(20);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append(r.nextInt(100_000));
        }
        return b.toString();
    }

    private static String rows(Random r) {
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append('(').append(r.nextInt(100_000)).append(", ").append(r.nextInt(10_000))
                    .append(", ").append(1 + r.nextInt(9)).append(", ").append(r.nextInt(10_000)).append(".99)");
        }
        return b.toString();
    }
}
