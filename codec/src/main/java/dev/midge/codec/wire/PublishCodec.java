package dev.midge.codec.wire;

import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.topic.Topic;
import io.netty.buffer.ByteBuf;

/** PUBLISH (spec 3.3): flags carry DUP, QoS and RETAIN; the payload is the rest of the packet. */
final class PublishCodec {
    private PublishCodec() {
    }

    static Publish read(ByteBuf body, int flags, MqttVersion version) {
        boolean dup = (flags & 0x08) != 0;
        int qosValue = (flags & 0x06) >> 1;
        boolean retain = (flags & 0x01) != 0;
        if (qosValue == 3) {
            // [MQTT-3.3.1-4] QoS bits both set is malformed
            throw MalformedPacketException.malformed("PUBLISH with QoS 3");
        }
        if (dup && qosValue == 0) {
            // [MQTT-3.3.1-2] DUP must be 0 for QoS 0
            throw MalformedPacketException.malformed("PUBLISH with DUP set at QoS 0");
        }
        String topic = Utf8.read(body, "topic name");
        int packetId = qosValue > 0 ? Fields.packetId(body) : 0;
        Properties props = version.isV5() ? PropertiesCodec.read(body, PacketType.PUBLISH) : Properties.EMPTY;
        // spec 3.3.2.3.4: an empty topic name with a topic alias is resolved by the receiver
        boolean aliased = topic.isEmpty() && props.integer(Property.TOPIC_ALIAS) != null;
        if (!aliased) {
            Topic.validate(topic);
        }
        byte[] payload = new byte[body.readableBytes()];
        body.readBytes(payload);
        return new Publish(topic, payload, Qos.of(qosValue), retain, dup, packetId, props);
    }

    static int flags(Publish p) {
        return (p.dup() ? 0x08 : 0) | (p.qos().value() << 1) | (p.retain() ? 0x01 : 0);
    }

    static int bodySize(Publish p, MqttVersion version, int propsBody) {
        int n = Utf8.size(p.topic()) + (p.qos() != Qos.AT_MOST_ONCE ? 2 : 0) + p.payload().length;
        if (version.isV5()) {
            n += VarInt.size(propsBody) + propsBody;
        }
        return n;
    }

    static void write(ByteBuf buf, Publish p, MqttVersion version, int propsBody) {
        Utf8.write(buf, p.topic());
        if (p.qos() != Qos.AT_MOST_ONCE) {
            buf.writeShort(p.packetId());
        }
        if (version.isV5()) {
            PropertiesCodec.write(buf, p.properties(), propsBody);
        }
        buf.writeBytes(p.payload());
    }
}
