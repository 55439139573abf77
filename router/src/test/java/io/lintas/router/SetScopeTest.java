package io.lintas.router;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SetScope#scopeAssignments}: which SET targets get {@code @@session.}, and that nothing else moves. */
class SetScopeTest {

    /** Input and expected output; {@code =} in the second column means "unchanged" (null). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            SET @@sql_mode = 'ANSI'                          | SET @@session.sql_mode = 'ANSI'
            set @@autocommit=0                               | set @@session.autocommit=0
            SET @@x := 1                                     | SET @@session.x := 1
            SET @@SQL_MODE='x'                               | SET @@session.SQL_MODE='x'
            SET @@a=1, @@b=2                                 | SET @@session.a=1, @@session.b=2
            SET @@a = 1,@@b = 2 , @@c = 3                    | SET @@session.a = 1,@@session.b = 2 , @@session.c = 3
            SET @@local.time_zone = '+00:00'                 | SET @@session.time_zone = '+00:00'
            SET @@LOCAL.x = 1                                | SET @@session.x = 1
            SET @@sql_mode = @@global.sql_mode               | SET @@session.sql_mode = @@global.sql_mode
            SET @@x = @@y                                    | SET @@session.x = @@y
            SET @@x = (SELECT @@y), @@z = 1                  | SET @@session.x = (SELECT @@y), @@session.z = 1
            SET @@x = CONCAT(@@x, ',a'), @@y = 2             | SET @@session.x = CONCAT(@@x, ',a'), @@session.y = 2
            SET @@x = IF(1, @@a, @@b)                        | SET @@session.x = IF(1, @@a, @@b)
            SET @a = 1, @@b = 2                              | SET @a = 1, @@session.b = 2
            SET @a := @@b, @@c = @a                          | SET @a := @@b, @@session.c = @a
            SET sql_mode = 'x', @@b = 2                      | SET sql_mode = 'x', @@session.b = 2
            SET GLOBAL a = 1, @@b = 2                        | SET GLOBAL a = 1, @@session.b = 2
            SET SESSION a = 1, @@local.b = 2                 | SET SESSION a = 1, @@session.b = 2
            SET NAMES utf8mb4, @@x = 1                       | SET NAMES utf8mb4, @@session.x = 1
            SET NAMES 'utf8mb4' COLLATE 'utf8mb4_bin', @@x=1 | SET NAMES 'utf8mb4' COLLATE 'utf8mb4_bin', @@session.x=1
            SET CHARACTER SET utf8, @@x = 1                  | SET CHARACTER SET utf8, @@session.x = 1
            SET @@`sql_mode` = ''                            | SET @@session.`sql_mode` = ''
            SET @@keycache1.key_buffer_size = 1              | SET @@session.keycache1.key_buffer_size = 1
            SET @@x = 'a, @@y = 2'                           | SET @@session.x = 'a, @@y = 2'
            SET @@x = 1; SET @@y = 2                         | SET @@session.x = 1; SET @@session.y = 2
            SET @@x = 1; SELECT @@y = 2                      | SET @@session.x = 1; SELECT @@y = 2
            SET /* c */ @@x /* d */ = 1                      | SET /* c */ @@session.x /* d */ = 1
            /* lead */ SET @@x = 1 -- tail                   | /* lead */ SET @@session.x = 1 -- tail
            /*!40101 SET @@x = 1 */                          | /*!40101 SET @@session.x = 1 */
            /*M!100100 SET @@x=1, @@y=2 */                   | /*M!100100 SET @@session.x=1, @@session.y=2 */
            SET /*!40101 @@x = 1, */ @@y = 2                 | SET /*!40101 @@session.x = 1, */ @@session.y = 2
            /*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, @@SQL_MODE='' */ | /*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, @@session.SQL_MODE='' */
            SET session_track_system_variables = CONCAT(@@global.session_track_system_variables,',tx_isolation') | SET session_track_system_variables = '*'
            set sql_mode=CONCAT(@@sql_mode,',STRICT_TRANS_TABLES'),session_track_system_variables = CONCAT(@@global.session_track_system_variables,',tx_isolation'),NAMES utf8mb4 | set sql_mode=CONCAT(@@sql_mode,',STRICT_TRANS_TABLES'),session_track_system_variables = '*',NAMES utf8mb4
            SET @@session_track_schema=0                     | SET @@session.session_track_schema=1
            SET @@local.session_track_schema := OFF          | SET @@session.session_track_schema := 1
            SET SESSION session_track_state_change = OFF, x = 1 | SET SESSION session_track_state_change = 1, x = 1
            SET @@session.SESSION_TRACK_SYSTEM_VARIABLES='' | SET @@session.SESSION_TRACK_SYSTEM_VARIABLES='*'
            SET GLOBAL a = 1, SESSION session_track_schema = 0 | SET GLOBAL a = 1, SESSION session_track_schema = 1
            SET session_track_schema = 0; SET @@y = 2        | SET session_track_schema = 1; SET @@session.y = 2
            SET GLOBAL session_track_schema = 0              | =
            SET GLOBAL a = 1, session_track_schema = 0       | =
            SET @@global.session_track_system_variables = '' | =
            SET session_track_transaction_info = STATE       | =
            SET session_track_schema                         | =
            SET @@GLOBAL.x = 1                               | =
            SET @@global.x = 1, @@session.y = 2              | =
            SET @@session.x = 1                              | =
            SET @@SESSION.`x` = 1                            | =
            SET @@global.`x` = 1                             | =
            SET @@persist.x = 1                              | =
            SET @a = 1                                       | =
            SET @a = @@b                                     | =
            SET @`a` = 1, @'b' = 2                           | =
            SET x = 1                                        | =
            SET SESSION x = @@y                              | =
            SET GLOBAL x = 1                                 | =
            SET NAMES utf8mb4                                | =
            SET CHARACTER SET utf8                           | =
            SET STATEMENT max_statement_time=1 FOR SELECT @@x | =
            SET STATEMENT @@max_statement_time=1 FOR UPDATE t SET a = @@b | =
            SET TRANSACTION READ ONLY                        | =
            SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED | =
            SET PASSWORD = PASSWORD('x')                     | =
            SET ROLE admin                                   | =
            SET DEFAULT ROLE admin FOR u                     | =
            SELECT @@x                                       | =
            SELECT 1; SET @@x = 1                            | =
            UPDATE t SET a = @@x                             | =
            SETTINGS                                         | =
            /* SET @@x = 1 */ SELECT 1                       | =
            SET                                              | =
            SET @@                                           | =
            SET @@x                                          | =
            SET @@x > 1                                      | =
            ''                                               | =
            """)
    void rewrites(String in, String expected) {
        String want = expected.equals("=") ? null : expected;
        assertEquals(want, SetScope.scopeAssignments(in), in);
    }

    @Test
    void lineCommentsAndNewlines() {
        assertEquals("# lead\nSET @@session.x=1", SetScope.scopeAssignments("# lead\nSET @@x=1"));
        assertEquals("-- lead\nSET\n\t@@session.x\n=\n1", SetScope.scopeAssignments("-- lead\nSET\n\t@@x\n=\n1"));
        assertEquals("SET @@session.x = 1 -- , @@y = 2\n, @@session.z = 3",
                SetScope.scopeAssignments("SET @@x = 1 -- , @@y = 2\n, @@z = 3"));
        assertNull(SetScope.scopeAssignments("-- SET @@x = 1\nSELECT 1"));
        assertNull(SetScope.scopeAssignments("#SET @@x = 1\nSELECT 1"));
    }

    @Test
    void nullAndBlankAreUnchanged() {
        assertNull(SetScope.scopeAssignments(null));
        assertNull(SetScope.scopeAssignments(""));
        assertNull(SetScope.scopeAssignments("   "));
    }

    @Test
    void firstKeywordCheck() {
        assertTrue(SetScope.startsWithSet("set @@x=1"));
        assertTrue(SetScope.startsWithSet("  /* a */ -- b\n# c\n SET"));
        assertTrue(SetScope.startsWithSet("/*!40101 SET NAMES utf8 */"));
        assertTrue(SetScope.startsWithSet("SET(@@x)")); // not valid SQL, but starts with the keyword
        assertFalse(SetScope.startsWithSet("SETX @@x=1"));
        assertFalse(SetScope.startsWithSet("SE"));
        assertFalse(SetScope.startsWithSet("/* unterminated SET"));
        assertFalse(SetScope.startsWithSet("--SET")); // '--' without a space is not a comment: starts with '-'
    }

    /**
     * Client text is untrusted: token soups around SET never make the rewriter throw, and rewriting its own output
     * changes nothing more (the session may see a rewritten statement again, e.g. on a retry).
     */
    @Test
    void tokenSoupsNeverThrowAndRewritingIsStable() {
        String[] tokens = {"SET", "set", " ", "@@", "@", "session", "GLOBAL", "LOCAL", ".", "`", "'", "\"", "=",
            ":=", ",", ";", "(", ")", "/*", "*/", "/*!40101", "-- ", "\n", "#", "session_track_system_variables",
            "session_track_schema", "session_track_state_change", "sql_mode", "x", "1", "'*'", "CONCAT", "NAMES",
            "STATEMENT", "FOR", "ROLE", "TRANSACTION", "\\", "@@session.", "@@global.", "@@local.", "PERSIST"};
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sql = new StringBuilder(random.nextBoolean() ? "SET " : "");
            for (int k = random.nextInt(14); k >= 0; k--) {
                sql.append(tokens[random.nextInt(tokens.length)]);
            }
            String in = sql.toString();
            String out = SetScope.scopeAssignments(in);
            if (out != null) {
                String again = SetScope.scopeAssignments(out);
                assertTrue(again == null || again.equals(out), in + " -> " + out + " -> " + again);
            }
        }
    }

    @Test
    void rewrittenTextClassifiesLikeTheOriginal() {
        QueryClassifier c = TestClassifiers.cached();
        String[] samples = {"SET @@autocommit = 0", "SET @@a=1, @@b=2", "/*!40101 SET @@sql_mode = '' */",
            "SET @@local.time_zone = 'UTC'"};
        for (String s : samples) {
            String r = SetScope.scopeAssignments(s);
            assertEquals(c.classify(s).effects(), c.classify(r).effects(), s + " vs " + r);
        }
    }
}
