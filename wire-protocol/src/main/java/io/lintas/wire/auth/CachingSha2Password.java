package io.lintas.wire.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * caching_sha2_password (MySQL 8's default plugin): the scramble math and the RSA password transport.
 *
 * <p>Token = SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble). A server that has cached
 * SHA256(SHA256(pw)) ("stage 2") from an earlier full authentication verifies the token without the
 * password (fast path) and recovers SHA256(pw) ("stage 1"). Otherwise it asks for the clear password:
 * as is over TLS, or RSA-OAEP encrypted (XORed with the scramble first) over plain TCP.
 */
public final class CachingSha2Password {
    public static final String PLUGIN_NAME = "caching_sha2_password";
    /** Length of a SHA-256 digest, and so of a token. */
    public static final int DIGEST_LENGTH = 32;
    /** Client to server, over plain TCP: "send me your RSA public key". */
    public static final int REQUEST_PUBLIC_KEY = 0x02;
    /** Server to client (after 0x01): the cached digest matched, an OK follows. */
    public static final int FAST_AUTH_SUCCESS = 0x03;
    /** Server to client (after 0x01): send the password (clear over TLS, RSA-encrypted otherwise). */
    public static final int PERFORM_FULL_AUTHENTICATION = 0x04;
    /** The JCE name of the padding MySQL uses since 8.0.5 (OpenSSL's RSA_PKCS1_OAEP_PADDING: SHA-1, MGF1-SHA-1). */
    public static final String RSA_TRANSFORMATION = "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";

    private CachingSha2Password() {}

    /** SHA256(password). */
    public static byte[] stage1(byte[] password) {
        return sha256(password);
    }

    /** SHA256(password) of a UTF-8 password. */
    public static byte[] stage1(String password) {
        return sha256(password.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA256(SHA256(password)): what the server caches for the fast path. */
    public static byte[] stage2(byte[] stage1) {
        return sha256(stage1);
    }

    /** The client's token for {@code stage1} (SHA256(pw)) and {@code scramble}; a single NUL for no password. */
    public static byte[] token(byte[] stage1, byte[] scramble) {
        if (stage1 == null) {
            // libmysqlclient sends one zero byte for an empty password; servers accept it and an empty packet.
            return new byte[] {0};
        }
        return xor(stage1, sha256(stage2(stage1), nonce(scramble)));
    }

    /** The client's token for a clear password. */
    public static byte[] scramble(byte[] password, byte[] scramble) {
        return token(password == null || password.length == 0 ? null : stage1(password), scramble);
    }

    /** True when a token means "no password" (empty, or the single NUL clients send). */
    public static boolean isEmptyToken(byte[] token) {
        return token.length == 0 || (token.length == 1 && token[0] == 0);
    }

    /**
     * Recovers SHA256(password) from a token, checked against the cached SHA256(SHA256(password)).
     *
     * @return stage 1, or null when the token does not match
     */
    public static byte[] recoverStage1(byte[] token, byte[] scramble, byte[] cachedStage2) {
        if (token == null || token.length != DIGEST_LENGTH || cachedStage2 == null || cachedStage2.length != DIGEST_LENGTH) {
            return null;
        }
        byte[] candidate = xor(token, sha256(cachedStage2, nonce(scramble)));
        return MessageDigest.isEqual(sha256(candidate), cachedStage2) ? candidate : null;
    }

    /** RSA-OAEP of (password + NUL) XOR scramble: what a client sends over plain TCP. */
    public static byte[] encryptPassword(byte[] password, byte[] scramble, PublicKey serverKey) {
        byte[] plain = Arrays.copyOf(password, password.length + 1);
        xorCyclic(plain, nonce(scramble));
        try {
            Cipher cipher = Cipher.getInstance(RSA_TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, serverKey);
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            // A password longer than the key allows (214 bytes for RSA-2048) ends up here.
            throw new IllegalArgumentException("cannot RSA-encrypt the password: " + e.getClass().getSimpleName(), e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Reverses {@link #encryptPassword}: the clear password without its NUL, or null when the cipher text
     * does not decrypt (wrong key, wrong padding, garbage).
     */
    public static byte[] decryptPassword(byte[] cipherText, byte[] scramble, PrivateKey key) {
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance(RSA_TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key);
            plain = cipher.doFinal(cipherText);
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
        xorCyclic(plain, nonce(scramble));
        // As the server does: the password ends at the first NUL.
        int end = 0;
        while (end < plain.length && plain[end] != 0) {
            end++;
        }
        byte[] password = Arrays.copyOf(plain, end);
        Arrays.fill(plain, (byte) 0);
        return password;
    }

    /** The 20-byte nonce of a scramble (a trailing NUL some servers append is not part of it). */
    static byte[] nonce(byte[] scramble) {
        if (scramble.length > NativePassword.SCRAMBLE_LENGTH) {
            return Arrays.copyOf(scramble, NativePassword.SCRAMBLE_LENGTH);
        }
        return scramble;
    }

    private static void xorCyclic(byte[] data, byte[] pattern) {
        if (pattern.length == 0) {
            return;
        }
        for (int i = 0; i < data.length; i++) {
            data[i] ^= pattern[i % pattern.length];
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
