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

    private final boolean versionFixed;
    private volatile String version;
    private volatile long backendCapabilities = BackendConnection.RELAYABLE_CAPABILITIES;
    private volatile int characterSet = DEFAULT_CHARSET;

    /**
     * @param configuredVersion version from the config, or null to learn it from the backends
     * @param fallbackVersion   what to announce before any backend was seen
     */
    public ServerIdentity(String configuredVersion, String fallbackVersion) {
        this.versionFixed = configuredVersion != null;
        this.version = configuredVersion != null ? configuredVersion : fallbackVersion;
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
