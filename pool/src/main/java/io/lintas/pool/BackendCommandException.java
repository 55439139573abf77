package io.lintas.pool;

import io.lintas.wire.message.ErrPacket;

/** An internal command (ping, session setup, state sync) was answered with an ERR; the connection stays usable. */
public final class BackendCommandException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ErrPacket serverError;

    public BackendCommandException(String message, ErrPacket serverError) {
        super(message, null, false, false);
        this.serverError = serverError;
    }

    /** The server's answer. */
    public ErrPacket serverError() {
        return serverError;
    }
}
