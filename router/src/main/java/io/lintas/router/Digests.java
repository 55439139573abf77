package io.lintas.router;

/** Formatting helpers for digest ids. */
final class Digests {
    private Digests() {
    }

    /** {@code 0x} followed by 16 upper-case hex digits, the way ProxySQL shows digests. */
    static String hex(long id) {
        String h = Long.toHexString(id).toUpperCase(java.util.Locale.ROOT);
        return "0x" + "0".repeat(16 - h.length()) + h;
    }
}
