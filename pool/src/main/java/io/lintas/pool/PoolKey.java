package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.Capabilities;

import java.util.Objects;

/**
 * What a pooled backend connection is shared by: the node, the backend user, the client's capability
 * profile and the collation it logged in with (so every session of a key starts from the same character-set
 * baseline, and a connection can be put back to it). The profile holds only the capability bits that change the wire format or the meaning of the
 * bytes the proxy relays, so that a connection is lent only to clients that read its responses exactly as
 * the server wrote them.
 *
 * @param profile      a subset of {@link #PROFILE_CAPABILITIES}
 * @param characterSet the handshake collation id pooled connections log in with
 */
public record PoolKey(BackendNode node, BackendCredentials credentials, long profile, int characterSet) {

    /**
     * Client capabilities that change what a response looks like or what a command does:
     * <ul>
     *   <li>{@code CLIENT_DEPRECATE_EOF}: OK instead of EOF after column definitions and rows;</li>
     *   <li>{@code CLIENT_SESSION_TRACK}: layout of the OK packet (length-encoded info, state block);</li>
     *   <li>{@code CLIENT_FOUND_ROWS}: affected rows counts matched instead of changed rows;</li>
     *   <li>{@code CLIENT_MULTI_STATEMENTS}, {@code CLIENT_MULTI_RESULTS}, {@code CLIENT_PS_MULTI_RESULTS}:
     *       whether several statements / result sets are allowed in one response;</li>
     *   <li>{@code CLIENT_LOCAL_FILES}: whether LOAD DATA LOCAL may ask the client for a file;</li>
     *   <li>{@code CLIENT_IGNORE_SPACE}: parsing of function names followed by a space;</li>
     *   <li>{@code CLIENT_INTERACTIVE}: interactive_timeout instead of wait_timeout;</li>
     *   <li>{@code CLIENT_ODBC}: ODBC-specific server behaviour.</li>
     * </ul>
     */
    public static final long PROFILE_CAPABILITIES = Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_FOUND_ROWS
        | Capabilities.CLIENT_MULTI_STATEMENTS | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_PS_MULTI_RESULTS
        | Capabilities.CLIENT_LOCAL_FILES | Capabilities.CLIENT_IGNORE_SPACE | Capabilities.CLIENT_INTERACTIVE
        | Capabilities.CLIENT_ODBC | Capabilities.CLIENT_SESSION_TRACK;

    public PoolKey {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(credentials, "credentials");
        if ((profile & ~PROFILE_CAPABILITIES) != 0) {
            throw new IllegalArgumentException("capability profile has bits outside PROFILE_CAPABILITIES: 0x"
                + Long.toHexString(profile & ~PROFILE_CAPABILITIES));
        }
    }

    /** A key with {@link LoginRequest#POOL_CHARACTER_SET}; see {@link #of(BackendNode, BackendCredentials, long, int)}. */
    public static PoolKey of(BackendNode node, BackendCredentials credentials, long clientCapabilities) {
        return of(node, credentials, clientCapabilities, LoginRequest.POOL_CHARACTER_SET);
    }

    /** The key for a client that negotiated {@code clientCapabilities} (bits outside the profile are ignored). */
    public static PoolKey of(BackendNode node, BackendCredentials credentials, long clientCapabilities, int characterSet) {
        return new PoolKey(node, credentials, clientCapabilities & PROFILE_CAPABILITIES, characterSet & 0xFF);
    }

    /** The same user, profile and collation on another node. */
    public PoolKey on(BackendNode other) {
        return other.equals(node) ? this : new PoolKey(other, credentials, profile, characterSet);
    }

    /** The backend user name. */
    public String user() {
        return credentials.username();
    }

    /** True when clients of this key asked for session-state information in OK packets. */
    public boolean clientTracksSessionState() {
        return Capabilities.has(profile, Capabilities.CLIENT_SESSION_TRACK);
    }

    @Override
    public String toString() {
        return node.name() + "/" + credentials.username() + "/0x" + Long.toHexString(profile) + "/" + characterSet;
    }
}
