package io.lintas.proxy.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/** The YAML file as written, before defaults and validation; every field may be missing (null). */
record RawConfig(
    @JsonProperty("proxy") Proxy proxy,
    @JsonProperty("users") List<User> users,
    @JsonProperty("nodes") List<Node> nodes,
    @JsonProperty("writer_order") List<String> writerOrder,
    @JsonProperty("readers") List<String> readers,
    @JsonProperty("backend") Backend backend,
    @JsonProperty("pool") Map<String, Object> pool,
    @JsonProperty("routing") Routing routing,
    @JsonProperty("query_rules") List<QueryRule> queryRules,
    @JsonProperty("monitor") Monitor monitor,
    @JsonProperty("admin") Admin admin,
    @JsonProperty("metrics") Metrics metrics) {

    record Admin(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("address") String address,
        @JsonProperty("port") Integer port,
        @JsonProperty("username") String username,
        @JsonProperty("password") String password,
        @JsonProperty("password_hash") String passwordHash) {}

    record Metrics(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("address") String address,
        @JsonProperty("port") Integer port,
        @JsonProperty("path") String path) {}

    record Proxy(
        @JsonProperty("address") String address,
        @JsonProperty("port") Integer port,
        @JsonProperty("unix_socket") String unixSocket,
        @JsonProperty("server_version") String serverVersion,
        @JsonProperty("handshake_timeout_ms") Integer handshakeTimeoutMs,
        @JsonProperty("net_read_timeout_ms") Integer netReadTimeoutMs,
        @JsonProperty("idle_timeout_ms") Integer idleTimeoutMs,
        @JsonProperty("max_allowed_packet") Long maxAllowedPacket,
        @JsonProperty("io_threads") Integer ioThreads,
        // security (client TLS, auth plugin, limits)
        @JsonProperty("tls") Tls tls,
        @JsonProperty("auth_plugin") String authPlugin,
        @JsonProperty("rsa_private_key_file") String rsaPrivateKeyFile,
        @JsonProperty("max_connections") Integer maxConnections,
        @JsonProperty("login_throttle") LoginThrottle loginThrottle) {}

    /** {@code proxy.tls}: TLS towards clients. */
    record Tls(
        @JsonProperty("cert_file") String certFile,
        @JsonProperty("key_file") String keyFile,
        @JsonProperty("require_tls") Boolean requireTls) {}

    /** {@code proxy.login_throttle}: slowing down repeated failed logins from one address. */
    record LoginThrottle(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("free_failures") Integer freeFailures,
        @JsonProperty("first_delay_ms") Integer firstDelayMs,
        @JsonProperty("max_delay_ms") Integer maxDelayMs) {}

    record User(
        @JsonProperty("username") String username,
        @JsonProperty("password") String password,
        @JsonProperty("password_hash") String passwordHash,
        @JsonProperty("default_schema") String defaultSchema,
        @JsonProperty("max_connections") Integer maxConnections) {}

    record Node(
        @JsonProperty("name") String name,
        @JsonProperty("host") String host,
        @JsonProperty("port") Integer port,
        @JsonProperty("weight") Integer weight,
        @JsonProperty("use_ssl") Boolean useSsl,
        @JsonProperty("pool") Map<String, Object> pool) {}

    record QueryRule(
        @JsonProperty("rule_id") Integer ruleId,
        @JsonProperty("active") Boolean active,
        @JsonProperty("username") String username,
        @JsonProperty("schemaname") String schemaname,
        @JsonProperty("flagIN") Integer flagIn,
        @JsonProperty("flagOUT") Integer flagOut,
        @JsonProperty("match_digest") String matchDigest,
        @JsonProperty("match_pattern") String matchPattern,
        @JsonProperty("negate_match_pattern") Boolean negateMatchPattern,
        @JsonProperty("replace_pattern") String replacePattern,
        @JsonProperty("destination_hostgroup") Integer destinationHostgroup,
        @JsonProperty("error_msg") String errorMsg,
        @JsonProperty("apply") Boolean apply,
        @JsonProperty("comment") String comment,
        @JsonProperty("timeout") Integer timeout) {}

    record Routing(
        @JsonProperty("writer_hostgroup") Integer writerHostgroup,
        @JsonProperty("reader_hostgroup") Integer readerHostgroup,
        @JsonProperty("consistency") String consistency,
        @JsonProperty("reads_fall_back_to_writer") Boolean readsFallBackToWriter,
        @JsonProperty("failover_wait_ms") Integer failoverWaitMs,
        @JsonProperty("warnings_hold_ms") Integer warningsHoldMs) {}

    record Monitor(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("user") String user,
        @JsonProperty("password") String password,
        @JsonProperty("interval_ms") Integer intervalMs,
        @JsonProperty("timeout_ms") Integer timeoutMs,
        @JsonProperty("max_failures") Integer maxFailures,
        @JsonProperty("max_transactions_behind") Integer maxTransactionsBehind,
        @JsonProperty("failback") Boolean failback,
        @JsonProperty("failback_after_ms") Integer failbackAfterMs,
        @JsonProperty("writer_is_also_reader") String writerIsAlsoReader) {}

    record Backend(
        @JsonProperty("connect_timeout_ms") Integer connectTimeoutMs,
        @JsonProperty("max_prepared_statements") Integer maxPreparedStatements,
        @JsonProperty("tls") BackendTls tls) {}

    /** {@code backend.tls}: how connections to nodes with {@code use_ssl} check the node (and prove the proxy). */
    record BackendTls(
        @JsonProperty("ca_file") String caFile,
        @JsonProperty("verify_server_cert") Boolean verifyServerCert,
        @JsonProperty("verify_hostname") Boolean verifyHostname,
        @JsonProperty("cert_file") String certFile,
        @JsonProperty("key_file") String keyFile) {}
}
