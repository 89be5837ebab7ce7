package dev.midge.codec.wire;

import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Properties;
import io.netty.buffer.ByteBuf;

/** CONNACK (spec 3.2): acknowledge flags, return / reason code, properties (5.0). */
final class ConnackCodec {
    private ConnackCodec() {
    }

    static Connack read(ByteBuf body, MqttVersion version) {
        int flags = Fields.u8(body, "connack flags");
        if ((flags & 0xFE) != 0) {
            // [MQTT-3.2.2-1] bits 7-1 are reserved and must be 0
            throw MalformedPacketException.malformed("reserved CONNACK flag bits set");
        }
        int code = Fields.u8(body, "connect reason code");
        Properties props = version.isV5() ? PropertiesCodec.read(body, PacketType.CONNACK) : Properties.EMPTY;
        return new Connack((flags & 0x01) != 0, code, props);
    }

    static int bodySize(MqttVersion version, int propsBody) {
        return version.isV5() ? 2 + VarInt.size(propsBody) + propsBody : 2;
    }

    static void write(ByteBuf buf, Connack c, MqttVersion version, int propsBody) {
        buf.writeByte(c.sessionPresent() ? 1 : 0);
        buf.writeByte(c.reasonCode());
        if (version.isV5()) {
            PropertiesCodec.write(buf, c.properties(), propsBody);
        }
    }
}
