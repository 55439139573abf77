package io.lintas.wire;

/** A payload that does not follow the protocol; the peer gets ER_MALFORMED_PACKET or a disconnect. */
public final class MalformedPacketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a description of what was wrong. */
    public MalformedPacketException(String message) {
        super(message, null, false, false);
    }
}
