package io.lintas.pool.state;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prepared statements open on one backend connection, by SQL text, least recently used first. Sessions
 * share a connection's statements: a client's statement id maps to the text, and the text to the id the
 * server gave on this connection. Bounded: adding beyond the capacity evicts the least recently used, which
 * the caller must close on the server (COM_STMT_CLOSE).
 */
public final class StatementCache {
    /** One statement prepared on the connection. */
    public static final class BackendStatement {
        private final int id;
        private final int parameters;
        private final int columns;
        private byte[] boundTypes;
        private boolean inUse;

        BackendStatement(int id, int parameters, int columns) {
            this.id = id;
            this.parameters = parameters;
            this.columns = columns;
        }

        /** The server's statement id on this connection. */
        public int id() {
            return id;
        }

        /** Number of parameters. */
        public int parameters() {
            return parameters;
        }

        /** Number of result columns. */
        public int columns() {
            return columns;
        }

        /** The parameter types (2 bytes each) the server last got for this statement on this connection, or null. */
        public byte[] boundTypes() {
            return boundTypes;
        }

        /** Records the parameter types an execute sent to the server on this connection. */
        public void bindTypes(byte[] types) {
            boundTypes = types;
        }

        /**
         * Marks the statement as holding state of a session on the server (an open cursor, long data for the next
         * execute): it is then never evicted, since closing it would lose that state.
         */
        public void setInUse(boolean inUse) {
            this.inUse = inUse;
        }

        /** True while a session's cursor or long data lives on this statement. */
        public boolean inUse() {
            return inUse;
        }
    }

    private final LinkedHashMap<String, BackendStatement> bySql = new LinkedHashMap<>(16, 0.75f, true);

    /** The statement prepared for {@code sql}, marked as most recently used, or null. */
    public BackendStatement get(String sql) {
        return bySql.get(sql);
    }

    /**
     * Records a statement the server prepared; returns the ids of the statements evicted to keep at most
     * {@code capacity} (and of one previously prepared for the same text), which the caller must close on the
     * server.
     */
    public List<Integer> put(String sql, int id, int parameters, int columns, int capacity) {
        List<Integer> evicted = new ArrayList<>(0);
        BackendStatement previous = bySql.put(sql, new BackendStatement(id, parameters, columns));
        if (previous != null && previous.id != id) {
            evicted.add(previous.id);
        }
        Iterator<Map.Entry<String, BackendStatement>> it = bySql.entrySet().iterator();
        while (bySql.size() > Math.max(1, capacity) && it.hasNext()) {
            Map.Entry<String, BackendStatement> e = it.next();
            if (e.getKey().equals(sql) || e.getValue().inUse) {
                continue;
            }
            evicted.add(e.getValue().id);
            it.remove();
        }
        return evicted;
    }

    /** Forgets the statement for {@code sql}; returns it (to close on the server) or null. */
    public BackendStatement remove(String sql) {
        return bySql.remove(sql);
    }

    /** Number of statements open on the connection. */
    public int size() {
        return bySql.size();
    }

    /** Forgets everything (the server dropped the statements: reset or change of user). */
    public void clear() {
        bySql.clear();
    }
}
