package dev.midge.broker.session;

import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import java.util.List;

/**
 * A message inside the broker: the PUBLISH as the publisher sent it (hop-by-hop properties
 * removed), who sent it (for no-local), and when it arrived (for message expiry). Shared by
 * every subscriber's delivery and by the retained store; immutable.
 *
 * @param id            the store's identifier of the message (unique in this broker's data)
 * @param expirySeconds the message expiry interval it arrived with, or -1 for none
 */
public record Message(long id, Publish publish, String origin, long arrivedNanos, long expirySeconds) {

    /** Wraps an inbound PUBLISH whose topic is resolved (no topic alias left to apply). */
    public static Message of(long id, Publish publish, String origin) {
        Properties props = publish.properties();
        Long expiry = props.fourByte(Property.MESSAGE_EXPIRY_INTERVAL);
        boolean hopByHop = props.integer(Property.TOPIC_ALIAS) != null || !props.subscriptionIdentifiers().isEmpty()
                || expiry != null;
        if (hopByHop) {
            // spec 3.3.2.3.4 / 3.3.4: topic aliases and subscription identifiers belong to one hop; the
            // expiry interval is recomputed per delivery
            Properties.Builder b = props.toBuilder().remove(Property.TOPIC_ALIAS)
                    .remove(Property.MESSAGE_EXPIRY_INTERVAL);
            Properties cleaned = withoutSubscriptionIds(b);
            publish = new Publish(publish.topic(), publish.payload(), publish.qos(), publish.retain(), false, 0,
                    cleaned);
        }
        return new Message(id, publish, origin, System.nanoTime(), expiry == null ? -1 : expiry);
    }

    private static Properties withoutSubscriptionIds(Properties.Builder b) {
        Properties withIds = b.build();
        if (withIds.subscriptionIdentifiers().isEmpty()) {
            return withIds;
        }
        Properties.Builder clean = Properties.builder();
        withIds.values().forEach(clean::put);
        withIds.userProperties().forEach(u -> clean.userProperty(u.name(), u.value()));
        return clean.build();
    }

    public String topic() {
        return publish.topic();
    }

    public Qos qos() {
        return publish.qos();
    }

    public boolean retain() {
        return publish.retain();
    }

    /** Seconds left before expiry at {@code now}, or -1 when the message never expires. */
    public long remainingSeconds(long now) {
        if (expirySeconds < 0) {
            return -1;
        }
        long waited = (now - arrivedNanos) / 1_000_000_000L;
        return Math.max(0, expirySeconds - waited);
    }

    /** Whether the message expired before {@code now} [MQTT-3.3.2-5]. */
    public boolean expired(long now) {
        return expirySeconds >= 0 && now - arrivedNanos >= expirySeconds * 1_000_000_000L;
    }

    /**
     * The PUBLISH towards one subscriber: its QoS, retain flag and packet id, the remaining expiry
     * interval [MQTT-3.3.2-6] and the identifiers of the subscriptions it matched [MQTT-3.3.4-3].
     */
    public Publish toSubscriber(Qos qos, boolean retainFlag, int packetId, List<Integer> subscriptionIds,
                                long now) {
        Properties props = publish.properties();
        long remaining = remainingSeconds(now);
        if (remaining >= 0 || !subscriptionIds.isEmpty()) {
            Properties.Builder b = props.toBuilder();
            if (remaining >= 0) {
                b.put(Property.MESSAGE_EXPIRY_INTERVAL, remaining);
            }
            subscriptionIds.forEach(b::subscriptionIdentifier);
            props = b.build();
        }
        return new Publish(publish.topic(), publish.payload(), qos, retainFlag, false, packetId, props);
    }
}
