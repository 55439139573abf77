package io.lintas.pool.state;

import io.lintas.wire.message.SessionStateChange;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The session state that lives on a MariaDB connection and that Lintas can describe and restore: the current
 * schema, the session variables changed since login (as the server's session tracker reported them), and the
 * last insert id. A client session keeps the state it expects; every backend connection keeps the state it
 * has; {@link StateSync} brings the second in line with the first.
 *
 * <p>Not thread-safe: a client session's state is touched only on its event loop, a connection's only by the
 * session that borrowed it (on the same loop).
 */
public final class SessionState {
    private String schema;
    private final HashMap<String, String> variables = new HashMap<>();
    private final Map<String, String> readOnlyVariables = Collections.unmodifiableMap(variables);
    private long lastInsertId;

    /** Empty state in {@code schema} (null: no schema selected). */
    public SessionState(String schema) {
        this.schema = schema;
    }

    /** The current schema, or null. */
    public String schema() {
        return schema;
    }

    /** Sets the current schema. */
    public void setSchema(String schema) {
        this.schema = schema;
    }

    /** Session variables changed since login, by lower-case name; read-only view. */
    public Map<String, String> variables() {
        return readOnlyVariables;
    }

    /** The value of a changed variable, or null when it still has its login value. */
    public String variable(String name) {
        return variables.get(name);
    }

    /** Records a changed variable (name is lower-cased). */
    public void setVariable(String name, String value) {
        variables.put(name.toLowerCase(Locale.ROOT), value);
    }

    /** Forgets a variable: it has its login value again. */
    public void clearVariable(String name) {
        variables.remove(name.toLowerCase(Locale.ROOT));
    }

    /** LAST_INSERT_ID() of the session. */
    public long lastInsertId() {
        return lastInsertId;
    }

    /** Records LAST_INSERT_ID() as an OK packet reported it (0 leaves it unchanged, as the server does). */
    public void setLastInsertId(long id) {
        this.lastInsertId = id;
    }

    /**
     * Applies what a server's session tracker reported: variables and schema. Variables for which
     * {@code accept} returns false are skipped (the caller handles them).
     */
    public void apply(List<SessionStateChange> changes) {
        for (SessionStateChange c : changes) {
            if (c instanceof SessionStateChange.SystemVariable v) {
                setVariable(v.name(), v.value());
            } else if (c instanceof SessionStateChange.Schema s) {
                schema = s.name() == null || s.name().isEmpty() ? null : s.name();
            }
        }
    }

    /** Back to a fresh login in {@code newSchema}. */
    public void reset(String newSchema) {
        schema = newSchema;
        variables.clear();
        lastInsertId = 0;
    }

    /** Makes this state equal to {@code other}. */
    public void copyFrom(SessionState other) {
        schema = other.schema;
        variables.clear();
        variables.putAll(other.variables);
        lastInsertId = other.lastInsertId;
    }

    @Override
    public String toString() {
        return "SessionState{schema=" + schema + ", variables=" + variables + ", lastInsertId=" + lastInsertId + "}";
    }
}
