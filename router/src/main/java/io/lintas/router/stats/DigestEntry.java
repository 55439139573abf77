package io.lintas.router.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** The counters of one (digest, hostgroup, user, schema) key; updated lock-free from any thread. */
final class DigestEntry {
    private static final VarHandle COUNT;
    private static final VarHandle SUM;
    private static final VarHandle MIN;
    private static final VarHandle MAX;
    private static final VarHandle LAST_SEEN;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COUNT = l.findVarHandle(DigestEntry.class, "count", long.class);
            SUM = l.findVarHandle(DigestEntry.class, "sum", long.class);
            MIN = l.findVarHandle(DigestEntry.class, "min", long.class);
            MAX = l.findVarHandle(DigestEntry.class, "max", long.class);
            LAST_SEEN = l.findVarHandle(DigestEntry.class, "lastSeen", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long digestId;
    final int hostgroup;
    final String username;
    final String schema;
    final String digestText;
    final long firstSeen;
    final int hash;

    @SuppressWarnings("unused") // through COUNT
    private volatile long count;
    @SuppressWarnings("unused") // through SUM
    private volatile long sum;
    @SuppressWarnings("unused") // through MIN
    private volatile long min = Long.MAX_VALUE;
    @SuppressWarnings("unused") // through MAX
    private volatile long max;
    @SuppressWarnings("unused") // through LAST_SEEN
    private volatile long lastSeen;

    DigestEntry(long digestId, int hostgroup, String username, String schema, String digestText, long now, int hash) {
        this.digestId = digestId;
        this.hostgroup = hostgroup;
        this.username = username;
        this.schema = schema;
        this.digestText = digestText;
        this.firstSeen = now;
        this.lastSeen = now;
        this.hash = hash;
    }

    boolean is(long id, int hg, String user, String schemaName, int h) {
        return hash == h && digestId == id && hostgroup == hg && username.equals(user) && schema.equals(schemaName);
    }

    void add(long micros, long now) {
        COUNT.getAndAdd(this, 1L);
        SUM.getAndAdd(this, micros);
        long m = (long) MIN.getVolatile(this);
        while (micros < m && !MIN.weakCompareAndSet(this, m, micros)) {
            m = (long) MIN.getVolatile(this);
        }
        m = (long) MAX.getVolatile(this);
        while (micros > m && !MAX.weakCompareAndSet(this, m, micros)) {
            m = (long) MAX.getVolatile(this);
        }
        m = (long) LAST_SEEN.getVolatile(this);
        while (now > m && !LAST_SEEN.weakCompareAndSet(this, m, now)) {
            m = (long) LAST_SEEN.getVolatile(this);
        }
    }

    DigestRow row() {
        long n = (long) COUNT.getVolatile(this);
        long lo = (long) MIN.getVolatile(this);
        return new DigestRow(hostgroup, schema, username, String.format("0x%016X", digestId), digestText, n,
                firstSeen, (long) LAST_SEEN.getVolatile(this), (long) SUM.getVolatile(this),
                lo == Long.MAX_VALUE ? 0 : lo, (long) MAX.getVolatile(this));
    }
}
