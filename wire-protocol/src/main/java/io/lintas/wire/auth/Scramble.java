package io.lintas.wire.auth;

import java.security.SecureRandom;

/** Random challenge bytes for a handshake: printable ASCII without NUL, as servers send. */
public final class Scramble {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Scramble() {}

    /** A fresh 20-byte scramble. */
    public static byte[] generate() {
        byte[] out = new byte[NativePassword.SCRAMBLE_LENGTH];
        RANDOM.nextBytes(out);
        for (int i = 0; i < out.length; i++) {
            // Map into 0x21..0x7e: no NUL (which would end the string in the greeting) and no '$' issues.
            out[i] = (byte) (0x21 + ((out[i] & 0xFF) % 94));
        }
        return out;
    }
}
