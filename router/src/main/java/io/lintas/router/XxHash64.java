package io.lintas.router;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XXH64 (Yann Collet's xxHash, 64-bit variant) over a byte range.
 *
 * <p>Chosen for digest ids because it is fast (several bytes per cycle), well distributed, and has reference
 * implementations in every language, so ids computed here can be reproduced by tools outside Lintas.
 */
public final class XxHash64 {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private XxHash64() {
    }

    /** XXH64 of {@code data[off, off + len)} with the given seed. */
    public static long hash(byte[] data, int off, int len, long seed) {
        int end = off + len;
        int p = off;
        long h;
        if (len >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            int limit = end - 32;
            do {
                v1 = round(v1, (long) LONGS.get(data, p));
                v2 = round(v2, (long) LONGS.get(data, p + 8));
                v3 = round(v3, (long) LONGS.get(data, p + 16));
                v4 = round(v4, (long) LONGS.get(data, p + 24));
                p += 32;
            } while (p <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = merge(h, v1);
            h = merge(h, v2);
            h = merge(h, v3);
            h = merge(h, v4);
        } else {
            h = seed + P5;
        }
        h += len;
        while (p + 8 <= end) {
            h ^= round(0, (long) LONGS.get(data, p));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            p += 8;
        }
        if (p + 4 <= end) {
            h ^= ((int) INTS.get(data, p) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            p += 4;
        }
        while (p < end) {
            h ^= (data[p] & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            p++;
        }
        return avalanche(h);
    }

    /**
     * XXH64 of the bytes {@code (byte) chars[0..len)}: for text known to be ASCII this equals the hash of its
     * UTF-8 encoding without building it.
     */
    public static long hashAscii(char[] chars, int len, long seed) {
        int p = 0;
        long h;
        if (len >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            int limit = len - 32;
            do {
                v1 = round(v1, long8(chars, p));
                v2 = round(v2, long8(chars, p + 8));
                v3 = round(v3, long8(chars, p + 16));
                v4 = round(v4, long8(chars, p + 24));
                p += 32;
            } while (p <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = merge(h, v1);
            h = merge(h, v2);
            h = merge(h, v3);
            h = merge(h, v4);
        } else {
            h = seed + P5;
        }
        h += len;
        while (p + 8 <= len) {
            h ^= round(0, long8(chars, p));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            p += 8;
        }
        if (p + 4 <= len) {
            h ^= (int4(chars, p) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            p += 4;
        }
        while (p < len) {
            h ^= (chars[p] & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            p++;
        }
        return avalanche(h);
    }

    private static long long8(char[] c, int p) {
        return (c[p] & 0xFFL) | (c[p + 1] & 0xFFL) << 8 | (c[p + 2] & 0xFFL) << 16 | (c[p + 3] & 0xFFL) << 24
                | (c[p + 4] & 0xFFL) << 32 | (c[p + 5] & 0xFFL) << 40 | (c[p + 6] & 0xFFL) << 48
                | (c[p + 7] & 0xFFL) << 56;
    }

    private static int int4(char[] c, int p) {
        return (c[p] & 0xFF) | (c[p + 1] & 0xFF) << 8 | (c[p + 2] & 0xFF) << 16 | (c[p + 3] & 0xFF) << 24;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long merge(long h, long v) {
        h ^= round(0, v);
        return h * P1 + P4;
    }
}
