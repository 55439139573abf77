package io.lintas.wire.auth;

import com.mysql.cj.protocol.ExportControlled;
import com.mysql.cj.protocol.Security;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scramble math and RSA transport, checked against MySQL Connector/J's own implementation. */
class CachingSha2PasswordTest {
    static final byte[] SCRAMBLE = "ABCDEFGHIJKLMNOPQRST".getBytes(StandardCharsets.US_ASCII);
    static final AuthRsaKeys KEYS = TestKeys.RSA;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void tokenMatchesConnectorJ() throws Exception {
        for (String pw : new String[] {"app", "s3cr3t!", "pässwörd", "x".repeat(100)}) {
            assertArrayEquals(Security.scrambleCachingSha2(utf8(pw), SCRAMBLE), CachingSha2Password.scramble(utf8(pw), SCRAMBLE), pw);
        }
    }

    @Test
    void trailingNulOfTheScrambleIsIgnored() {
        byte[] withNul = Arrays.copyOf(SCRAMBLE, 21);
        assertArrayEquals(CachingSha2Password.scramble(utf8("app"), SCRAMBLE), CachingSha2Password.scramble(utf8("app"), withNul));
    }

    @Test
    void serverRecoversStage1FromTheCachedStage2() {
        byte[] stage1 = CachingSha2Password.stage1("app");
        byte[] token = CachingSha2Password.token(stage1, SCRAMBLE);
        assertArrayEquals(stage1, CachingSha2Password.recoverStage1(token, SCRAMBLE, CachingSha2Password.stage2(stage1)));
    }

    @Test
    void wrongPasswordOrScrambleIsRejected() {
        byte[] stage2 = CachingSha2Password.stage2(CachingSha2Password.stage1("app"));
        assertNull(CachingSha2Password.recoverStage1(CachingSha2Password.scramble(utf8("nope"), SCRAMBLE), SCRAMBLE, stage2));
        byte[] other = "TSRQPONMLKJIHGFEDCBA".getBytes(StandardCharsets.US_ASCII);
        assertNull(CachingSha2Password.recoverStage1(CachingSha2Password.scramble(utf8("app"), other), SCRAMBLE, stage2));
        assertNull(CachingSha2Password.recoverStage1(new byte[31], SCRAMBLE, stage2));
        assertNull(CachingSha2Password.recoverStage1(new byte[32], SCRAMBLE, null));
    }

    @Test
    void emptyPasswordIsOneNulByte() {
        assertArrayEquals(new byte[] {0}, CachingSha2Password.scramble(new byte[0], SCRAMBLE));
        assertTrue(CachingSha2Password.isEmptyToken(new byte[0]));
        assertTrue(CachingSha2Password.isEmptyToken(new byte[] {0}));
    }

    @Test
    void connectorJsRsaCipherTextDecrypts() throws Exception {
        // What Connector/J's CachingSha2PasswordPlugin sends: RSA-OAEP of (password + NUL) XOR seed.
        byte[] input = Arrays.copyOf(utf8("pässwörd"), utf8("pässwörd").length + 1);
        byte[] xored = new byte[input.length];
        Security.xorString(input, xored, SCRAMBLE, input.length);
        byte[] cipher = ExportControlled.encryptWithRSAPublicKey(xored,
            ExportControlled.decodeRSAPublicKey(KEYS.publicKeyPem()), "RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
        assertArrayEquals(utf8("pässwörd"), CachingSha2Password.decryptPassword(cipher, SCRAMBLE, KEYS.privateKey()));
    }

    @Test
    void ownRsaRoundTripAndGarbage() {
        byte[] cipher = CachingSha2Password.encryptPassword(utf8("app"), SCRAMBLE, KEYS.publicKey());
        assertEquals(KEYS.cipherLength(), cipher.length);
        assertArrayEquals(utf8("app"), CachingSha2Password.decryptPassword(cipher, SCRAMBLE, KEYS.privateKey()));
        assertNull(CachingSha2Password.decryptPassword(new byte[256], SCRAMBLE, KEYS.privateKey()));
        assertNull(CachingSha2Password.decryptPassword(new byte[3], SCRAMBLE, KEYS.privateKey()));
    }

    @Test
    void generatedKeysWork() {
        AuthRsaKeys fresh = AuthRsaKeys.generate();
        assertEquals(256, fresh.cipherLength());
        byte[] cipher = CachingSha2Password.encryptPassword(utf8("app"), SCRAMBLE, fresh.publicKey());
        assertArrayEquals(utf8("app"), CachingSha2Password.decryptPassword(cipher, SCRAMBLE, fresh.privateKey()));
    }

    /** Regression (fuzzing, crash-d638eb34…): BEGIN and END lines sharing their dashes threw StringIndexOutOfBoundsException. */
    @Test
    void pemWithOverlappingMarkersIsRejected() {
        assertThrows(IllegalArgumentException.class,
            () -> AuthRsaKeys.parsePublicKeyPem("-----BEGIN PUBLIC KEY-----END PUBLIC KEY-----\nMIIB\n"));
        assertThrows(IllegalArgumentException.class,
            () -> AuthRsaKeys.parsePublicKeyPem("-----END PUBLIC KEY-----\n-----BEGIN PUBLIC KEY-----\n"));
    }

    @Test
    void tooLongPasswordCannotBeEncrypted() {
        assertThrows(IllegalArgumentException.class,
            () -> CachingSha2Password.encryptPassword(new byte[300], SCRAMBLE, KEYS.publicKey()));
    }

    @Test
    void pemRoundTripsAndPkcs8PrivateKeyLoads() {
        assertEquals(KEYS.publicKey(), AuthRsaKeys.parsePublicKeyPem(KEYS.publicKeyPem()));
        String pkcs8 = "-----BEGIN PRIVATE KEY-----\n"
            + java.util.Base64.getMimeEncoder().encodeToString(KEYS.privateKey().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        AuthRsaKeys loaded = AuthRsaKeys.fromPrivateKeyPem(pkcs8);
        assertEquals(KEYS.publicKey(), loaded.publicKey());
        assertEquals(KEYS.publicKeyPem(), loaded.publicKeyPem());
        assertThrows(IllegalArgumentException.class, () -> AuthRsaKeys.parsePublicKeyPem("nope"));
        assertThrows(IllegalArgumentException.class, () -> AuthRsaKeys.fromPrivateKeyPem("-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----"));
    }
}
