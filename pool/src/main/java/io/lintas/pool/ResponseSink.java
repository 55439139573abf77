package io.lintas.pool;

import io.lintas.wire.Packet;
import io.lintas.wire.ResponseTracker;
import io.lintas.wire.message.SessionStateChange;

import java.util.List;

/** Receives a backend's response frames as they arrive; called on the connection's event loop. */
public interface ResponseSink {

    /** One frame of the response; the sink owns {@code frame} and must release or forward it. */
    void onResponseFrame(Packet frame, ResponseTracker.Event event);

    /** The backend socket has no more bytes for now: a good moment to flush what was forwarded. */
    void onReadComplete();

    /** The backend's outbound buffer crossed a water mark; stop or resume feeding it. */
    void onWritabilityChanged(boolean writable);

    /** The connection closed or failed while this sink was attached. */
    void onBackendLost(Throwable cause);

    /**
     * The OK packet about to be passed to {@link #onResponseFrame} reported these session-state changes
     * (system variables, schema, "state changed"). Only called on connections logged in with
     * {@link LoginRequest#trackSessionState()}, and only when the list is not empty.
     */
    default void onSessionStateChanges(List<SessionStateChange> changes) {
    }
}
