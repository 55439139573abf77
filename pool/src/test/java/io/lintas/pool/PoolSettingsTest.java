package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.Capabilities;
import io.lintas.wire.auth.NativePassword;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolSettingsTest {
    static final BackendNode N1 = new BackendNode("node1", "127.0.0.1", 3311);
    static final BackendNode N3 = new BackendNode("node3", "127.0.0.1", 3313);

    @Test
    void defaults() {
        PoolSettings d = PoolSettings.DEFAULTS;
        assertEquals(50, d.maxConnections());
        assertEquals(0, d.minIdle());
        assertEquals(30 * 60_000L, d.maxLifetimeMs());
        assertEquals(10 * 60_000L, d.idleTimeoutMs());
        assertEquals(60_000L, d.idlePingMs());
        assertEquals(1000, d.connectTimeoutMs());
        assertEquals(10_000L, d.queueTimeoutMs());
        assertTrue(d.trackSessionState());
    }

    @Test
    void configKeysOverrideTheBase() {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("max_connections", 2);
        section.put("min_idle", "1");
        section.put("max_lifetime_ms", 60_000L);
        section.put("idle_timeout_ms", 0);
        section.put("idle_ping_ms", "30_000");
        section.put("connect_timeout_ms", 500);
        section.put("queue_timeout_ms", 250.0);
        section.put("track_session_state", "false");
        PoolSettings s = PoolSettings.DEFAULTS.with(section);
        assertEquals(new PoolSettings(2, 1, 60_000, 0, 30_000, 500, 250, false), s);
    }

    @Test
    void badValuesNameTheKey() {
        assertEquals("unknown pool setting 'max_conections'",
            assertThrows(IllegalArgumentException.class, () -> PoolSettings.DEFAULTS.with(Map.of("max_conections", 3))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> PoolSettings.DEFAULTS.with(Map.of("max_connections", 0))).getMessage().startsWith("pool setting 'max_connections'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> PoolSettings.DEFAULTS.with(Map.of("queue_timeout_ms", "soon"))).getMessage().contains("queue_timeout_ms"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> PoolSettings.DEFAULTS.with(Map.of("min_idle", 51))).getMessage().contains("min_idle"));
        assertThrows(IllegalArgumentException.class, () -> PoolSettings.DEFAULTS.with(Map.of("idle_ping_ms", 1.5)));
        assertThrows(IllegalArgumentException.class, () -> PoolSettings.DEFAULTS.with(Map.of("track_session_state", "yes")));
        assertThrows(IllegalArgumentException.class, () -> PoolSettings.DEFAULTS.withConnectTimeoutMs(0));
    }

    @Test
    void lowerMaxConnectionsCapsMinIdle() {
        assertEquals(3, PoolSettings.DEFAULTS.withMinIdle(10).withMaxConnections(3).minIdle());
    }

    @Test
    void perNodeSettingsFallBackToDefaults() {
        PoolSettings small = PoolSettings.DEFAULTS.withMaxConnections(5);
        PoolConfig config = new PoolConfig(PoolSettings.DEFAULTS, Map.of("node3", small), 1000);
        assertEquals(small, config.settingsFor(N3));
        assertEquals(PoolSettings.DEFAULTS, config.settingsFor(N1));
        assertThrows(IllegalArgumentException.class, () -> new PoolConfig(PoolSettings.DEFAULTS, null, 1));
    }

    @Test
    void poolKeyKeepsOnlyTheProfileBits() {
        BackendCredentials app = new BackendCredentials("app", NativePassword.stage1("app"));
        long jdbc = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_CONNECT_ATTRS
            | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_MULTI_RESULTS | (1L << 35);
        PoolKey k = PoolKey.of(N3, app, jdbc);
        assertEquals(Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_MULTI_RESULTS, k.profile());
        assertEquals(k, PoolKey.of(N3, new BackendCredentials("app", NativePassword.stage1("app")),
            Capabilities.CLIENT_DEPRECATE_EOF | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_SECURE_CONNECTION));
        assertNotEquals(k, PoolKey.of(N3, app, jdbc | Capabilities.CLIENT_FOUND_ROWS));
        assertNotEquals(k, PoolKey.of(N1, app, jdbc));
        assertNotEquals(k, PoolKey.of(N3, new BackendCredentials("app", NativePassword.stage1("other")), jdbc));
        assertFalse(k.clientTracksSessionState());
        assertNotEquals(k, PoolKey.of(N3, app, jdbc, 224));
        assertEquals("node3/app/0x1020000/45", k.toString());
        assertThrows(IllegalArgumentException.class, () -> new PoolKey(N3, app, Capabilities.CLIENT_PROTOCOL_41, 45));
    }

    @Test
    void poolLoginHasNoSchemaAndTheProfile() {
        PoolKey k = PoolKey.of(N3, new BackendCredentials("app", null), Capabilities.CLIENT_FOUND_ROWS);
        LoginRequest login = LoginRequest.forPool(k, true);
        assertNull(login.database());
        assertTrue(login.trackSessionState());
        assertTrue(Capabilities.has(login.capabilities(), Capabilities.CLIENT_FOUND_ROWS | Capabilities.CLIENT_PROTOCOL_41));
        assertFalse(Capabilities.has(login.capabilities(), Capabilities.CLIENT_CONNECT_WITH_DB));
        assertFalse(Capabilities.has(login.capabilities(), Capabilities.CLIENT_DEPRECATE_EOF));
        assertEquals("node3", login.connectAttributes().get("_lintas_pool"));
    }
}
