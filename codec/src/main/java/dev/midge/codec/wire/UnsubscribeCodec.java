package dev.midge.codec.wire;

import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Unsubscribe;
import dev.midge.codec.topic.TopicFilter;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** UNSUBSCRIBE (spec 3.10): packet id, properties (5.0), then topic filters. */
final class UnsubscribeCodec {
    private UnsubscribeCodec() {
    }

    static Unsubscribe read(ByteBuf body, MqttVersion version) {
        int packetId = Fields.packetId(body);
        Properties props = version.isV5() ? PropertiesCodec.read(body, PacketType.UNSUBSCRIBE) : Properties.EMPTY;
        List<String> filters = new ArrayList<>();
        while (body.isReadable()) {
            String filter = Utf8.read(body, "topic filter");
            TopicFilter.validate(filter);
            filters.add(filter);
        }
        if (filters.isEmpty()) {
            // [MQTT-3.10.3-2] at least one topic filter
            throw MalformedPacketException.protocolError("UNSUBSCRIBE without topic filters");
        }
        return new Unsubscribe(packetId, filters, props);
    }

    static int bodySize(Unsubscribe u, MqttVersion version, int propsBody) {
        int n = 2;
        if (version.isV5()) {
            n += VarInt.size(propsBody) + propsBody;
        }
        for (String f : u.filters()) {
            n += Utf8.size(f);
        }
        return n;
    }

    static void write(ByteBuf buf, Unsubscribe u, MqttVersion version, int propsBody) {
        buf.writeShort(u.packetId());
        if (version.isV5()) {
            PropertiesCodec.write(buf, u.properties(), propsBody);
        }
        for (String f : u.filters()) {
            Utf8.write(buf, f);
        }
    }
}
