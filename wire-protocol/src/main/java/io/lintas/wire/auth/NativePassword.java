package io.lintas.wire.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * mysql_native_password: token = SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))).
 *
 * <p>The proxy stores only SHA1(SHA1(password)) (the {@code *HEX} form of {@code mysql.user}). A client's
 * token then reveals SHA1(password) ("stage 1"), which is enough to log in to a backend with a fresh
 * scramble, so no clear password needs to sit in the config.
 */
public final class NativePassword {
    public static final String PLUGIN_NAME = "mysql_native_password";
    public static final int SCRAMBLE_LENGTH = 20;

    private NativePassword() {}

    /** SHA1(password): what the proxy needs to log in to a backend. */
    public static byte[] stage1(String password) {
        return sha1(password.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA1(SHA1(password)), as stored in mysql.user. */
    public static byte[] stage2(byte[] stage1) {
        return sha1(stage1);
    }

    /** The {@code *HEX} string of SHA1(SHA1(password)) (upper case, 41 characters). */
    public static String storedHash(String password) {
        return "*" + HexFormat.of().withUpperCase().formatHex(stage2(stage1(password)));
    }

    /** Parses a {@code *HEX} stored hash into its 20 bytes; throws IllegalArgumentException when malformed. */
    public static byte[] parseStoredHash(String stored) {
        if (stored == null || stored.length() != 41 || stored.charAt(0) != '*') {
            throw new IllegalArgumentException("expected '*' followed by 40 hex digits");
        }
        try {
            return HexFormat.of().parseHex(stored.substring(1).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected '*' followed by 40 hex digits");
        }
    }

    /** The token a client sends for {@code stage1} and {@code scramble}; empty for an empty password. */
    public static byte[] token(byte[] stage1, byte[] scramble) {
        if (stage1 == null) {
            return new byte[0];
        }
        byte[] mask = sha1(scramble20(scramble), stage2(stage1));
        return xor(stage1, mask);
    }

    /** The token for a clear password; empty for an empty password, as clients send. */
    public static byte[] scramble(String password, byte[] scramble) {
        if (password == null || password.isEmpty()) {
            return new byte[0];
        }
        return token(stage1(password), scramble);
    }

    /**
     * Recovers SHA1(password) from a client's token, verified against the stored SHA1(SHA1(password)).
     *
     * @return stage 1, or null when the token does not match (wrong password)
     */
    public static byte[] recoverStage1(byte[] token, byte[] scramble, byte[] storedStage2) {
        if (token == null || token.length != SCRAMBLE_LENGTH || storedStage2 == null) {
            return null;
        }
        byte[] mask = sha1(scramble20(scramble), storedStage2);
        byte[] candidate = xor(token, mask);
        return MessageDigest.isEqual(sha1(candidate), storedStage2) ? candidate : null;
    }

    private static byte[] scramble20(byte[] scramble) {
        if (scramble.length == SCRAMBLE_LENGTH) {
            return scramble;
        }
        byte[] s = new byte[SCRAMBLE_LENGTH];
        System.arraycopy(scramble, 0, s, 0, Math.min(scramble.length, SCRAMBLE_LENGTH));
        return s;
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    static byte[] sha1(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }
}
