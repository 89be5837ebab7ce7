package dev.midge.client;

import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Will;

/**
 * How a client connects. {@code username}, {@code password} and {@code will} may be null.
 *
 * @param keepAliveSeconds 0 turns keep-alive off
 */
public record ClientOptions(String host, int port, String clientId, MqttVersion version, boolean cleanSession,
                            int keepAliveSeconds, String username, byte[] password, Will will,
                            Properties connectProperties) {

    public static ClientOptions of(String host, int port, String clientId) {
        return new ClientOptions(host, port, clientId, MqttVersion.MQTT_3_1_1, true, 60, null, null, null,
                Properties.EMPTY);
    }

    public ClientOptions withVersion(MqttVersion v) {
        return new ClientOptions(host, port, clientId, v, cleanSession, keepAliveSeconds, username, password, will,
                connectProperties);
    }

    public ClientOptions withCleanSession(boolean clean) {
        return new ClientOptions(host, port, clientId, version, clean, keepAliveSeconds, username, password, will,
                connectProperties);
    }

    public ClientOptions withKeepAlive(int seconds) {
        return new ClientOptions(host, port, clientId, version, cleanSession, seconds, username, password, will,
                connectProperties);
    }

    public ClientOptions withCredentials(String user, byte[] pass) {
        return new ClientOptions(host, port, clientId, version, cleanSession, keepAliveSeconds, user, pass, will,
                connectProperties);
    }

    public ClientOptions withWill(Will w) {
        return new ClientOptions(host, port, clientId, version, cleanSession, keepAliveSeconds, username, password, w,
                connectProperties);
    }
}
