package io.lintas.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lintas.monitor.BackendNode;
import io.lintas.proxy.config.LintasConfig;
import io.lintas.proxy.config.UserAccount;
import io.lintas.router.rules.QueryRule;
import io.lintas.wire.auth.NativePassword;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a configuration into the YAML text of the config file: the sections the admin interface manages
 * (users, nodes, writer_order, readers, routing, query_rules, the monitor settings behind global_variables) are
 * replaced; every other key of the file (proxy, backend, pool, admin, metrics, per-node pool settings, monitor
 * password) is kept as it was. Comments of the old file are not kept. Clear passwords are never written: users
 * get {@code password_hash}, and a clear {@code admin.password} becomes {@code admin.password_hash}.
 */
final class ConfigFileWriter {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final YAMLMapper yaml = new YAMLMapper(new YAMLFactory()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
        .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    /** The new file text: {@code oldText} (may be empty) with the managed sections from {@code c} and {@code vars}. */
    String write(String oldText, LintasConfig c, Map<String, String> vars) throws IOException {
        JsonNode parsed = oldText == null || oldText.isBlank() ? null : yaml.readTree(oldText);
        ObjectNode root = parsed instanceof ObjectNode o ? o : F.objectNode();

        // Users: hash only.
        ArrayNode users = F.arrayNode();
        for (UserAccount u : c.users()) {
            ObjectNode n = users.addObject();
            n.put("username", u.username());
            n.put("password_hash", ConfigRows.hash(u.stage2()));
            if (u.defaultSchema() != null) {
                n.put("default_schema", u.defaultSchema());
            }
        }
        // Nodes: keep each node's other keys (pool) by name.
        Map<String, ObjectNode> oldNodes = new HashMap<>();
        if (root.get("nodes") instanceof ArrayNode a) {
            for (JsonNode n : a) {
                if (n instanceof ObjectNode o && o.hasNonNull("name")) {
                    oldNodes.put(o.get("name").asText(), o);
                }
            }
        }
        ArrayNode nodes = F.arrayNode();
        for (BackendNode b : c.nodes()) {
            ObjectNode n = nodes.addObject();
            n.put("name", b.name());
            n.put("host", b.host());
            n.put("port", b.port());
            Integer w = c.routing().weights().get(b.name());
            if (w != null && w != 1) {
                n.put("weight", w);
            }
            ObjectNode old = oldNodes.get(b.name());
            if (old != null && old.has("pool")) {
                n.set("pool", old.get("pool"));
            }
        }
        ArrayNode writerOrder = F.arrayNode();
        c.writerOrder().forEach(n -> writerOrder.add(n.name()));
        ArrayNode readers = F.arrayNode();
        c.readers().forEach(n -> readers.add(n.name()));

        ObjectNode routing = root.get("routing") instanceof ObjectNode r ? r : F.objectNode();
        routing.put("writer_hostgroup", c.routing().writerHostgroup());
        routing.put("reader_hostgroup", c.routing().readerHostgroup());
        routing.put("consistency", vars.get(RuntimeVariables.CONSISTENCY));
        routing.put("reads_fall_back_to_writer", Boolean.parseBoolean(vars.get(RuntimeVariables.FALL_BACK)));
        routing.put("failover_wait_ms", Integer.parseInt(vars.get(RuntimeVariables.FAILOVER_WAIT)));
        routing.put("warnings_hold_ms", Integer.parseInt(vars.get(RuntimeVariables.WARNINGS_HOLD)));

        ArrayNode rules = F.arrayNode();
        for (QueryRule q : c.queryRules().rules()) {
            ObjectNode n = rules.addObject();
            n.put("rule_id", q.ruleId());
            n.put("active", q.active());
            putIfSet(n, "username", q.username());
            putIfSet(n, "schemaname", q.schemaname());
            if (q.flagIn() != 0) {
                n.put("flagIN", q.flagIn());
            }
            if (q.flagOut() != null) {
                n.put("flagOUT", q.flagOut());
            }
            putIfSet(n, "match_digest", q.matchDigest());
            putIfSet(n, "match_pattern", q.matchPattern());
            if (q.negateMatchPattern()) {
                n.put("negate_match_pattern", true);
            }
            putIfSet(n, "replace_pattern", q.replacePattern());
            if (q.destinationHostgroup() != null) {
                n.put("destination_hostgroup", q.destinationHostgroup());
            }
            putIfSet(n, "error_msg", q.errorMsg());
            n.put("apply", q.apply());
            putIfSet(n, "comment", q.comment());
        }

        ObjectNode monitor = root.get("monitor") instanceof ObjectNode m ? m : F.objectNode();
        monitor.put("enabled", Boolean.parseBoolean(vars.get(RuntimeVariables.MONITOR_ENABLED)));
        monitor.put("user", vars.get(RuntimeVariables.MONITOR_USER));
        monitor.put("interval_ms", Integer.parseInt(vars.get(RuntimeVariables.MONITOR_INTERVAL)));
        monitor.put("timeout_ms", Integer.parseInt(vars.get(RuntimeVariables.MONITOR_TIMEOUT)));
        monitor.put("max_failures", Integer.parseInt(vars.get(RuntimeVariables.MONITOR_MAX_FAILURES)));
        monitor.put("failback", Boolean.parseBoolean(vars.get(RuntimeVariables.MONITOR_FAILBACK)));
        monitor.put("failback_after_ms", Integer.parseInt(vars.get(RuntimeVariables.MONITOR_FAILBACK_AFTER)));

        // Rebuild the root in the usual key order, keeping keys this writer does not manage.
        ObjectNode out = F.objectNode();
        copy(root, out, "proxy");
        out.set("users", users);
        out.set("nodes", nodes);
        out.set("writer_order", writerOrder);
        out.set("readers", readers);
        copy(root, out, "backend");
        copy(root, out, "pool");
        out.set("routing", routing);
        if (!rules.isEmpty()) {
            out.set("query_rules", rules);
        }
        out.set("monitor", monitor);
        if (root.get("admin") instanceof ObjectNode admin) {
            if (admin.hasNonNull("password")) {
                String clear = admin.get("password").asText();
                admin.remove("password");
                admin.put("password_hash", NativePassword.storedHash(clear));
            }
            out.set("admin", admin);
        }
        copy(root, out, "metrics");
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!out.has(e.getKey()) && !e.getKey().equals("query_rules")) {
                out.set(e.getKey(), e.getValue());
            }
        }
        return "# Written by Lintas (SAVE … TO DISK) at " + java.time.Instant.now() + "; the previous file is kept as "
            + "NAME.bak.\n" + yaml.writeValueAsString(out);
    }

    private static void copy(ObjectNode from, ObjectNode to, String key) {
        if (from.has(key)) {
            to.set(key, from.get(key));
        }
    }

    private static void putIfSet(ObjectNode n, String key, String value) {
        if (value != null) {
            n.put(key, value);
        }
    }
}
