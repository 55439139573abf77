package io.lintas.pool;

import io.lintas.wire.message.ErrPacket;

/** A backend login failed: either the server answered with an error, or the connection failed. */
public final class BackendLoginException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ErrPacket serverError;

    /** The server refused the login with {@code serverError}. */
    public BackendLoginException(String message, ErrPacket serverError) {
        super(message, null, false, false);
        this.serverError = serverError;
    }

    /** The connection failed before the server answered. */
    public BackendLoginException(String message, Throwable cause) {
        super(message, cause, false, false);
        this.serverError = null;
    }

    /** The server's ERR, or null when the failure was not an answer from the server. */
    public ErrPacket serverError() {
        return serverError;
    }
}
