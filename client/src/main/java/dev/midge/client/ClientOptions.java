package dev.midge.client;

import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Will;
import io.netty.handler.ssl.SslContext;

/**
 * How a client connects. {@code username}, {@code password}, {@code will}, {@code tls} and
 * {@code bindAddress} may be null.
 *
 * @param keepAliveSeconds  0 turns keep-alive off
 * @param connectProperties MQTT 5 CONNECT properties (session expiry, receive maximum...)
 * @param tls               a client TLS context, or null for plain TCP
 * @param bindAddress       the local address to connect from, or null
 */
public record ClientOptions(String host, int port, String clientId, MqttVersion version, boolean cleanSession,
                            int keepAliveSeconds, String username, byte[] password, Will will,
                            Properties connectProperties, SslContext tls, String bindAddress) {

    public static ClientOptions of(String host, int port, String clientId) {
        return new ClientOptions(host, port, clientId, MqttVersion.MQTT_3_1_1, true, 60, null, null, null,
                Properties.EMPTY, null, null);
    }

    public ClientOptions withVersion(MqttVersion v) {
        return new ClientOptions(host, port, clientId, v, cleanSession, keepAliveSeconds, username, password, will,
                connectProperties, tls, bindAddress);
    }

    public ClientOptions withClientId(String id) {
        return new ClientOptions(host, port, id, version, cleanSession, keepAliveSeconds, username, password, will,
                connectProperties, tls, bindAddress);
    }

    public ClientOptions withCleanSession(boolean clean) {
        return new ClientOptions(host, port, clientId, version, clean, keepAliveSeconds, username, password, will,
                connectProperties, tls, bindAddress);
    }

    public ClientOptions withKeepAlive(int seconds) {
        return new ClientOptions(host, port, clientId, version, cleanSession, seconds, username, password, will,
                connectProperties, tls, bindAddress);
    }

    public ClientOptions withCredentials(String user, byte[] pass) {
        return new ClientOptions(host, port, clientId, version, cleanSession, keepAliveSeconds, user, pass, will,
                connectProperties, tls, bindAddress);
    }

    public ClientOptions withWill(Will w) {
        return new ClientOptions(host, port, clientId, version, cleanSession, keepAliveSeconds, username, password, w,
                connectProperties, tls, bindAddress);
    }

    public ClientOptions withConnectProperties(Properties p) {
        return new ClientOptions(host, port, clientId, version, cleanSession, keepAliveSeconds, username, password,
                will, p, tls, bindAddress);
    }

    /** Connects over TLS with {@code context} (server name and host name checked against {@link #host}). */
    public ClientOptions withTls(SslContext context) {
        return new ClientOptions(host, port, clientId, version, cleanSession, keepAliveSeconds, username, password,
                will, connectProperties, context, bindAddress);
    }

    public ClientOptions withBindAddress(String address) {
        return new ClientOptions(host, port, clientId, version, cleanSession, keepAliveSeconds, username, password,
                will, connectProperties, tls, address);
    }
}
