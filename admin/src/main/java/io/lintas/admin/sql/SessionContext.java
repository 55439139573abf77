package io.lintas.admin.sql;

/** What the engine needs to know about the admin session a statement comes from. */
public final class SessionContext {
    private final long connectionId;
    private final String user;
    private volatile String schema;

    /** A session of {@code user} with id {@code connectionId}, starting in {@code schema} (null = main). */
    public SessionContext(long connectionId, String user, String schema) {
        this.connectionId = connectionId;
        this.user = user;
        this.schema = schema == null || schema.isEmpty() ? AdminSchema.MAIN : schema;
    }

    /** The admin connection id. */
    public long connectionId() {
        return connectionId;
    }

    /** The logged-in admin user. */
    public String user() {
        return user;
    }

    /** The current schema (main, stats or monitor). */
    public String schema() {
        return schema;
    }

    void schema(String schema) {
        this.schema = schema;
    }
}
