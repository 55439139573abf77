package io.lintas.proxy.session;

import io.lintas.router.Classification;


/**
 * A statement a client prepared, under the id Lintas gave it. The server-side statement lives on whichever
 * backend connection runs it (prepared there on first use, by SQL text); this keeps what is needed to do that
 * and to route each execution.
 */
final class ClientStatement {
    final int id;
    final String sql;
    final Classification classification;
    final int parameters;
    final int columns;
    final boolean usesLastInsertId;
    /**
     * Which of the session's live statements with this same text this is (0 for the first). It is part of the
     * backend cache key, so two of them never share one server-side statement: each keeps its own cursor and
     * long data, and preparing the second does not close the first's.
     */
    final int copy;
    /** Parameter types (2 bytes each) from the last execute that sent them, or null. */
    byte[] parameterTypes;
    /** A cursor is open on the held connection (COM_STMT_FETCH reads from it). */
    boolean cursorOpen;
    /** COM_STMT_SEND_LONG_DATA sent data for the next execute to the held connection. */
    boolean longDataPending;
    /**
     * The schema the client prepared it in (null: none). MariaDB resolves its unqualified names there for good,
     * whatever USE comes later, so it is prepared in this schema on every connection and keyed by it.
     */
    final String schema;
    /** The backend cache key, made once (no new string to hash per execute). */
    private final String key;

    ClientStatement(int id, String sql, Classification classification, int parameters, int columns,
                    boolean usesLastInsertId, int copy, String schema) {
        this.id = id;
        this.sql = sql;
        this.classification = classification;
        this.parameters = parameters;
        this.columns = columns;
        this.usesLastInsertId = usesLastInsertId;
        this.copy = copy;
        this.schema = schema;
        String text = schema == null ? sql : schema + '\u0000' + sql;
        this.key = copy == 0 ? text : copy + "\u0001" + text;
    }

    /** The key of this statement in a connection's statement cache. */
    String key() {
        return key;
    }

    /** True while this statement needs the connection it ran on. */
    boolean needsConnection() {
        return cursorOpen || longDataPending;
    }
}
