package dev.midge.codec.wire;

import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.topic.TopicFilter;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** SUBSCRIBE (spec 3.8): packet id, properties (5.0), then filter / options pairs. */
final class SubscribeCodec {
    private SubscribeCodec() {
    }

    static Subscribe read(ByteBuf body, MqttVersion version) {
        int packetId = Fields.packetId(body);
        Properties props = version.isV5() ? PropertiesCodec.read(body, PacketType.SUBSCRIBE) : Properties.EMPTY;
        List<Subscription> subs = new ArrayList<>();
        while (body.isReadable()) {
            String filter = Utf8.read(body, "topic filter");
            TopicFilter.validate(filter);
            int options = Fields.u8(body, "subscription options");
            int qos = options & 0x03;
            if (qos == 3) {
                // [MQTT-3.8.3-4] (3.1.1) / [MQTT-3-8.3-5] (5.0): QoS 3 is malformed
                throw MalformedPacketException.malformed("subscription QoS 3");
            }
            if (version.isV5()) {
                if ((options & 0xC0) != 0) {
                    // [MQTT-3.8.3-5] reserved bits 6 and 7 must be 0
                    throw MalformedPacketException.malformed("reserved subscription option bits set");
                }
                int retainHandling = (options & 0x30) >> 4;
                if (retainHandling == 3) {
                    // spec 3.8.3.1: retain handling 3 is a protocol error
                    throw MalformedPacketException.protocolError("retain handling 3");
                }
                subs.add(new Subscription(filter, Qos.of(qos), (options & 0x04) != 0, (options & 0x08) != 0,
                        retainHandling));
            } else {
                if ((options & 0xFC) != 0) {
                    // [MQTT-3-8.3-4] (3.1.1) the upper six bits are reserved and must be 0
                    throw MalformedPacketException.malformed("reserved subscription option bits set");
                }
                subs.add(Subscription.of(filter, Qos.of(qos)));
            }
        }
        if (subs.isEmpty()) {
            // [MQTT-3.8.3-3] at least one topic filter
            throw MalformedPacketException.protocolError("SUBSCRIBE without topic filters");
        }
        return new Subscribe(packetId, subs, props);
    }

    static int options(Subscription s) {
        return s.qos().value() | (s.noLocal() ? 0x04 : 0) | (s.retainAsPublished() ? 0x08 : 0)
                | (s.retainHandling() << 4);
    }

    static int bodySize(Subscribe s, MqttVersion version, int propsBody) {
        int n = 2;
        if (version.isV5()) {
            n += VarInt.size(propsBody) + propsBody;
        }
        for (Subscription sub : s.subscriptions()) {
            n += Utf8.size(sub.filter()) + 1;
        }
        return n;
    }

    static void write(ByteBuf buf, Subscribe s, MqttVersion version, int propsBody) {
        buf.writeShort(s.packetId());
        if (version.isV5()) {
            PropertiesCodec.write(buf, s.properties(), propsBody);
        }
        for (Subscription sub : s.subscriptions()) {
            Utf8.write(buf, sub.filter());
            buf.writeByte(version.isV5() ? options(sub) : sub.qos().value());
        }
    }
}
