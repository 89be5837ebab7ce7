package dev.midge.broker.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the broker is configured with, immutable. Defaults are Mosquitto 2.0's: with no
 * listener configured the broker listens on localhost only and allows anonymous clients.
 *
 * @param listeners           where to listen
 * @param localOnly           true when no listener was configured (Mosquitto's "local only mode")
 * @param security            the broker-wide allow_anonymous / password_file / acl_file (each
 *                            listener carries its own, the same one unless per_listener_settings)
 * @param maxInflightMessages outbound QoS 1/2 window per client (0: no maximum)
 * @param maxQueuedMessages   queued messages per client (0: no maximum)
 * @param maxQueuedBytes      payload bytes queued per client (0: no maximum)
 * @param messageMemoryLimit  payload bytes held in all queues and inflight windows together
 * @param maxKeepalive        the largest keep-alive a client may ask for, in seconds
 * @param maxPacketSize       the largest packet accepted, whole (0: the protocol maximum)
 * @param messageSizeLimit    the largest PUBLISH payload accepted (0: no limit)
 * @param sysIntervalSeconds  how often $SYS topics are published (0: never)
 * @param maxTopicAlias       topic aliases an MQTT 5 client may use towards the broker
 * @param connectTimeoutSeconds how long a new socket may take to send CONNECT
 * @param maxQos              the highest QoS the broker accepts and grants (Mosquitto's max_qos)
 * @param retainAvailable     whether retained messages are supported (retain_available)
 * @param persistence         keep state on disk (RocksDB) across restarts and crashes
 * @param persistenceLocation the store's directory
 * @param persistenceSyncMillis 0: fsync before every acknowledgement; else sync this often
 * @param persistenceGatherMillis with fsync before every acknowledgement: how long a sync may wait
 *                            for the other clients that waited lately (0: never)
 * @param persistenceMemoryBytes RocksDB block cache and write buffers together
 * @param scramCredentialsFile SCRAM users for enhanced authentication, or null
 * @param sleepIdleConnections drop the channel of a plain TCP connection that stays quiet (250 ms
 *                            after CONNACK, or a whole keep-alive period); its socket sleeps until
 *                            something happens
 * @param warmUpConnections   loopback clients the broker connects to itself once it listens, so that
 *                            the first connect storm meets compiled code (0: none)
 * @param verbose             log every connect, subscribe and disconnect
 * @param logDestinations     log_dest lines: "stdout", "stderr" or "file PATH" (empty: stderr)
 * @param logTypes            log_type values (empty: Mosquitto's error, warning, notice, information)
 * @param pidFile             where to write the process id, or null
 * @param warnings            lines of the config file that were read but are not acted on
 */
public record BrokerConfig(List<Listener> listeners, boolean localOnly, Security security,
                           int maxInflightMessages, int maxQueuedMessages, long maxQueuedBytes,
                           long messageMemoryLimit, int maxKeepalive,
                           int maxPacketSize, int messageSizeLimit, int sysIntervalSeconds,
                           int maxTopicAlias, int maxQos, boolean retainAvailable, int connectTimeoutSeconds,
                           boolean persistence, Path persistenceLocation, long persistenceSyncMillis,
                           long persistenceGatherMillis, long persistenceMemoryBytes, Path scramCredentialsFile,
                           boolean sleepIdleConnections, int warmUpConnections, boolean verbose,
                           List<String> logDestinations,
                           List<String> logTypes, Path pidFile,
                           List<String> warnings) {
    public static final int DEFAULT_PORT = 1883;
    /** The largest packet MQTT can express: 1 byte header + 4 bytes length + 268,435,455. */
    public static final int PROTOCOL_MAX_PACKET_SIZE = 268_435_460;

    public BrokerConfig {
        listeners = List.copyOf(listeners);
        warnings = List.copyOf(warnings);
        logDestinations = List.copyOf(logDestinations);
        logTypes = List.copyOf(logTypes);
    }

    /** Whether clients without a user name may connect (broker-wide setting). */
    public boolean allowAnonymous() {
        return security.allowAnonymous();
    }

    /** Mosquitto 2.0 without a config file: localhost on the given port, anonymous allowed. */
    public static BrokerConfig localOnly(int port) {
        return builder().port(port).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int effectiveMaxPacketSize() {
        return maxPacketSize == 0 ? PROTOCOL_MAX_PACKET_SIZE : maxPacketSize;
    }

    /** Builds a config; unset values take Mosquitto's defaults. */
    public static final class Builder {
        private final ArrayList<ListenerSettings> listeners = new ArrayList<>();
        private final ArrayList<String> warnings = new ArrayList<>();
        private final ArrayList<String> logDestinations = new ArrayList<>();
        private final ArrayList<String> logTypes = new ArrayList<>();
        /** The default listener: Mosquitto's {@code port} line and the keys before any listener. */
        private final ListenerSettings defaultListener = new ListenerSettings(null, DEFAULT_PORT, "default listener");
        private boolean defaultListenerUsed;
        private Integer localPort;
        private Boolean allowAnonymous;
        private Path passwordFile;
        private Path aclFile;
        private boolean perListenerSettings;
        private Path pidFile;
        private int maxInflightMessages = 20;
        private int maxQueuedMessages = 1000;
        private long maxQueuedBytes;
        /** A quarter of the heap by default: a flood slows publishers instead of ending in OutOfMemoryError. */
        private long messageMemoryLimit = Runtime.getRuntime().maxMemory() / 4;
        private int maxKeepalive = 65535;
        private int maxPacketSize;
        private int messageSizeLimit;
        private int sysIntervalSeconds = 10;
        private int maxTopicAlias = 10;
        private int maxQos = 2;
        private boolean retainAvailable = true;
        private int connectTimeoutSeconds = 10;
        private boolean persistence = true;
        private Path persistenceLocation = Path.of("midge-data");
        private long persistenceSyncMillis;
        private long persistenceGatherMillis = 2;
        private long persistenceMemoryBytes = 64L << 20;
        private Path scramCredentialsFile;
        private boolean sleepIdleConnections = true;
        /** None when embedded: the application decides; {@code midge broker} sets its own default. */
        private int warmUpConnections;
        private boolean verbose;

        private Builder() {
        }

        /** Adds a listener; the settings that follow in a config file belong to it. */
        public Builder listener(String host, int port) {
            listener(host, port, "listener " + port);
            return this;
        }

        /** Adds a listener and returns its settings; {@code origin} names it in errors (file:line). */
        public ListenerSettings listener(String host, int port, String origin) {
            ListenerSettings l = new ListenerSettings(host, port, origin);
            listeners.add(l);
            return l;
        }

        /** Mosquitto's {@code port}: the default listener, on every interface. */
        public Builder defaultListenerPort(int port) {
            defaultListener.port = port;
            defaultListenerUsed = true;
            return this;
        }

        /** The listener the next listener-scoped key belongs to. */
        public ListenerSettings currentListener() {
            return listeners.isEmpty() ? defaultListener : listeners.get(listeners.size() - 1);
        }

        /** The port for local-only mode, when no listener is configured (the -p option). */
        public Builder port(int port) {
            this.localPort = port;
            return this;
        }

        public Builder allowAnonymous(boolean allow) {
            this.allowAnonymous = allow;
            currentListener().allowAnonymous = allow;
            return this;
        }

        public Builder passwordFile(Path file) {
            this.passwordFile = file;
            currentListener().passwordFile = file;
            return this;
        }

        public Builder aclFile(Path file) {
            this.aclFile = file;
            currentListener().aclFile = file;
            return this;
        }

        public Builder perListenerSettings(boolean on) {
            this.perListenerSettings = on;
            return this;
        }

        public Builder logDestination(String destination) {
            logDestinations.add(destination);
            return this;
        }

        public Builder logType(String type) {
            logTypes.add(type);
            return this;
        }

        public Builder pidFile(Path file) {
            this.pidFile = file;
            return this;
        }

        public Builder maxInflightMessages(int n) {
            this.maxInflightMessages = n;
            return this;
        }

        public Builder maxQueuedMessages(int n) {
            this.maxQueuedMessages = n;
            return this;
        }

        public Builder maxQueuedBytes(long bytes) {
            this.maxQueuedBytes = bytes;
            return this;
        }

        public Builder messageMemoryLimit(long bytes) {
            this.messageMemoryLimit = bytes;
            return this;
        }

        public Builder maxKeepalive(int seconds) {
            this.maxKeepalive = seconds;
            return this;
        }

        public Builder maxPacketSize(int bytes) {
            this.maxPacketSize = bytes;
            return this;
        }

        public Builder messageSizeLimit(int bytes) {
            this.messageSizeLimit = bytes;
            return this;
        }

        public Builder sysInterval(int seconds) {
            this.sysIntervalSeconds = seconds;
            return this;
        }

        public Builder maxTopicAlias(int n) {
            this.maxTopicAlias = n;
            return this;
        }

        public Builder maxQos(int qos) {
            this.maxQos = qos;
            return this;
        }

        public Builder retainAvailable(boolean available) {
            this.retainAvailable = available;
            return this;
        }

        public Builder connectTimeout(int seconds) {
            this.connectTimeoutSeconds = seconds;
            return this;
        }

        public Builder persistence(boolean on) {
            this.persistence = on;
            return this;
        }

        public Builder persistenceLocation(Path dir) {
            this.persistenceLocation = dir;
            return this;
        }

        /** 0 syncs before every acknowledgement (the default); otherwise the interval in ms. */
        public Builder persistenceSync(long millis) {
            this.persistenceSyncMillis = millis;
            return this;
        }

        public Builder persistenceGather(long millis) {
            this.persistenceGatherMillis = millis;
            return this;
        }

        public Builder persistenceMemory(long bytes) {
            this.persistenceMemoryBytes = bytes;
            return this;
        }

        public Builder scramCredentialsFile(Path file) {
            this.scramCredentialsFile = file;
            return this;
        }

        public Builder sleepIdleConnections(boolean sleep) {
            this.sleepIdleConnections = sleep;
            return this;
        }

        public Builder warmUpConnections(int n) {
            this.warmUpConnections = n;
            return this;
        }

        public Builder verbose(boolean verbose) {
            this.verbose = verbose;
            return this;
        }

        public Builder warning(String warning) {
            warnings.add(warning);
            return this;
        }

        public boolean hasListeners() {
            return !listeners.isEmpty() || defaultListenerUsed;
        }

        /** Checks what only a complete config can show (e.g. a TLS listener without a key). */
        public Builder check() throws ConfigException {
            defaultListener.check();
            for (ListenerSettings l : listeners) {
                l.check();
            }
            return this;
        }

        public BrokerConfig build() {
            boolean localOnly = !hasListeners();
            // Mosquitto 2.0: anonymous access is on only in local-only mode unless configured.
            Security global = new Security(allowAnonymous != null ? allowAnonymous : localOnly, passwordFile, aclFile);
            List<Listener> effective = new ArrayList<>();
            if (localOnly) {
                int port = localPort == null ? DEFAULT_PORT : localPort;
                defaultListener.port = port;
                effective.add(defaultListener.build("127.0.0.1", global));
                effective.add(defaultListener.build("::1", global));
            } else {
                if (defaultListenerUsed) {
                    effective.add(defaultListener.build(null, security(defaultListener, global, localOnly)));
                }
                for (ListenerSettings l : listeners) {
                    effective.add(l.build(l.host, security(l, global, localOnly)));
                }
            }
            return new BrokerConfig(effective, localOnly, global, maxInflightMessages, maxQueuedMessages,
                    maxQueuedBytes, messageMemoryLimit, maxKeepalive, maxPacketSize, messageSizeLimit, sysIntervalSeconds, maxTopicAlias,
                    maxQos, retainAvailable, connectTimeoutSeconds, persistence, persistenceLocation,
                    persistenceSyncMillis, persistenceGatherMillis, persistenceMemoryBytes, scramCredentialsFile,
                    sleepIdleConnections, warmUpConnections, verbose, logDestinations,
                    logTypes, pidFile, warnings);
        }

        private Security security(ListenerSettings l, Security global, boolean localOnly) {
            if (!perListenerSettings) {
                return global;
            }
            return new Security(l.allowAnonymous != null ? l.allowAnonymous : localOnly, l.passwordFile, l.aclFile);
        }
    }
}
