package dev.midge.codec.packet;

import java.util.Objects;

/**
 * PUBLISH (spec 3.3). The payload array is shared between every copy of a routed message and is
 * never modified after decoding. {@code packetId} is 0 for QoS 0.
 */
public record Publish(String topic, byte[] payload, Qos qos, boolean retain, boolean dup, int packetId,
                      Properties properties) implements MqttPacket {
    public Publish {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(properties, "properties");
    }

    public static Publish of(String topic, byte[] payload, Qos qos, boolean retain) {
        return new Publish(topic, payload, qos, retain, false, 0, Properties.EMPTY);
    }

    /** The same message as it leaves the broker towards one subscriber. */
    public Publish forDelivery(Qos deliveryQos, boolean retainFlag, int id) {
        return new Publish(topic, payload, deliveryQos, retainFlag, false, id, properties);
    }

    public Publish withDup() {
        return new Publish(topic, payload, qos, retain, true, packetId, properties);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBLISH;
    }

    @Override
    public String toString() {
        return "Publish[topic=" + topic + ", qos=" + qos.value() + ", retain=" + retain + ", dup=" + dup
                + ", packetId=" + packetId + ", payload=" + payload.length + " bytes, properties=" + properties + "]";
    }
}
