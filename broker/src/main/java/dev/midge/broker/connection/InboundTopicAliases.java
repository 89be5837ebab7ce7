package dev.midge.broker.connection;

import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.wire.MalformedPacketException;
import java.util.HashMap;
import java.util.Map;

/**
 * The topic aliases an MQTT 5 client set up on this connection (spec 3.3.2.3.4). Forgotten with
 * the connection [MQTT-3.3.2-7]. Owned by the connection's event loop.
 */
final class InboundTopicAliases {
    /** For connections that may not use aliases (3.x, or a maximum of 0): any alias is refused. */
    static final InboundTopicAliases NONE = new InboundTopicAliases(0);

    private final int maximum;
    /** Created with the first alias: most connections never set one. */
    private Map<Integer, String> topics;

    InboundTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    /**
     * Returns the PUBLISH with its topic resolved and the alias property removed, recording a new
     * mapping when it carries both topic and alias.
     *
     * @throws MalformedPacketException 0x94 for alias 0 or above the maximum [MQTT-3.3.2-8]
     *                                  [MQTT-3.3.2-9], 0x82 for an unknown alias with no topic
     */
    Publish resolve(Publish p) {
        Integer alias = p.properties().integer(Property.TOPIC_ALIAS);
        if (alias == null) {
            return p;
        }
        if (alias == 0 || alias > maximum) {
            throw new MalformedPacketException(ReasonCode.TOPIC_ALIAS_INVALID,
                    "topic alias " + alias + " outside 1.." + maximum);
        }
        String topic = p.topic();
        if (topic.isEmpty()) {
            topic = topics == null ? null : topics.get(alias);
            if (topic == null) {
                throw MalformedPacketException.protocolError("unknown topic alias " + alias);
            }
        } else {
            if (topics == null) {
                topics = new HashMap<>();
            }
            topics.put(alias, topic);
        }
        Properties props = p.properties().toBuilder().remove(Property.TOPIC_ALIAS).build();
        return new Publish(topic, p.payload(), p.qos(), p.retain(), p.dup(), p.packetId(), props);
    }
}
