package io.lintas.router;

/**
 * The digest of one SQL text.
 *
 * @param digestText     literals replaced by {@code ?}, comments dropped, keywords upper-cased, whitespace collapsed
 * @param digestId       XXH64 (seed 0) of the UTF-8 bytes of {@code digestText}
 * @param firstKeyword   the first word of the text, upper-cased, ignoring comments and leading parentheses;
 *                       empty if the text does not start with a word
 * @param multiStatement whether a {@code ;} outside strings and comments is followed by another token
 * @param hint           the leading routing hint comment, if any
 */
public record NormalizedQuery(String digestText, long digestId, String firstKeyword, boolean multiStatement,
                              RoutingHint hint) {

    /** The digest id as ProxySQL prints it, {@code 0x} and 16 upper-case hex digits. */
    public String digestHex() {
        return Digests.hex(digestId);
    }
}
