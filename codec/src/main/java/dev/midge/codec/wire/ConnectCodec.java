package dev.midge.codec.wire;

import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Will;
import dev.midge.codec.topic.Topic;
import io.netty.buffer.ByteBuf;

/** CONNECT (spec 3.1), all three protocol levels: the version comes from the packet itself. */
final class ConnectCodec {
    private static final int FLAG_USERNAME = 0x80;
    private static final int FLAG_PASSWORD = 0x40;
    private static final int FLAG_WILL_RETAIN = 0x20;
    private static final int FLAG_WILL_QOS = 0x18;
    private static final int FLAG_WILL = 0x04;
    private static final int FLAG_CLEAN = 0x02;
    private static final int FLAG_RESERVED = 0x01;

    private ConnectCodec() {
    }

    static Connect read(ByteBuf body) {
        String protocolName = Utf8.read(body, "protocol name");
        if (!"MQTT".equals(protocolName) && !"MQIsdp".equals(protocolName)) {
            // [MQTT-3.1.2-1] an unknown protocol name: close without CONNACK
            throw MalformedPacketException.malformed("protocol name '" + protocolName + "'");
        }
        int level = Fields.u8(body, "protocol level");
        MqttVersion version = MqttVersion.of(protocolName, level);
        if (version == null) {
            // [MQTT-3.1.2-2] the server answers CONNACK 0x01 (3.1.1) / 0x84 (5.0) and closes
            throw new MalformedPacketException(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
                    "unsupported protocol level " + level + " for '" + protocolName + "'");
        }
        int flags = Fields.u8(body, "connect flags");
        if ((flags & FLAG_RESERVED) != 0) {
            // [MQTT-3.1.2-3] the reserved flag must be 0
            throw MalformedPacketException.malformed("reserved connect flag set");
        }
        boolean willFlag = (flags & FLAG_WILL) != 0;
        int willQos = (flags & FLAG_WILL_QOS) >> 3;
        boolean willRetain = (flags & FLAG_WILL_RETAIN) != 0;
        if (willQos == 3) {
            // [MQTT-3.1.2-14] will QoS 3 is malformed
            throw MalformedPacketException.malformed("will QoS 3");
        }
        if (!willFlag && (willQos != 0 || willRetain)) {
            // [MQTT-3.1.2-13] [MQTT-3.1.2-15] without a will, will QoS and will retain are 0
            throw MalformedPacketException.malformed("will QoS or retain set without will flag");
        }
        boolean hasUsername = (flags & FLAG_USERNAME) != 0;
        boolean hasPassword = (flags & FLAG_PASSWORD) != 0;
        if (!version.isV5() && hasPassword && !hasUsername) {
            // [MQTT-3.1.2-22] (3.1.1) no password without a user name; MQTT 5 allows it
            throw MalformedPacketException.malformed("password flag set without user name flag");
        }
        int keepAlive = Fields.u16(body, "keep alive");
        Properties properties = version.isV5() ? PropertiesCodec.read(body, PacketType.CONNECT) : Properties.EMPTY;

        // [MQTT-3.1.3-1] payload order: client id, will properties, will topic, will payload, user, password
        String clientId = Utf8.read(body, "client identifier");
        Will will = null;
        if (willFlag) {
            Properties willProps = version.isV5() ? PropertiesCodec.read(body, null) : Properties.EMPTY;
            String willTopic = Utf8.read(body, "will topic");
            Topic.validate(willTopic);
            byte[] willPayload = Fields.binary(body, "will payload");
            will = new Will(willTopic, willPayload, Qos.of(willQos), willRetain, willProps);
        }
        String username = hasUsername ? Utf8.read(body, "user name") : null;
        byte[] password = hasPassword ? Fields.binary(body, "password") : null;
        return new Connect(version, clientId, (flags & FLAG_CLEAN) != 0, keepAlive, username, password, will,
                properties);
    }

    static int bodySize(Connect c, int propsBody, int willPropsBody) {
        MqttVersion v = c.version();
        int n = Utf8.size(v.protocolName()) + 1 + 1 + 2;
        if (v.isV5()) {
            n += VarInt.size(propsBody) + propsBody;
        }
        n += Utf8.size(c.clientId());
        if (c.will() != null) {
            if (v.isV5()) {
                n += VarInt.size(willPropsBody) + willPropsBody;
            }
            n += Utf8.size(c.will().topic()) + Fields.binarySize(c.will().payload());
        }
        if (c.username() != null) {
            n += Utf8.size(c.username());
        }
        if (c.password() != null) {
            n += Fields.binarySize(c.password());
        }
        return n;
    }

    static void write(ByteBuf buf, Connect c, int propsBody, int willPropsBody) {
        MqttVersion v = c.version();
        Utf8.write(buf, v.protocolName());
        buf.writeByte(v.level());
        int flags = 0;
        if (c.username() != null) {
            flags |= FLAG_USERNAME;
        }
        if (c.password() != null) {
            flags |= FLAG_PASSWORD;
        }
        if (c.will() != null) {
            flags |= FLAG_WILL | (c.will().qos().value() << 3) | (c.will().retain() ? FLAG_WILL_RETAIN : 0);
        }
        if (c.cleanStart()) {
            flags |= FLAG_CLEAN;
        }
        buf.writeByte(flags);
        buf.writeShort(c.keepAliveSeconds());
        if (v.isV5()) {
            PropertiesCodec.write(buf, c.properties(), propsBody);
        }
        Utf8.write(buf, c.clientId());
        if (c.will() != null) {
            if (v.isV5()) {
                PropertiesCodec.write(buf, c.will().properties(), willPropsBody);
            }
            Utf8.write(buf, c.will().topic());
            Fields.writeBinary(buf, c.will().payload());
        }
        if (c.username() != null) {
            Utf8.write(buf, c.username());
        }
        if (c.password() != null) {
            Fields.writeBinary(buf, c.password());
        }
    }
}
