package io.lintas.wire.fuzz;

import java.util.Arrays;

/**
 * Reads a fuzz input from the front, so seed files can be written by hand (Jazzer's FuzzedDataProvider
 * reads numbers from the back, which makes crafted seeds unreadable). Reading past the end yields zeros
 * and empty arrays, never an exception.
 */
final class FuzzInput {
    private final byte[] data;
    private int pos;

    FuzzInput(byte[] data) {
        this.data = data;
    }

    boolean hasMore() {
        return pos < data.length;
    }

    int u8() {
        return pos < data.length ? data[pos++] & 0xFF : 0;
    }

    int u16() {
        return u8() | (u8() << 8);
    }

    long u32() {
        return (u16() | ((long) u16() << 16)) & 0xFFFFFFFFL;
    }

    byte[] bytes(int n) {
        int end = Math.min(data.length, pos + Math.max(0, n));
        byte[] out = Arrays.copyOfRange(data, pos, end);
        pos = end;
        return out;
    }

    byte[] rest() {
        return bytes(data.length - pos);
    }
}
