package io.lintas.wire.auth;

import java.security.MessageDigest;

/**
 * What one successful full caching_sha2 authentication (or a clear password in the config) leaves behind
 * so the next login of the same user can take the fast path: SHA256(SHA256(pw)) to check tokens, and
 * SHA1(pw) to log in to mysql_native_password backends, which a fast-path token cannot reveal.
 *
 * @param sha2Stage2   SHA256(SHA256(password))
 * @param nativeStage1 SHA1(password)
 */
public record Sha2FastAuthEntry(byte[] sha2Stage2, byte[] nativeStage1) {

    public Sha2FastAuthEntry {
        if (sha2Stage2 == null || sha2Stage2.length != CachingSha2Password.DIGEST_LENGTH
            || nativeStage1 == null || nativeStage1.length != NativePassword.SCRAMBLE_LENGTH) {
            throw new IllegalArgumentException("a fast-auth entry needs a 32-byte and a 20-byte digest");
        }
        sha2Stage2 = sha2Stage2.clone();
        nativeStage1 = nativeStage1.clone();
    }

    /** The entry for a clear password (empty passwords have none: they never send a token). */
    public static Sha2FastAuthEntry of(byte[] password) {
        return new Sha2FastAuthEntry(CachingSha2Password.stage2(CachingSha2Password.stage1(password)), NativePassword.sha1(password));
    }

    /** True when this entry belongs to the password whose SHA1(SHA1()) is {@code nativeStage2} (so a changed config invalidates it). */
    public boolean matches(byte[] nativeStage2) {
        return nativeStage2 != null && MessageDigest.isEqual(NativePassword.stage2(nativeStage1), nativeStage2);
    }

    @Override
    public byte[] sha2Stage2() {
        return sha2Stage2.clone();
    }

    @Override
    public byte[] nativeStage1() {
        return nativeStage1.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sha2FastAuthEntry e && MessageDigest.isEqual(sha2Stage2, e.sha2Stage2)
            && MessageDigest.isEqual(nativeStage1, e.nativeStage1);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(sha2Stage2);
    }

    @Override
    public String toString() {
        return "Sha2FastAuthEntry{…}";
    }
}
