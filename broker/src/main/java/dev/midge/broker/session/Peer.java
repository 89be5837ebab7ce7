package dev.midge.broker.session;

import dev.midge.codec.packet.MqttVersion;

/**
 * The connection a session is bound to, with the limits its client announced in CONNECT
 * (MQTT 5; 3.x clients get the protocol's maxima).
 *
 * @param receiveMaximum    QoS 1/2 messages the client accepts in flight [MQTT-3.3.4-9]
 * @param maximumPacketSize the largest packet the client accepts [MQTT-3.1.2-24]
 * @param topicAliasMaximum aliases the broker may assign towards the client; 0 = none [MQTT-3.2.2-17]
 */
public record Peer(Link link, MqttVersion version, int receiveMaximum, long maximumPacketSize,
                   int topicAliasMaximum) {

    public static Peer v3(Link link, MqttVersion version) {
        return new Peer(link, version, 65535, Long.MAX_VALUE, 0);
    }
}
