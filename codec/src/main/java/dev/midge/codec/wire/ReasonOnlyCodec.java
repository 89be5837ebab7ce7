package dev.midge.codec.wire;

import dev.midge.codec.packet.Auth;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.ReasonCode;
import io.netty.buffer.ByteBuf;

/**
 * DISCONNECT and AUTH (spec 3.14, 3.15): in MQTT 5 an optional reason code and optional
 * properties (a remaining length of 0 means success, no properties); in 3.x DISCONNECT is empty.
 */
final class ReasonOnlyCodec {
    private ReasonOnlyCodec() {
    }

    static MqttPacket read(PacketType type, ByteBuf body, MqttVersion version) {
        int reason = ReasonCode.SUCCESS;
        Properties props = Properties.EMPTY;
        if (version.isV5()) {
            if (body.isReadable()) {
                reason = body.readUnsignedByte();
            }
            if (body.isReadable()) {
                props = PropertiesCodec.read(body, type);
            }
        }
        return type == PacketType.AUTH ? new Auth(reason, props) : new Disconnect(reason, props);
    }

    static int bodySize(int reason, Properties props, MqttVersion version, int propsBody) {
        if (!version.isV5() || reason == ReasonCode.SUCCESS && props.isEmpty()) {
            return 0;
        }
        return props.isEmpty() ? 1 : 1 + VarInt.size(propsBody) + propsBody;
    }

    static void write(ByteBuf buf, int reason, Properties props, MqttVersion version, int propsBody) {
        int size = bodySize(reason, props, version, propsBody);
        if (size > 0) {
            buf.writeByte(reason);
        }
        if (size > 1) {
            PropertiesCodec.write(buf, props, propsBody);
        }
    }
}
