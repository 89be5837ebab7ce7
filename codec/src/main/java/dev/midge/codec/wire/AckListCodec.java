package dev.midge.codec.wire;

import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Unsuback;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * SUBACK and UNSUBACK (spec 3.9, 3.11): packet id, properties (5.0), one reason code per filter.
 * A 3.x UNSUBACK has neither properties nor reason codes.
 */
final class AckListCodec {
    private AckListCodec() {
    }

    static MqttPacket read(PacketType type, ByteBuf body, MqttVersion version) {
        int packetId = Fields.packetId(body);
        Properties props = version.isV5() ? PropertiesCodec.read(body, type) : Properties.EMPTY;
        List<Integer> codes = new ArrayList<>();
        while (body.isReadable()) {
            int code = body.readUnsignedByte();
            if (type == PacketType.SUBACK && !version.isV5() && code > 2 && code != ReasonCode.V3_SUBACK_FAILURE) {
                // [MQTT-3.9.3-2] (3.1.1) only 0x00, 0x01, 0x02 and 0x80 are allowed
                throw MalformedPacketException.malformed(String.format("SUBACK return code 0x%02X", code));
            }
            codes.add(code);
        }
        if (type == PacketType.SUBACK) {
            if (codes.isEmpty()) {
                throw MalformedPacketException.protocolError("SUBACK without return codes");
            }
            return new Suback(packetId, codes, props);
        }
        if (!version.isV5() && !codes.isEmpty()) {
            throw MalformedPacketException.malformed("3.x UNSUBACK with a payload");
        }
        return new Unsuback(packetId, codes, props);
    }

    static int bodySize(List<Integer> codes, MqttVersion version, int propsBody) {
        int n = 2 + codes.size();
        if (version.isV5()) {
            n += VarInt.size(propsBody) + propsBody;
        }
        return n;
    }

    static void write(ByteBuf buf, int packetId, List<Integer> codes, Properties props, MqttVersion version,
                      int propsBody) {
        buf.writeShort(packetId);
        if (version.isV5()) {
            PropertiesCodec.write(buf, props, propsBody);
        }
        for (int code : codes) {
            buf.writeByte(code);
        }
    }
}
