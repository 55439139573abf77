package io.lintas.admin.metrics;

import java.util.Locale;

/** Where a statement was sent: the label {@code route} of {@code lintas_statements_total}. */
public enum StatementRoute {
    /** A reader node. */
    READER,
    /** The writer. */
    WRITER;

    /** The label value: {@code reader} or {@code writer}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
