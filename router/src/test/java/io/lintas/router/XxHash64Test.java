package io.lintas.router;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class XxHash64Test {

    private static long h(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return XxHash64.hash(b, 0, b.length, 0);
    }

    /** Vectors from the reference implementation (python-xxhash 3.x, seed 0 unless stated). */
    @Test
    void referenceVectors() {
        assertEquals(0xef46db3751d8e999L, h(""));
        assertEquals(0xd24ec4f1a98c6e5bL, h("a"));
        assertEquals(0x44bc2cf5ad770999L, h("abc"));
        assertEquals(0x5ae88c1b39dff7a7L, h("SELECT * FROM t WHERE id=?"));
        assertEquals(0x558e7bc09de45b64L, h("INSERT INTO t(a,b) VALUES (?,...),..."));
        assertEquals(0xa9203e578e58b0deL, h("SELECT é"));
        assertEquals(0x43b8306532b698cdL,
                h("SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c LIMIT ?;SELECT DISTINCT c FROM sbtest1 WHERE k=?"));
        byte[] bytes = new byte[768];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        assertEquals(0x8e03c838c596036fL, XxHash64.hash(bytes, 0, bytes.length, 0));
        assertEquals(0x919e1c789d522e91L, XxHash64.hash(bytes, 0, bytes.length, 0x9E3779B97F4A7C15L));
    }

    @Test
    void asciiCharsHashLikeTheirBytes() {
        java.util.Random rnd = new java.util.Random(3);
        for (int len = 0; len < 200; len++) {
            char[] c = new char[len];
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) {
                c[i] = (char) rnd.nextInt(128);
                b[i] = (byte) c[i];
            }
            assertEquals(XxHash64.hash(b, 0, len, 0), XxHash64.hashAscii(c, len, 0), "length " + len);
        }
    }

    @Test
    void honoursOffset() {
        byte[] b = "xxabcxx".getBytes(StandardCharsets.US_ASCII);
        assertEquals(h("abc"), XxHash64.hash(b, 2, 3, 0));
    }
}
