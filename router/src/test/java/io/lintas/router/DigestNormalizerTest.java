package io.lintas.router;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigestNormalizerTest {

    private static String digest(String sql) {
        return DigestNormalizer.normalize(sql).digestText();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT * FROM t WHERE id = 5                                 | SELECT * FROM t WHERE id=?
            select a, b from users where name = 'bob'                    | SELECT a,b FROM users WHERE name=?
            SELECT * FROM t WHERE id IN (1, 2, 3)                        | SELECT * FROM t WHERE id IN (?,...)
            SELECT * FROM t WHERE id IN (1)                              | SELECT * FROM t WHERE id IN (?)
            SELECT * FROM t WHERE a = ? AND b IN (?, ?)                  | SELECT * FROM t WHERE a=? AND b IN (?,...)
            INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')     | INSERT INTO t(a,b) VALUES (?,...),...
            INSERT INTO t VALUES (1),(2),(3)                             | INSERT INTO t VALUES (?),...
            SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))             | SELECT * FROM t WHERE (a,b) IN ((?,...),...)
            SELECT COALESCE(a, 1, 2) FROM t                              | SELECT COALESCE(a,?,?) FROM t
            SELECT CAST(a AS DECIMAL(10, 2)) FROM t                      | SELECT CAST(a AS DECIMAL(10,2)) FROM t
            SELECT 'it\\'s', 'a''b', "dq", "x""y"                        | SELECT ?,?,?,?
            SELECT X'0F', 0xFF, 0b101, b'1', N'n', _utf8mb4'u'           | SELECT ?,?,?,?,?,?
            SELECT 1.5, .5, 1e10, 1.5E-3, -7, +7, 3 - -2                 | SELECT ?,?,?,?,?,?,?-?
            SELECT a-1, a - -1, -1, (-1), x*-2                           | SELECT a-?,a-?,?,(?),x*?
            SELECT TRUE, FALSE, NULL, null                               | SELECT TRUE,FALSE,NULL,NULL
            SELECT /* c */ 1 + 2 # e                                     | SELECT ?+?
            SELECT /*!50000 SQL_NO_CACHE */ 1                            | SELECT SQL_NO_CACHE ?
            /*!40101 SET NAMES utf8 */;                                  | SET NAMES utf8
            SELECT /*M!100100 1, */ 2                                    | SELECT ?,?
            ~SELECT `Weird Name`, `a``b` FROM `db`.`t`~                  | ~SELECT `Weird Name`,`a``b` FROM `db`.`t`~
            ~SELECT @x, @@session.sql_mode, @'quoted var', @`bq`~        | ~SELECT @x,@@session.sql_mode,@'quoted var',@`bq`~
            select now(), Count(DISTINCT a) from T                       | SELECT NOW(),COUNT(DISTINCT a) FROM T
            SELECT 1; SELECT 2;                                          | SELECT ?;SELECT ?
            SELECT 'unterminated                                         | SELECT ?
            SELECT /* unterminated                                       | SELECT
            SELECT 1 - - EXISTS (SELECT 1)                               | SELECT ?- - EXISTS (SELECT ?)
            SELECT a / * b                                               | SELECT a/ *b
            SELECT 1abc, abc1, t.1col FROM t                             | SELECT 1abc,abc1,t.1col FROM t
            SELECT ((1)), (1, 2), ((1, 2))                               | SELECT ((?)),(?,...),((?,...))
            SELECT é FROM café WHERE x = 'ü'                             | SELECT é FROM café WHERE x=?
            SELECT * FROM t WHERE a <=> NULL AND b != 1 AND c <> 2       | SELECT * FROM t WHERE a<=>NULL AND b!=? AND c<>?
            SELECT @a := 3, e->>'$.x' FROM t LIMIT 10, 20                | SELECT @a:=?,e->>? FROM t LIMIT ?,?
            UPDATE t SET a = a + 1 WHERE id = 7                          | UPDATE t SET a=a+? WHERE id=?
            SELECT a FROM t UNION (SELECT b FROM u) FOR UPDATE           | SELECT a FROM t UNION (SELECT b FROM u) FOR UPDATE
            """)
    void digestText(String sql, String expected) {
        assertEquals(expected, digest(sql));
    }

    @Test
    void whitespaceAndCommentsDoNotMatter() {
        String expected = "SELECT * FROM t WHERE a=?";
        assertEquals(expected, digest("  SELECT\n\t*\r\n FROM   t WHERE a =\n1  "));
        assertEquals(expected, digest("-- lead\nSELECT * /* mid */ FROM t # hash\n WHERE a = 'x' -- tail"));
        assertEquals(expected, digest("select * from t where a = -3.5e2;"));
    }

    @Test
    void emptyAndCommentOnlyTextHasEmptyDigest() {
        for (String sql : new String[] {"", "   ", "\n\t", "/* x */", "-- x", "# x", ";", " ; ; "}) {
            NormalizedQuery n = DigestNormalizer.normalize(sql);
            assertEquals("", n.digestText(), sql);
            assertEquals("", n.firstKeyword(), sql);
            assertFalse(n.multiStatement(), sql);
        }
        assertEquals("", DigestNormalizer.normalize(null).digestText());
    }

    @Test
    void firstKeywordSkipsCommentsParenthesesAndVersionComments() {
        assertEquals("SELECT", DigestNormalizer.normalize("/* x */ ((select 1))").firstKeyword());
        assertEquals("SET", DigestNormalizer.normalize("/*!40101 set names utf8 */").firstKeyword());
        assertEquals("INSERT", DigestNormalizer.normalize("-- c\ninsert into t values (1)").firstKeyword());
        assertEquals("GARBAGE", DigestNormalizer.normalize("garbage here").firstKeyword());
        assertEquals("", DigestNormalizer.normalize("'string first'").firstKeyword());
        assertEquals("", DigestNormalizer.normalize("@x := 1").firstKeyword());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT 1; SELECT 2                  | true
            SELECT 1;SELECT 2;                  | true
            SELECT 1;                           | false
            SELECT 1 ;  \t                      | false
            SELECT 1; -- only a comment         | false
            SELECT 1; /* only a comment */      | false
            SELECT ';' FROM t                   | false
            SELECT 1 /* ; */                    | false
            SELECT `a;b` FROM t                 | false
            SELECT 1 -- ; SELECT 2              | false
            ;SELECT 1                           | false
            SET @a = 1; SELECT @a               | true
            """)
    void multiStatement(String sql, boolean multi) {
        assertEquals(multi, DigestNormalizer.normalize(sql).multiStatement());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /* lintas:writer */ SELECT 1                 | WRITER
            /*lintas:reader*/SELECT 1                    | READER
            /* LINTAS:READER */ SELECT 1                 | READER
            /*   lintas  :  writer   */ SELECT 1         | WRITER
            /* x */ /* lintas:reader */ SELECT 1         | READER
            -- c\\n/* lintas:reader */ SELECT 1          | READER
            /* lintas:reader */ /* lintas:writer */ SELECT 1 | WRITER
            /* lintas:writer */                          | WRITER
            SELECT /* lintas:writer */ 1                 | NONE
            /* lintas:writerx */ SELECT 1                | NONE
            /* lintas */ SELECT 1                        | NONE
            /* xlintas:writer */ SELECT 1                | NONE
            /* lintas:writer, please */ SELECT 1         | NONE
            -- lintas:writer                             | NONE
            """)
    void leadingHint(String sql, RoutingHint hint) {
        assertEquals(hint, DigestNormalizer.normalize(sql.replace("\\n", "\n")).hint());
    }

    @Test
    void hintIsNotPartOfTheDigest() {
        NormalizedQuery hinted = DigestNormalizer.normalize("/* lintas:writer */ SELECT 1");
        assertEquals(DigestNormalizer.normalize("SELECT 1"), withoutHint(hinted));
    }

    private static NormalizedQuery withoutHint(NormalizedQuery n) {
        return new NormalizedQuery(n.digestText(), n.digestId(), n.firstKeyword(), n.multiStatement(),
                RoutingHint.NONE);
    }

    @Test
    void digestIdIsXxh64OfUtf8DigestText() {
        for (String sql : new String[] {"SELECT * FROM t WHERE id = 1", "SELECT é FROM café", "", "SELECT '😀', `😀`"}) {
            NormalizedQuery n = DigestNormalizer.normalize(sql);
            byte[] utf8 = n.digestText().getBytes(StandardCharsets.UTF_8);
            assertEquals(XxHash64.hash(utf8, 0, utf8.length, 0), n.digestId(), sql);
        }
        // Cross-checked with the reference implementation (python-xxhash).
        assertEquals(0x5ae88c1b39dff7a7L, DigestNormalizer.normalize("select * from t where id = 42").digestId());
        assertEquals("0x5AE88C1B39DFF7A7", DigestNormalizer.normalize("SELECT * FROM t WHERE id=?").digestHex());
    }

    @Test
    void differentShapesHaveDifferentIds() {
        assertNotEquals(DigestNormalizer.normalize("SELECT a FROM t").digestId(),
                DigestNormalizer.normalize("SELECT b FROM t").digestId());
    }

    /** Random garbage and mutated statements: no exception, bounded time, and the digest is a fixed point. */
    @Test
    void survivesRandomInput() {
        Random rnd = new Random(20240611L);
        String alphabet = "SELECT FROM WHERE IN VALUES ( ) , ; ' \" ` @ @@ ? - -- # /* */ /*! /*M! * + . \\ : = < > ! "
                + "0 1 9 0x 1e 'a' x é \n \t lintas:writer";
        String[] pieces = alphabet.split(" ");
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (int i = 0; i < 50_000; i++) {
            String sql = i % 2 == 0 ? randomChars(rnd) : randomPieces(rnd, pieces);
            NormalizedQuery n = DigestNormalizer.normalize(sql);
            assertEquals(n.digestText(), digest(n.digestText()), () -> "digest is not stable for: " + sql);
            assertTrue(System.nanoTime() < deadline, "normalizer too slow on random input");
        }
    }

    private static String randomChars(Random rnd) {
        char[] c = new char[rnd.nextInt(80)];
        for (int j = 0; j < c.length; j++) {
            c[j] = rnd.nextInt(10) == 0 ? (char) rnd.nextInt(0x3000) : (char) (32 + rnd.nextInt(95));
        }
        return new String(c);
    }

    private static String randomPieces(Random rnd, String[] pieces) {
        StringBuilder b = new StringBuilder();
        int n = rnd.nextInt(30);
        for (int j = 0; j < n; j++) {
            b.append(pieces[rnd.nextInt(pieces.length)]);
            if (rnd.nextBoolean()) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    @Test
    void hugeInputIsLinear() {
        StringBuilder in = new StringBuilder("SELECT * FROM t WHERE id IN (");
        for (int i = 0; i < 50_000; i++) {
            in.append(i).append(", ");
        }
        in.append("0)");
        assertEquals("SELECT * FROM t WHERE id IN (?,...)", digest(in.toString()));
        assertEquals("SELECT ?", digest("SELECT '" + "x".repeat(2_000_000)));
        assertEquals("SELECT" + " (".repeat(1) + "(".repeat(99_999) + "?" + ")".repeat(100_000),
                digest("SELECT " + "(".repeat(100_000) + "1" + ")".repeat(100_000)));
    }
}
