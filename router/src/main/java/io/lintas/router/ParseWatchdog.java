package io.lintas.router;

import net.sf.jsqlparser.parser.CCJSqlParser;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Aborts a jsqlparser run that exceeds its time budget by setting the parser's {@code interrupted} flag, which
 * the generated parser polls in its expression and lookahead code (the mechanism jsqlparser's own timeout uses,
 * minus the executor that would move parsing to another thread).
 *
 * <p>One shared daemon thread serves every classifier; arming costs one scheduled task, and only parses
 * (digest-cache misses) arm it. The abort is cooperative, so a parse may overrun its budget by the time until
 * the parser next polls the flag (measured: tens of milliseconds at worst on pathological nesting).
 */
final class ParseWatchdog {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private ParseWatchdog() {
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "lintas-parse-watchdog");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /** Starts the clock for one check; {@code millis <= 0} means no budget. */
    static Ticket arm(long millis) {
        Ticket ticket = new Ticket();
        if (millis > 0) {
            ticket.future = TIMER.schedule(ticket::expire, millis, TimeUnit.MILLISECONDS);
        }
        return ticket;
    }

    /** The budget of one check, shared by the parsers it tries in turn. */
    static final class Ticket {
        private volatile CCJSqlParser current;
        private volatile boolean expired;
        private ScheduledFuture<?> future;

        /** Puts {@code parser} under this budget (aborting it at once if the budget is already spent). */
        CCJSqlParser watch(CCJSqlParser parser) {
            current = parser;
            if (expired) {
                parser.interrupted = true;
            }
            return parser;
        }

        /** Whether the budget ran out. */
        boolean expired() {
            return expired;
        }

        private void expire() {
            expired = true;
            CCJSqlParser p = current;
            if (p != null) {
                p.interrupted = true;
            }
        }

        /** Stops the clock. */
        void disarm() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            current = null;
        }
    }
}
