package io.lintas.proxy.session;

import io.lintas.pool.BackendConnection;
import io.lintas.pool.PoolKey;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code KILL QUERY} from the admin interface: runs on a pooled connection of the session's own user and loop. */
final class AdminKill {
    private static final Logger log = LoggerFactory.getLogger(AdminKill.class);

    private AdminKill() {}

    /** Sends {@code KILL QUERY thread} to the key's node (on {@code loop}); never blocks. */
    static void killQuery(ProxyContext context, long connectionId, PoolKey key, EventLoop loop, long thread, long timeoutMs) {
        context.pool().borrow(key, loop).addListener((Future<BackendConnection> f) -> {
            if (!f.isSuccess()) {
                log.warn("admin KILL QUERY {}: cannot reach {}: {}", connectionId, key.node().name(), f.cause().getMessage());
                return;
            }
            BackendConnection c = f.getNow();
            c.executeInternal("KILL QUERY " + thread, timeoutMs).addListener(done -> {
                if (done.isSuccess()) {
                    log.info("admin killed the query of connection {} (thread {} on {})", connectionId, thread,
                        key.node().name());
                } else {
                    c.markDirty();
                    log.warn("admin KILL QUERY {} failed on {}: {}", connectionId, key.node().name(),
                        done.cause().getMessage());
                }
                context.pool().release(c);
            });
        });
    }
}
