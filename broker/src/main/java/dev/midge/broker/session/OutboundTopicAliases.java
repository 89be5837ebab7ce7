package dev.midge.broker.session;

import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import java.util.HashMap;
import java.util.Map;

/**
 * The topic aliases the broker assigned towards one MQTT 5 connection (spec 3.3.2.3.4): a topic
 * gets the next alias while there are some left, and goes as an empty topic with its alias from
 * then on. Forgotten with the connection [MQTT-3.3.2-7]. Owned by the session's event loop.
 */
final class OutboundTopicAliases {
    private final int maximum;
    private final Map<String, Integer> aliases = new HashMap<>();

    /** @param maximum the client's Topic Alias Maximum, above 0 */
    OutboundTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    /** The PUBLISH as it goes out on this connection: aliased, announcing an alias, or unchanged. */
    Publish apply(Publish p) {
        Integer alias = aliases.get(p.topic());
        if (alias != null) {
            return new Publish("", p.payload(), p.qos(), p.retain(), p.dup(), p.packetId(),
                    p.properties().toBuilder().put(Property.TOPIC_ALIAS, alias).build());
        }
        if (aliases.size() < maximum) {
            int fresh = aliases.size() + 1;
            aliases.put(p.topic(), fresh);
            Properties props = p.properties().toBuilder().put(Property.TOPIC_ALIAS, fresh).build();
            return new Publish(p.topic(), p.payload(), p.qos(), p.retain(), p.dup(), p.packetId(), props);
        }
        return p;
    }
}
