package io.lintas.proxy.session;

import io.lintas.router.Classification;

import java.util.Objects;

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
    /** The backend cache key and the schema it was made for: an execute reuses it (no new string to hash). */
    private String key;
    private String keySchema;

    ClientStatement(int id, String sql, Classification classification, int parameters, int columns,
                    boolean usesLastInsertId, int copy) {
        this.id = id;
        this.sql = sql;
        this.classification = classification;
        this.parameters = parameters;
        this.columns = columns;
        this.usesLastInsertId = usesLastInsertId;
        this.copy = copy;
    }

    /** The key of this statement in a connection's statement cache while the session's schema is {@code schema}. */
    String key(String schema) {
        if (key == null || !Objects.equals(schema, keySchema)) {
            String text = schema == null ? sql : schema + '\u0000' + sql;
            key = copy == 0 ? text : copy + "\u0001" + text;
            keySchema = schema;
        }
        return key;
    }

    /** True while this statement needs the connection it ran on. */
    boolean needsConnection() {
        return cursorOpen || longDataPending;
    }
}
