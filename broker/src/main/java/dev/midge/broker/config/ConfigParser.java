package dev.midge.broker.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads mosquitto.conf syntax: one {@code key value...} per line, '#' comments, blank lines.
 * A malformed value or an unknown key stops startup with {@code file:line: reason}; a Mosquitto
 * key that Midge does not act on yet becomes a startup warning naming its line.
 */
public final class ConfigParser {
    private final BrokerConfig.Builder builder;
    private Path file;
    private int line;
    private int depth;

    private ConfigParser(BrokerConfig.Builder builder) {
        this.builder = builder;
    }

    /** Parses {@code file} into {@code builder} (which may already hold command-line settings). */
    public static BrokerConfig.Builder parse(Path file, BrokerConfig.Builder builder) throws ConfigException {
        return parse(file, builder, 0).check();
    }

    private static BrokerConfig.Builder parse(Path file, BrokerConfig.Builder builder, int depth)
            throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        ConfigParser p = new ConfigParser(builder);
        p.file = file;
        p.depth = depth;
        for (int i = 0; i < lines.size(); i++) {
            p.line = i + 1;
            p.parseLine(lines.get(i).strip());
        }
        return builder;
    }

    private void parseLine(String text) throws ConfigException {
        if (text.isEmpty() || text.startsWith("#")) {
            return;
        }
        String[] words = text.split("\\s+");
        String key = words[0];
        switch (key) {
            case "listener" -> listener(words);
            case "port" -> {
                requireArgs(words, 1, 1);
                builder.defaultListenerPort(port(words[1]));
            }
            case "allow_anonymous" -> builder.allowAnonymous(bool(words));
            case "password_file" -> builder.passwordFile(path(text, words));
            case "acl_file" -> builder.aclFile(path(text, words));
            case "per_listener_settings" -> builder.perListenerSettings(bool(words));
            case "include_dir" -> includeDir(path(text, words));
            case "pid_file" -> builder.pidFile(path(text, words));
            case "log_dest" -> logDest(text, words);
            case "log_type" -> logType(words);
            case "protocol", "bind_interface", "bind_address", "max_connections", "certfile", "keyfile", "cafile",
                 "capath", "tls_version", "ciphers", "require_certificate", "use_identity_as_username",
                 "use_subject_as_username", "crlfile" -> ListenerKeys.apply(this, builder.currentListener(), text, words);
            case "max_inflight_messages" -> builder.maxInflightMessages(integer(words, 0, 65535));
            case "max_queued_messages" -> builder.maxQueuedMessages(integer(words, 0, Integer.MAX_VALUE));
            case "max_keepalive" -> builder.maxKeepalive(integer(words, 10, 65535));
            case "max_queued_bytes" -> builder.maxQueuedBytes(longValue(words));
            // Midge's own: payload bytes all queues and inflight windows may hold together
            case "message_memory_limit" -> builder.messageMemoryLimit(longValue(words));
            case "max_packet_size" -> builder.maxPacketSize(integer(words, 0, BrokerConfig.PROTOCOL_MAX_PACKET_SIZE));
            case "message_size_limit" -> builder.messageSizeLimit(integer(words, 0, 268_435_455));
            case "sys_interval" -> builder.sysInterval(integer(words, 0, 65535));
            case "max_topic_alias" -> builder.maxTopicAlias(integer(words, 0, 65535));
            case "max_qos" -> builder.maxQos(integer(words, 0, 2));
            case "retain_available" -> builder.retainAvailable(bool(words));
            case "connection_messages" -> builder.verbose(bool(words));
            case "persistence" -> builder.persistence(bool(words));
            case "persistence_location" -> {
                requireArgs(words, 1, 1);
                builder.persistenceLocation(Path.of(words[1]));
            }
            // Midge's own: when acknowledgements wait for fsync
            case "persistence_sync" -> persistenceSync(words);
            // Midge's own: how long (ms) a sync waits for other clients' writes
            case "persistence_sync_gather" -> builder.persistenceGather(integer(words, 0, 100));
            // Midge's own: RocksDB memory (block cache + write buffers), in megabytes
            case "persistence_memory_limit" -> builder.persistenceMemory((long) integer(words, 8, 65536) << 20);
            // Midge's own: idle plain TCP connections sleep without a Netty channel
            case "sleep_idle_connections" -> builder.sleepIdleConnections(bool(words));
            // Midge's own: loopback clients run through the connect path at start, to compile it
            case "warm_up_connections" -> builder.warmUpConnections(integer(words, 0, 10_000));
            // Midge's own: SCRAM users for MQTT 5 enhanced authentication (SCRAM-SHA-256/512)
            case "scram_credentials_file" -> {
                requireArgs(words, 1, 1);
                builder.scramCredentialsFile(file.resolveSibling(words[1]));
            }
            case "user" -> {
                requireArgs(words, 1, 1);
                warn("user " + words[1] + " ignored: Midge runs as the user that starts it");
            }
            default -> {
                if (!MosquittoKeys.known(key)) {
                    throw error("unknown configuration key '" + key + "'");
                }
                warn("'" + key + "' is a Mosquitto option Midge does not support yet; ignored");
            }
        }
    }

    private void persistenceSync(String[] words) throws ConfigException {
        requireArgs(words, 1, 2);
        if (words[1].equals("always") && words.length == 2) {
            builder.persistenceSync(0);
        } else if (words[1].equals("interval") && words.length == 3) {
            int ms = parseInt(words[2], "persistence_sync interval");
            if (ms < 1 || ms > 60_000) {
                throw error("persistence_sync interval " + ms + " is out of range 1-60000 ms");
            }
            builder.persistenceSync(ms);
        } else {
            throw error("persistence_sync takes 'always' or 'interval MS'");
        }
    }

    private void listener(String[] words) throws ConfigException {
        requireArgs(words, 1, 2);
        builder.listener(words.length == 3 ? words[2] : null, port(words[1]), file + ":" + line);
    }

    /** Mosquitto reads every {@code *.conf} of the directory in alphabetical order. */
    private void includeDir(Path dir) throws ConfigException {
        if (depth > 8) {
            throw error("include_dir nested too deeply");
        }
        List<Path> files;
        try (var entries = Files.list(dir)) {
            files = entries.filter(f -> f.getFileName().toString().endsWith(".conf")).sorted().toList();
        } catch (IOException e) {
            throw error("include_dir " + dir + ": cannot read: " + e.getMessage());
        }
        for (Path f : files) {
            parse(f, builder, depth + 1);
        }
    }

    private void logDest(String text, String[] words) throws ConfigException {
        requireArgs(words, 1, Integer.MAX_VALUE);
        switch (words[1]) {
            case "stdout", "stderr" -> builder.logDestination(words[1]);
            case "file" -> {
                requireArgs(words, 2, Integer.MAX_VALUE);
                builder.logDestination("file " + text.substring(text.indexOf("file") + 4).strip());
            }
            case "syslog", "topic", "dlt", "none" ->
                    warn("log_dest " + words[1] + " is not supported by Midge; ignored");
            default -> throw error("log_dest takes stdout, stderr, file PATH, syslog, topic, dlt or none, not '"
                    + words[1] + "'");
        }
    }

    private void logType(String[] words) throws ConfigException {
        requireArgs(words, 1, 1);
        switch (words[1]) {
            case "error", "warning", "notice", "information", "websockets", "none" -> builder.logType(words[1]);
            case "debug", "subscribe", "unsubscribe", "all" -> {
                // these include the per-client events (connects, subscriptions, disconnects)
                builder.logType(words[1]);
                builder.verbose(true);
            }
            default -> throw error("unknown log_type '" + words[1] + "'");
        }
    }

    /** A path value: the rest of the line, so that paths may contain spaces. */
    Path path(String text, String[] words) throws ConfigException {
        requireArgs(words, 1, Integer.MAX_VALUE);
        return Path.of(text.substring(words[0].length()).strip());
    }

    int port(String value) throws ConfigException {
        int port = parseInt(value, "port");
        if (port < 0 || port > 65535) {
            throw error("port " + value + " is out of range 0-65535");
        }
        return port;
    }

    boolean bool(String[] words) throws ConfigException {
        requireArgs(words, 1, 1);
        return switch (words[1]) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(words[0] + " takes true or false, not '" + words[1] + "'");
        };
    }

    int integer(String[] words, int min, int max) throws ConfigException {
        requireArgs(words, 1, 1);
        int v = parseInt(words[1], words[0]);
        if (v < min || v > max) {
            throw error(words[0] + " " + v + " is out of range " + min + "-" + max);
        }
        return v;
    }

    private long longValue(String[] words) throws ConfigException {
        requireArgs(words, 1, 1);
        try {
            long v = Long.parseLong(words[1]);
            if (v < 0) {
                throw error(words[0] + " must not be negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(words[0] + ": '" + words[1] + "' is not a number");
        }
    }

    private int parseInt(String value, String what) throws ConfigException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw error(what + ": '" + value + "' is not a number");
        }
    }

    void requireArgs(String[] words, int min, int max) throws ConfigException {
        int n = words.length - 1;
        if (n < min || n > max) {
            throw error(words[0] + " takes " + (min == max ? min : min + " to " + max) + " value"
                    + (max == 1 ? "" : "s") + ", found " + n);
        }
    }

    ConfigException error(String reason) {
        return new ConfigException(file + ":" + line + ": " + reason);
    }

    void warn(String message) {
        builder.warning(file + ":" + line + ": " + message);
    }
}
