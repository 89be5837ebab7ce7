package dev.midge.broker.config;

import java.util.Set;

/**
 * The configuration keys Mosquitto 2.x knows. A key in this list that Midge does not act on is a
 * warning (the user's file is valid Mosquitto); a key in no list is a typo and an error.
 */
final class MosquittoKeys {
    static final Set<String> ALL = Set.of(
            "acl_file", "allow_anonymous", "allow_duplicate_messages", "allow_zero_length_clientid",
            "auth_plugin", "auto_id_prefix", "autosave_interval", "autosave_on_changes", "bind_address",
            "bind_interface", "cafile", "capath", "certfile", "check_retain_source", "ciphers",
            "ciphers_tls1.3", "clientid_prefixes", "connection_messages", "crlfile", "dhparamfile",
            "disable_client_cert_date_checks", "enable_control_api", "global_max_clients",
            "global_max_connections", "global_plugin", "http_dir", "include_dir", "keyfile", "listener",
            "log_dest", "log_facility", "log_timestamp", "log_timestamp_format", "log_type",
            "max_connections", "max_inflight_bytes", "max_inflight_messages", "max_keepalive",
            "max_packet_size", "max_qos", "max_queued_bytes", "max_queued_messages", "max_topic_alias", "memory_limit",
            "message_size_limit", "mount_point", "password_file", "per_listener_settings", "persistence",
            "persistence_file", "persistence_location", "persistent_client_expiration", "pid_file",
            "plugin", "plugin_load", "port", "protocol", "psk_file", "psk_hint", "queue_qos0_messages",
            "require_certificate", "retain_available", "set_tcp_nodelay", "socket_domain", "sys_interval",
            "tls_engine", "tls_engine_kpass_sha1", "tls_keyform", "tls_version", "upgrade_outgoing_qos",
            "use_identity_as_username", "use_subject_as_username", "use_username_as_clientid", "user",
            "websockets_headers_size", "websockets_log_level", "accept_protocol_versions",
            // bridges
            "connection", "address", "addresses", "bridge_alpn", "bridge_attempt_unsubscribe",
            "bridge_bind_address", "bridge_cafile", "bridge_capath", "bridge_certfile", "bridge_identity",
            "bridge_insecure", "bridge_keyfile", "bridge_max_packet_size", "bridge_outgoing_retain",
            "bridge_protocol_version", "bridge_psk", "bridge_require_ocsp", "bridge_reload_type",
            "bridge_tls_version", "cleansession", "idle_timeout", "keepalive_interval", "local_clientid",
            "local_password", "local_username", "notifications", "notifications_local_only",
            "notification_topic", "remote_clientid", "remote_password", "remote_username",
            "restart_timeout", "round_robin", "start_type", "threshold", "topic", "try_private");

    private MosquittoKeys() {
    }

    static boolean known(String key) {
        return ALL.contains(key) || key.startsWith("auth_opt_") || key.startsWith("plugin_opt_");
    }
}
