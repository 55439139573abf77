package io.lintas.router;

/** A routing hint written by the application as a leading comment, e.g. {@code /* lintas:reader *}{@code /}. */
public enum RoutingHint {
    /** No hint comment before the first token. */
    NONE,
    /** {@code /* lintas:reader *}{@code /}: run on a reader if that is safe. */
    READER,
    /** {@code /* lintas:writer *}{@code /}: always run on the writer. */
    WRITER
}
