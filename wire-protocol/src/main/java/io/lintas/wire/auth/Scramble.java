package io.lintas.wire.auth;

import java.security.SecureRandom;

/** Random challenge bytes for a handshake: printable ASCII without NUL, as servers send. */
public final class Scramble {
    /**
     * One generator per thread: the default NativePRNG reads /dev/urandom under one JVM-wide lock, which showed
     * up in connect-per-request profiles; DRBG instances seeded once per event loop thread do not share one.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Scramble::newRandom);

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    private Scramble() {}

    /** A fresh 20-byte scramble. */
    public static byte[] generate() {
        byte[] out = new byte[NativePassword.SCRAMBLE_LENGTH];
        RANDOM.get().nextBytes(out);
        for (int i = 0; i < out.length; i++) {
            // Map into 0x21..0x7e: no NUL (which would end the string in the greeting) and no '$' issues.
            out[i] = (byte) (0x21 + ((out[i] & 0xFF) % 94));
        }
        return out;
    }
}
