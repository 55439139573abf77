package io.lintas.admin.sql;

import java.util.List;

/** What one admin statement produced: a result set, an OK, or an error; written to the client by the session. */
public sealed interface AdminResult {

    /** A text result set; {@code null} entries in a row are SQL NULL. */
    record Rows(List<Column> columns, List<String[]> rows) implements AdminResult {
        /** Copies the column list; rows are taken as built by the engine. */
        public Rows {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    /** Success without rows. */
    record Ok(long affectedRows, String info) implements AdminResult {
        /** A plain OK with nothing affected. */
        public static final Ok EMPTY = new Ok(0, "");
    }

    /** An error to send as an ERR packet. */
    record Error(int code, String sqlState, String message) implements AdminResult {}

    /** One column of a result set. */
    record Column(String schema, String table, String name, ColumnType type) {
        /** A string column without table. */
        public static Column text(String name) {
            return new Column("", "", name, ColumnType.VAR_STRING);
        }
    }

    /** MySQL column types the admin interface produces. */
    enum ColumnType {
        TINY(0x01), LONGLONG(0x08), DOUBLE(0x05), NEWDECIMAL(0xf6), DATE(0x0a), TIME(0x0b), DATETIME(0x0c),
        BLOB(0xfc), VAR_STRING(0xfd);

        private final int code;

        ColumnType(int code) {
            this.code = code;
        }

        /** The type byte of a column definition packet. */
        public int code() {
            return code;
        }

        /** True for the types whose values are numbers (the column is flagged NUM and binary). */
        public boolean numeric() {
            return this == TINY || this == LONGLONG || this == DOUBLE || this == NEWDECIMAL;
        }
    }
}
