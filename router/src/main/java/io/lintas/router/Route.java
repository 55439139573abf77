package io.lintas.router;

/** Where a statement may run: on a reader node or only on the writer node. */
public enum Route {
    /** Safe on any synced reader node: the statement neither changes data nor depends on writer-side state. */
    READ,
    /** Must run on the writer node. */
    WRITE
}
