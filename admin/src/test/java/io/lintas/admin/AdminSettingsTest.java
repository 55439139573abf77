package io.lintas.admin;

import io.lintas.wire.auth.NativePassword;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminSettingsTest {

    @Test
    void samplePasswordOnlyOnLoopback() {
        assertDoesNotThrow(() -> new AdminSettings("127.0.0.1", 6032, "admin", "admin").requireSafe());
        assertDoesNotThrow(() -> new AdminSettings("0.0.0.0", 6032, "admin", "a-real-secret").requireSafe());
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> new AdminSettings("0.0.0.0", 6032, "admin", "admin").requireSafe());
        assertTrue(e.getMessage().contains("sample password"), e.getMessage());
        assertThrows(IllegalStateException.class,
            () -> new AdminSettings("0.0.0.0", 6032, "admin", NativePassword.storedHash("admin")).requireSafe());
    }

    @Test
    void serverRefusesToStartWhenUnsafe() {
        AdminServer server = new AdminServer(new AdminSettings("0.0.0.0", 0, "admin", "admin"), new InMemoryRuntime());
        assertThrows(IllegalStateException.class, server::start);
        server.close();
    }

    @Test
    void passwordIsNeverPrinted() {
        AdminSettings s = new AdminSettings("127.0.0.1", 6032, "admin", "topsecret");
        assertTrue(!s.toString().contains("topsecret"), s.toString());
    }
}
