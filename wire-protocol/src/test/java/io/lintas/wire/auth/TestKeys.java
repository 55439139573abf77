package io.lintas.wire.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A fixed RSA key for tests (generating one takes seconds on a busy machine). Never use it for anything else. */
public final class TestKeys {
    /** The test-only caching_sha2 RSA pair. */
    public static final AuthRsaKeys RSA = load();

    private TestKeys() {}

    private static AuthRsaKeys load() {
        try (InputStream in = TestKeys.class.getResourceAsStream("test-only-rsa-key.pem")) {
            return AuthRsaKeys.fromPrivateKeyPem(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
