package io.lintas.proxy.admin;

import io.lintas.admin.spi.RuntimeConfigRows;
import io.lintas.admin.spi.ServerRow;
import io.lintas.admin.spi.UserRow;
import io.lintas.admin.spi.VariableRow;
import io.lintas.monitor.BackendNode;
import io.lintas.proxy.config.ConfigLoader;
import io.lintas.proxy.config.LintasConfig;
import io.lintas.wire.auth.NativePassword;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigRowsTest {
    private static final String YAML = """
        proxy: {port: 6033}
        users:
          - {username: app, password: app, default_schema: app}
          - {username: ro, password_hash: "*5BCB3E6AC345B435C7C2E6B7949A04CE6F6563D3"}
        nodes:
          - {name: node1, host: 127.0.0.1, port: 3311, weight: 3, pool: {max_connections: 20}}
          - {name: node2, host: 127.0.0.1, port: 3312}
          - {name: node3, host: 127.0.0.1, port: 3313}
        writer_order: [node3, node2, node1]
        readers: [node1, node2]
        query_rules:
          - {rule_id: 1, match_pattern: "^SELECT .* FOR UPDATE", destination_hostgroup: 10, apply: true}
          - {rule_id: 2, match_pattern: "^(SELECT) 1$", replace_pattern: "\\\\1 2", apply: false}
        admin: {password: s3cret}
        """;

    private static LintasConfig config() throws Exception {
        return new ConfigLoader().parse("t", YAML);
    }

    @Test
    void rowsShowGaleraHostgroupsAndRoundTrip() throws Exception {
        LintasConfig c = config();
        RuntimeConfigRows rows = ConfigRows.toRows(c);
        assertEquals(List.of("10:node3:1000", "10:node2:990", "10:node1:980", "20:node1:3", "20:node2:1"),
            rows.servers().stream().map(s -> s.hostgroupId() + ":" + s.comment() + ":" + s.weight()).toList());
        assertEquals(20, rows.servers().get(3).maxConnections());
        assertEquals(NativePassword.storedHash("app"), rows.users().get(0).passwordHash());
        assertEquals(12, rows.galeraHostgroups().get(0).backupWriterHostgroup());
        assertEquals(9999, rows.galeraHostgroups().get(0).offlineHostgroup());

        LintasConfig back = ConfigRows.fromRows(rows, c, true).config();
        assertEquals(c.nodes(), back.nodes());
        assertEquals(c.writerOrder(), back.writerOrder());
        assertEquals(c.readers(), back.readers());
        assertEquals(c.routing(), back.routing());
        assertSame(c.queryRules(), back.queryRules(), "unchanged rules keep the running set (and its hit counters)");
        assertNotNull(back.users().get(0).stage1(), "an unchanged user keeps the clear password's stage1");
    }

    @Test
    void aReaderAddedByRowAndWriterOrderByWeight() throws Exception {
        LintasConfig c = config();
        RuntimeConfigRows rows = ConfigRows.toRows(c);
        List<ServerRow> servers = new ArrayList<>(rows.servers());
        servers.add(new ServerRow(20, "127.0.0.1", 3313, "ONLINE", 7, 1000, ""));
        servers.replaceAll(s -> s.hostgroupId() == 10 && s.port() == 3311 ? new ServerRow(10, s.hostname(), 3311, "ONLINE",
            5000, s.maxConnections(), s.comment()) : s);
        servers.add(new ServerRow(20, "10.0.0.4", 3306, "ONLINE", 1, 1000, ""));
        LintasConfig next = ConfigRows.fromRows(rows.withServers(servers, rows.galeraHostgroups()), c, true).config();
        assertEquals(List.of("node1", "node3", "node2"), next.writerOrder().stream().map(BackendNode::name).toList());
        assertEquals(List.of("node1", "node2", "node3", "10.0.0.4:3306"), next.readers().stream().map(BackendNode::name).toList());
        assertEquals(7, next.routing().weights().get("node3"));
        assertEquals(4, next.nodes().size());
    }

    @Test
    void invalidRowsAreRefusedWithEveryProblem() throws Exception {
        LintasConfig c = config();
        RuntimeConfigRows rows = ConfigRows.toRows(c);
        List<ServerRow> servers = new ArrayList<>(rows.servers());
        servers.add(new ServerRow(99, "127.0.0.1", 3314, "ONLINE", 1, 1000, "node4"));
        servers.add(new ServerRow(20, "127.0.0.1", 3315, "OFFLINE_SOFT", 1, 1000, "node5"));
        List<UserRow> users = List.of(new UserRow("x", "not-a-hash", true, 20, null, true, 10000, ""));
        RuntimeConfigRows bad = rows.withServers(servers, rows.galeraHostgroups()).withUsers(users)
            .withVariables(List.of(new VariableRow("lintas-monitor.interval_ms", "500"), new VariableRow("nope", "1")));
        ConfigRows.InvalidRowsException e = assertThrows(ConfigRows.InvalidRowsException.class,
            () -> ConfigRows.fromRows(bad, c, true));
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("hostgroup 99"), all);
        assertTrue(all.contains("status OFFLINE_SOFT is not supported"), all);
        assertTrue(all.contains("default_hostgroup=20"), all);
        assertTrue(all.contains("password"), all);
        assertTrue(all.contains("unknown variable 'nope'"), all);
        assertTrue(all.contains("lintas-monitor.interval_ms cannot change at runtime"), all);
        // For the disk, a read-only variable may change (it applies at the next start).
        RuntimeConfigRows diskOnly = rows.withVariables(List.of(new VariableRow("lintas-monitor.interval_ms", "500")));
        assertEquals("500", ConfigRows.fromRows(diskOnly, c, false).variables().get("lintas-monitor.interval_ms"));
    }

    @Test
    void theFileWriterKeepsOtherSectionsAndWritesNoClearPassword() throws Exception {
        LintasConfig c = config();
        ConfigRows.Parsed p = ConfigRows.fromRows(ConfigRows.toRows(c).withVariables(
            List.of(new VariableRow("lintas-monitor.interval_ms", "500"))), c, false);
        String text = new ConfigFileWriter().write(YAML, p.config(), p.variables());
        assertFalse(text.contains("password: "), text);
        assertTrue(text.contains("password_hash"), text);
        assertTrue(text.contains("max_connections: 20"), "per-node pool settings stay:\n" + text);
        assertTrue(text.contains("replace_pattern"), "rules keep what the tables cannot show:\n" + text);
        LintasConfig again = new ConfigLoader().parse("saved", text);
        assertEquals(c.nodes(), again.nodes());
        assertEquals(c.writerOrder(), again.writerOrder());
        assertEquals(c.readers(), again.readers());
        assertEquals(c.routing(), again.routing());
        assertEquals(c.queryRules().rules(), again.queryRules().rules());
        assertEquals(500, again.monitor().settings().intervalMs());
        assertEquals(NativePassword.storedHash("s3cret"), again.admin().password());
        assertArrayEquals(c.users().get(0).stage2(), again.users().get(0).stage2());
        assertEquals(Map.of("node1", 3), again.routing().weights());
    }
}
