package io.lintas.pool;

import io.lintas.pool.state.SessionState;
import io.lintas.pool.state.StateSync;
import io.lintas.wire.message.OkPacket;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.util.Map;

/**
 * Brings a borrowed connection's session state in line with what a client session expects, in as few round
 * trips as the difference needs: none when they match, else COM_CHANGE_USER (only to leave a schema), COM_INIT_DB,
 * and one combined SET. Runs on the connection's event loop; failures carry the server's error
 * ({@link BackendCommandException#serverError()}) when there was one.
 */
public final class SessionSync {
    private SessionSync() {}

    /**
     * Syncs {@code conn} to {@code expected} plus {@code extra} (variables for the next statement only, may be
     * null); {@code lastInsertIdMatters} also carries LAST_INSERT_ID() over. Null when already in sync (no
     * allocation on that path), else a future that completes when the connection is in line.
     */
    public static Future<Void> syncIfNeeded(BackendConnection conn, SessionState expected, Map<String, String> extra,
                                            boolean lastInsertIdMatters, long timeoutMillis) {
        SessionState actual = conn.sessionState();
        if (StateSync.inSync(expected, actual, extra, lastInsertIdMatters)) {
            return null;
        }
        StateSync.Plan plan = StateSync.plan(expected, actual, extra, lastInsertIdMatters, conn.loginCharacterSet(),
            conn.capabilities());
        Promise<Void> done = conn.channel().eventLoop().newPromise();
        stepFresh(conn, plan, expected, extra, lastInsertIdMatters, timeoutMillis, done);
        return done;
    }

    private static void stepFresh(BackendConnection conn, StateSync.Plan plan, SessionState expected,
                                  Map<String, String> extra, boolean lid, long timeout, Promise<Void> done) {
        if (!plan.needsFreshSession()) {
            stepSchema(conn, plan, expected, extra, lid, timeout, done);
            return;
        }
        conn.freshSession().addListener((Future<OkPacket> f) -> {
            if (f.isSuccess()) {
                stepSchema(conn, plan, expected, extra, lid, timeout, done);
            } else {
                done.tryFailure(f.cause());
            }
        });
    }

    private static void stepSchema(BackendConnection conn, StateSync.Plan plan, SessionState expected,
                                   Map<String, String> extra, boolean lid, long timeout, Promise<Void> done) {
        if (plan.schema() == null) {
            stepSet(conn, plan, expected, extra, lid, timeout, done);
            return;
        }
        conn.initDb(plan.schema(), timeout).addListener((Future<OkPacket> f) -> {
            if (f.isSuccess()) {
                conn.sessionState().setSchema(plan.schema());
                stepSet(conn, plan, expected, extra, lid, timeout, done);
            } else {
                done.tryFailure(f.cause());
            }
        });
    }

    private static void stepSet(BackendConnection conn, StateSync.Plan plan, SessionState expected,
                                Map<String, String> extra, boolean lid, long timeout, Promise<Void> done) {
        if (plan.setStatement() == null) {
            StateSync.applied(expected, conn.sessionState(), extra, lid);
            done.trySuccess(null);
            return;
        }
        conn.executeInternal(plan.setStatement(), timeout).addListener((Future<OkPacket> f) -> {
            if (f.isSuccess()) {
                StateSync.applied(expected, conn.sessionState(), extra, lid);
                done.trySuccess(null);
            } else {
                done.tryFailure(f.cause());
            }
        });
    }
}
