package io.lintas.router;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every statement of {@code statements.tsv} gets the expected route, effects and statement type. */
class QueryClassifierTableTest {
    private static QueryClassifier classifier;

    @BeforeAll
    static void setUp() {
        classifier = TestClassifiers.cached();
    }

    static List<StatementTable.Row> rows() {
        return StatementTable.rows();
    }

    @Test
    void tableIsLargeEnough() {
        assertTrue(rows().size() >= 200, "statements.tsv must hold at least 200 statements");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void classifiesAsExpected(StatementTable.Row row) {
        Classification c = classifier.classify(row.sql());
        String what = row + " -> " + c;
        assertEquals(row.route(), c.route(), "route of " + what);
        assertEquals(row.effects(), c.effects(), "effects of " + what);
        assertEquals(row.type(), c.statementType(), "statement type of " + what);
    }
}
