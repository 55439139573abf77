package io.lintas.proxy.session;

import io.lintas.wire.Capabilities;
import io.lintas.wire.message.HandshakeV10;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ServerIdentityTest {
    private static final HandshakeV10 NODE = new HandshakeV10("5.5.5-10.11.19-MariaDB-0+deb12u1", 7, new byte[20],
        Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH
            | Capabilities.CLIENT_TRANSACTIONS, 8, 2, "mysql_native_password");

    @Test
    void learnsVersionCharsetAndCapabilitiesFromABackend() {
        ServerIdentity id = new ServerIdentity(null);
        assertEquals(ServerIdentity.FALLBACK_VERSION, id.version());
        id.learn(NODE);
        assertEquals("5.5.5-10.11.19-MariaDB-0+deb12u1", id.version());
        assertEquals(8, id.characterSet());
        assertFalse(Capabilities.has(id.capabilities(), Capabilities.CLIENT_DEPRECATE_EOF),
            "nothing the backend lacks is offered");
    }

    @Test
    void aConfiguredVersionIsKept() {
        ServerIdentity id = new ServerIdentity("8.0.36-lintas");
        id.learn(NODE);
        assertEquals("8.0.36-lintas", id.version());
        assertEquals(8, id.characterSet());
    }
}
