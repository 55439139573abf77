package io.lintas.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Adds the tail of every running Lintas process's log and the sandbox's node states to a failing test (as
 * suppressed exceptions, so they show up in the failsafe report next to the failure) and prints them to
 * stderr. The cluster is shared: a node restarted by someone else shows up here.
 */
public final class LintasLogOnFailure implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    private static final int LINES = 80;

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw attach(context, throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw attach(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw attach(context, throwable);
    }

    private static Throwable attach(ExtensionContext context, Throwable throwable) {
        String status = "Galera sandbox at the time of the failure (bin/lintas-sandbox status):\n" + Sandbox.status();
        System.err.println("[" + context.getDisplayName() + "] " + status);
        throwable.addSuppressed(new LintasLog(status));
        for (LintasProcess p : LintasProcess.running()) {
            String tail = "last " + LINES + " lines of the Lintas log " + p.logFile() + " (process "
                + (p.isAlive() ? "alive" : "DEAD") + "):\n" + p.logTail(LINES);
            System.err.println("[" + context.getDisplayName() + "] " + tail);
            throwable.addSuppressed(new LintasLog(tail));
        }
        return throwable;
    }

    /** Carries a log tail; not an error by itself. */
    static final class LintasLog extends Exception {
        private static final long serialVersionUID = 1L;

        LintasLog(String message) {
            super(message, null, false, false);
        }
    }
}
