package io.lintas.pool;

import java.util.Map;

/**
 * How to log in to a backend on behalf of a client.
 *
 * @param capabilities the client's capabilities; the connection negotiates their intersection with the
 *                     server's, so responses can be relayed to that client byte for byte
 * @param database     initial schema, or null/empty for none
 */
public record LoginRequest(BackendCredentials credentials, String database, long capabilities, int characterSet,
                           int maxPacketSize, Map<String, String> connectAttributes) {
    public LoginRequest {
        connectAttributes = connectAttributes == null ? Map.of() : Map.copyOf(connectAttributes);
    }
}
