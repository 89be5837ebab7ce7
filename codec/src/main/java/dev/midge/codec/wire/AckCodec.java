package dev.midge.codec.wire;

import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Pubcomp;
import dev.midge.codec.packet.Pubrec;
import dev.midge.codec.packet.Pubrel;
import dev.midge.codec.packet.ReasonCode;
import io.netty.buffer.ByteBuf;

/**
 * PUBACK, PUBREC, PUBREL and PUBCOMP (spec 3.4 - 3.7): a packet identifier, and in MQTT 5 an
 * optional reason code and optional properties, both omitted when they are defaults [MQTT-3.4.2-1].
 */
final class AckCodec {
    private AckCodec() {
    }

    static MqttPacket read(PacketType type, ByteBuf body, MqttVersion version) {
        int packetId = Fields.packetId(body);
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
        return switch (type) {
            case PUBACK -> new Puback(packetId, reason, props);
            case PUBREC -> new Pubrec(packetId, reason, props);
            case PUBREL -> new Pubrel(packetId, reason, props);
            case PUBCOMP -> new Pubcomp(packetId, reason, props);
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    static int bodySize(int reason, Properties props, MqttVersion version, int propsBody) {
        if (!version.isV5() || reason == ReasonCode.SUCCESS && props.isEmpty()) {
            return 2;
        }
        if (props.isEmpty()) {
            return 3;
        }
        return 3 + VarInt.size(propsBody) + propsBody;
    }

    static void write(ByteBuf buf, int packetId, int reason, Properties props, MqttVersion version,
                      int propsBody) {
        buf.writeShort(packetId);
        int size = bodySize(reason, props, version, propsBody);
        if (size > 2) {
            buf.writeByte(reason);
        }
        if (size > 3) {
            PropertiesCodec.write(buf, props, propsBody);
        }
    }
}
