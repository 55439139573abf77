package io.lintas.pool;

import io.lintas.wire.Capabilities;

import java.util.Map;

/**
 * How to log in to a backend on behalf of a client.
 *
 * @param capabilities      the client's capabilities; the connection negotiates their intersection with the
 *                          server's, so responses can be relayed to that client byte for byte
 * @param database          initial schema, or null/empty for none
 * @param trackSessionState also ask the server for CLIENT_SESSION_TRACK (whatever the client asked for) and, right
 *                          after login, enable {@code session_track_system_variables='*'}, {@code session_track_schema}
 *                          and {@code session_track_state_change}: every OK then reports the session state a command
 *                          changed ({@link ResponseSink#onSessionStateChanges}). When the client did not ask for
 *                          CLIENT_SESSION_TRACK, relayed OK packets are rewritten to the layout it expects.
 */
public record LoginRequest(BackendCredentials credentials, String database, long capabilities, int characterSet,
                           int maxPacketSize, Map<String, String> connectAttributes, boolean trackSessionState) {

    /** Default collation of a pool key (utf8mb4_general_ci) when none is given. */
    public static final int POOL_CHARACTER_SET = 45;

    /** max_packet_size pooled connections announce (the protocol's largest, 1 GiB). */
    public static final int POOL_MAX_PACKET_SIZE = 1 << 30;

    /**
     * Capabilities a pooled connection asks for besides its key's profile: the protocol basics the proxy
     * always speaks; none of them changes the bytes of a relayed response.
     */
    public static final long POOL_BASE_CAPABILITIES = Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_LONG_FLAG
        | Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_TRANSACTIONS | Capabilities.CLIENT_SECURE_CONNECTION
        | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_CONNECT_ATTRS
        | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_IGNORE_SIGPIPE;

    public LoginRequest {
        connectAttributes = connectAttributes == null ? Map.of() : Map.copyOf(connectAttributes);
    }

    /** A login without session-state tracking (what a dedicated client connection uses). */
    public LoginRequest(BackendCredentials credentials, String database, long capabilities, int characterSet,
                        int maxPacketSize, Map<String, String> connectAttributes) {
        this(credentials, database, capabilities, characterSet, maxPacketSize, connectAttributes, false);
    }

    /**
     * The login of a pooled connection for {@code key}: the key's user and capability profile, no default
     * schema (sessions set theirs), the key's collation.
     */
    public static LoginRequest forPool(PoolKey key, boolean trackSessionState) {
        return new LoginRequest(key.credentials(), null, key.profile() | POOL_BASE_CAPABILITIES, key.characterSet(),
            POOL_MAX_PACKET_SIZE, Map.of("_proxy", "lintas", "_lintas_pool", key.node().name()), trackSessionState);
    }
}
