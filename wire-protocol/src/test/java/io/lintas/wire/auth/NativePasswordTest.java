package io.lintas.wire.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NativePasswordTest {
    private static final byte[] SCRAMBLE = "ABCDEFGHIJKLMNOPQRST".getBytes(StandardCharsets.US_ASCII);

    /** Independent reference: SHA-1 over the concatenation of the parts. */
    private static byte[] sha1(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    /** Independent reference for the client token. */
    private static byte[] referenceToken(String password, byte[] scramble) throws Exception {
        byte[] s1 = sha1(password.getBytes(StandardCharsets.UTF_8));
        byte[] s2 = sha1(s1);
        byte[] mask = sha1(scramble, s2);
        byte[] out = new byte[20];
        for (int i = 0; i < 20; i++) {
            out[i] = (byte) (s1[i] ^ mask[i]);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"app", "password", "secret", "", "p@ss w0rd", "Grüße-密码"})
    void storedHashIsStarPlusUpperHexOfDoubleSha1(String password) throws Exception {
        byte[] expected = sha1(sha1(password.getBytes(StandardCharsets.UTF_8)));
        String hash = NativePassword.storedHash(password);
        assertEquals("*" + HexFormat.of().withUpperCase().formatHex(expected), hash);
        assertEquals(41, hash.length());
        assertEquals(hash, hash.toUpperCase());
    }

    @Test
    void publishedVectors() {
        // MySQL reference manual: PASSWORD('password').
        assertEquals("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19", NativePassword.storedHash("password"));
        // SHA1(SHA1('app')), computed independently with Python's hashlib.
        assertEquals("*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3", NativePassword.storedHash("app"));
    }

    @Test
    void stagesMatchReference() throws Exception {
        byte[] s1 = NativePassword.stage1("secret");
        assertArrayEquals(sha1("secret".getBytes(StandardCharsets.UTF_8)), s1);
        assertArrayEquals(sha1(s1), NativePassword.stage2(s1));
        assertEquals(20, s1.length);
    }

    @Test
    void tokenMatchesIndependentImplementationAndPinnedVector() throws Exception {
        byte[] token = NativePassword.scramble("secret", SCRAMBLE);
        assertArrayEquals(referenceToken("secret", SCRAMBLE), token);
        // Computed with Python: sha1(pw) XOR sha1(scramble + sha1(sha1(pw))).
        assertEquals("28441590674285e7d03cae7af237504797f70e91", HexFormat.of().formatHex(token));
        assertArrayEquals(token, NativePassword.token(NativePassword.stage1("secret"), SCRAMBLE));
    }

    @Test
    void tokenForManyPasswordsAndScrambles() throws Exception {
        for (int i = 0; i < 50; i++) {
            byte[] scramble = new byte[20];
            for (int j = 0; j < 20; j++) {
                scramble[j] = (byte) (0x21 + (i * 7 + j * 13) % 94);
            }
            String pw = "pw-" + i + "-" + "x".repeat(i);
            assertArrayEquals(referenceToken(pw, scramble), NativePassword.scramble(pw, scramble), pw);
        }
    }

    @Test
    void scrambleWithTrailingNulIsTreatedAsTwentyBytes() {
        byte[] withNul = Arrays.copyOf(SCRAMBLE, 21);
        assertArrayEquals(NativePassword.scramble("secret", SCRAMBLE), NativePassword.scramble("secret", withNul));
    }

    @Test
    void emptyPasswordGivesEmptyToken() {
        assertEquals(0, NativePassword.scramble("", SCRAMBLE).length);
        assertEquals(0, NativePassword.scramble(null, SCRAMBLE).length);
        assertEquals(0, NativePassword.token(null, SCRAMBLE).length);
    }

    @Test
    void recoverStage1WithTheRightPassword() {
        byte[] stored = NativePassword.parseStoredHash(NativePassword.storedHash("secret"));
        byte[] token = NativePassword.scramble("secret", SCRAMBLE);
        byte[] recovered = NativePassword.recoverStage1(token, SCRAMBLE, stored);
        assertNotNull(recovered);
        assertArrayEquals(NativePassword.stage1("secret"), recovered);
        // The recovered stage 1 logs in to a backend with a different scramble.
        byte[] other = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(NativePassword.scramble("secret", other), NativePassword.token(recovered, other));
    }

    @Test
    void recoverStage1RejectsWrongPassword() {
        byte[] stored = NativePassword.parseStoredHash(NativePassword.storedHash("secret"));
        assertNull(NativePassword.recoverStage1(NativePassword.scramble("Secret", SCRAMBLE), SCRAMBLE, stored));
        assertNull(NativePassword.recoverStage1(NativePassword.scramble("", SCRAMBLE), SCRAMBLE, stored));
    }

    @Test
    void recoverStage1RejectsTokenForAnotherScramble() {
        byte[] stored = NativePassword.parseStoredHash(NativePassword.storedHash("secret"));
        byte[] other = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        assertNull(NativePassword.recoverStage1(NativePassword.scramble("secret", other), SCRAMBLE, stored));
    }

    @Test
    void recoverStage1RejectsBadTokens() {
        byte[] stored = NativePassword.parseStoredHash(NativePassword.storedHash("secret"));
        byte[] token = NativePassword.scramble("secret", SCRAMBLE);
        assertNull(NativePassword.recoverStage1(new byte[0], SCRAMBLE, stored));
        assertNull(NativePassword.recoverStage1(null, SCRAMBLE, stored));
        assertNull(NativePassword.recoverStage1(Arrays.copyOf(token, 19), SCRAMBLE, stored));
        assertNull(NativePassword.recoverStage1(Arrays.copyOf(token, 21), SCRAMBLE, stored));
        assertNull(NativePassword.recoverStage1(token, SCRAMBLE, null));
        byte[] flipped = token.clone();
        flipped[7] ^= 1;
        assertNull(NativePassword.recoverStage1(flipped, SCRAMBLE, stored));
    }

    @Test
    void parseStoredHashAcceptsBothCases() throws Exception {
        String upper = NativePassword.storedHash("password");
        byte[] expected = sha1(sha1("password".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(expected, NativePassword.parseStoredHash(upper));
        assertArrayEquals(expected, NativePassword.parseStoredHash("*" + upper.substring(1).toLowerCase()));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "*",
        "2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19",     // no star
        "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1",     // 39 digits
        "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E199",   // 41 digits
        "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1G",    // not hex
        "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1 ",    // trailing space
        "#2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19",    // wrong marker
        "*-470C0C06DEE42FD1618BB99005ADCA2EC9D1E19",    // sign
        "password"
    })
    void parseStoredHashRejectsMalformedInput(String stored) {
        assertThrows(IllegalArgumentException.class, () -> NativePassword.parseStoredHash(stored));
    }

    @Test
    void constants() {
        assertEquals("mysql_native_password", NativePassword.PLUGIN_NAME);
        assertEquals(20, NativePassword.SCRAMBLE_LENGTH);
        assertFalse(Arrays.equals(NativePassword.stage1("a"), NativePassword.stage1("b")));
    }
}
