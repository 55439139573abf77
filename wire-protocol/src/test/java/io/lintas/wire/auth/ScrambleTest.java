package io.lintas.wire.auth;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScrambleTest {

    @Test
    void twentyPrintableBytesWithoutNul() {
        Set<String> seen = new HashSet<>();
        for (int n = 0; n < 2000; n++) {
            byte[] s = Scramble.generate();
            assertEquals(20, s.length);
            for (byte b : s) {
                int v = b & 0xFF;
                assertTrue(v != 0, "NUL in scramble");
                assertTrue(v >= 0x21 && v <= 0x7E, "not printable: 0x" + Integer.toHexString(v));
            }
            seen.add(Arrays.toString(s));
        }
        // 94^20 possibilities: any repetition means the generator is broken.
        assertEquals(2000, seen.size());
    }

    @Test
    void usableAsNativePasswordScramble() {
        byte[] s = Scramble.generate();
        byte[] stored = NativePassword.parseStoredHash(NativePassword.storedHash("pw"));
        byte[] token = NativePassword.scramble("pw", s);
        assertEquals(20, token.length);
        assertTrue(Arrays.equals(NativePassword.stage1("pw"), NativePassword.recoverStage1(token, s, stored)));
    }
}
