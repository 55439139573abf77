package io.lintas.pool;

/**
 * Counts what flows through a backend connection. Called on the connection's event loop for every frame,
 * so implementations must be cheap and thread-safe across loops (e.g. {@link java.util.concurrent.atomic.LongAdder}).
 */
public interface TrafficMeter {
    /** A meter that counts nothing. */
    TrafficMeter NONE = new TrafficMeter() {
        @Override
        public void commandStarted() {
        }

        @Override
        public void bytesSent(int bytes) {
        }

        @Override
        public void bytesReceived(int bytes) {
        }
    };

    /** A relayed command started ({@link BackendConnection#startCommand}); internal commands are not counted. */
    void commandStarted();

    /** Frame bytes (headers included) written to the server. */
    void bytesSent(int bytes);

    /** Frame bytes (headers included) read from the server; reported once per read batch. */
    void bytesReceived(int bytes);

    /**
     * The server completed a response at {@code nanos} ({@link System#nanoTime()}): proof the node is alive, which
     * the monitor weighs against a health check that timed out. Once per response, not per frame.
     */
    default void answered(long nanos) {
    }
}
