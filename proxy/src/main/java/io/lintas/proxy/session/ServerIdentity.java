package io.lintas.proxy.session;

import io.lintas.pool.BackendConnection;
import io.lintas.wire.Capabilities;
import io.lintas.wire.message.HandshakeV10;

/**
 * What the proxy tells clients it is: a version string and capabilities that match the backends, so that
 * clients enable the same features they would against MariaDB directly. Learned from backend greetings
 * unless the config fixes the version.
 */
public final class ServerIdentity {
    /** utf8mb4_general_ci, MariaDB's default, until a backend tells otherwise. */
    private static final int DEFAULT_CHARSET = 45;
    /** Announced until a backend's greeting is seen (only when no node answered at start-up). */
    public static final String FALLBACK_VERSION = "5.5.5-10.11.0-MariaDB-lintas";

    private final boolean versionFixed;
    private volatile String version;
    private volatile long backendCapabilities = BackendConnection.RELAYABLE_CAPABILITIES;
    private volatile int characterSet = DEFAULT_CHARSET;

    /** An identity with the configured version, or (null) one learned from the backends. */
    public ServerIdentity(String configuredVersion) {
        this.versionFixed = configuredVersion != null;
        this.version = configuredVersion != null ? configuredVersion : FALLBACK_VERSION;
    }

    /** Adopts version, character set and capabilities from a backend's greeting. */
    public void learn(HandshakeV10 greeting) {
        if (!versionFixed) {
            version = greeting.serverVersion();
        }
        backendCapabilities = greeting.capabilities() & 0xFFFFFFFFL;
        if (greeting.characterSet() != 0) {
            characterSet = greeting.characterSet();
        }
    }

    /** The version string for greetings. */
    public String version() {
        return version;
    }

    /** Default collation id for greetings. */
    public int characterSet() {
        return characterSet;
    }

    /** Capabilities offered to clients: what the proxy relays and the backends support, never MariaDB extensions. */
    public long capabilities() {
        return (BackendConnection.RELAYABLE_CAPABILITIES & (backendCapabilities | Capabilities.CLIENT_LONG_PASSWORD))
            | Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION
            | Capabilities.CLIENT_PLUGIN_AUTH;
    }
}
