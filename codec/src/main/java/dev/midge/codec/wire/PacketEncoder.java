package dev.midge.codec.wire;

import dev.midge.codec.packet.Auth;
import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.PublishAck;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Unsuback;
import dev.midge.codec.packet.Unsubscribe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Encodes packets for one protocol version. Sizes are computed first so that each packet is
 * written into one buffer of exactly its size. Properties are dropped for 3.x versions.
 */
public final class PacketEncoder {
    private PacketEncoder() {
    }

    /** The whole encoded size of a packet (fixed header included). */
    public static int size(MqttPacket packet, MqttVersion version) {
        int body = bodySize(packet, version, propsBody(packet, version), willPropsBody(packet, version));
        return 1 + VarInt.size(body) + body;
    }

    public static ByteBuf encode(MqttPacket packet, MqttVersion version, ByteBufAllocator alloc) {
        int propsBody = propsBody(packet, version);
        int willPropsBody = willPropsBody(packet, version);
        int body = bodySize(packet, version, propsBody, willPropsBody);
        if (body > VarInt.MAX_VALUE) {
            throw new IllegalArgumentException(packet.type() + " of " + body + " bytes is too large to encode");
        }
        ByteBuf buf = alloc.buffer(1 + VarInt.size(body) + body);
        try {
            buf.writeByte(packet.type().value() << 4 | fixedHeaderFlags(packet));
            VarInt.write(buf, body);
            writeBody(buf, packet, version, propsBody, willPropsBody);
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    private static int fixedHeaderFlags(MqttPacket packet) {
        return switch (packet.type()) {
            case PUBLISH -> PublishCodec.flags((Publish) packet);
            case PUBREL, SUBSCRIBE, UNSUBSCRIBE -> 0x02;
            default -> 0;
        };
    }

    private static Properties properties(MqttPacket packet) {
        return switch (packet.type()) {
            case CONNECT -> ((Connect) packet).properties();
            case CONNACK -> ((Connack) packet).properties();
            case PUBLISH -> ((Publish) packet).properties();
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> ((PublishAck) packet).properties();
            case SUBSCRIBE -> ((Subscribe) packet).properties();
            case SUBACK -> ((Suback) packet).properties();
            case UNSUBSCRIBE -> ((Unsubscribe) packet).properties();
            case UNSUBACK -> ((Unsuback) packet).properties();
            case DISCONNECT -> ((Disconnect) packet).properties();
            case AUTH -> ((Auth) packet).properties();
            case PINGREQ, PINGRESP -> Properties.EMPTY;
        };
    }

    private static int propsBody(MqttPacket packet, MqttVersion version) {
        return version.isV5() ? PropertiesCodec.bodySize(properties(packet)) : 0;
    }

    private static int willPropsBody(MqttPacket packet, MqttVersion version) {
        if (version.isV5() && packet instanceof Connect c && c.will() != null) {
            return PropertiesCodec.bodySize(c.will().properties());
        }
        return 0;
    }

    private static int bodySize(MqttPacket packet, MqttVersion v, int pb, int wpb) {
        return switch (packet.type()) {
            case CONNECT -> ConnectCodec.bodySize((Connect) packet, pb, wpb);
            case CONNACK -> ConnackCodec.bodySize(v, pb);
            case PUBLISH -> PublishCodec.bodySize((Publish) packet, v, pb);
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> {
                PublishAck a = (PublishAck) packet;
                yield AckCodec.bodySize(a.reasonCode(), a.properties(), v, pb);
            }
            case SUBSCRIBE -> SubscribeCodec.bodySize((Subscribe) packet, v, pb);
            case SUBACK -> AckListCodec.bodySize(((Suback) packet).reasonCodes(), v, pb);
            case UNSUBSCRIBE -> UnsubscribeCodec.bodySize((Unsubscribe) packet, v, pb);
            case UNSUBACK -> AckListCodec.bodySize(unsubackCodes((Unsuback) packet, v), v, pb);
            case DISCONNECT -> {
                Disconnect d = (Disconnect) packet;
                yield ReasonOnlyCodec.bodySize(d.reasonCode(), d.properties(), v, pb);
            }
            case AUTH -> {
                Auth a = (Auth) packet;
                yield ReasonOnlyCodec.bodySize(a.reasonCode(), a.properties(), v, pb);
            }
            case PINGREQ, PINGRESP -> 0;
        };
    }

    private static void writeBody(ByteBuf buf, MqttPacket packet, MqttVersion v, int pb, int wpb) {
        switch (packet.type()) {
            case CONNECT -> ConnectCodec.write(buf, (Connect) packet, pb, wpb);
            case CONNACK -> ConnackCodec.write(buf, (Connack) packet, v, pb);
            case PUBLISH -> PublishCodec.write(buf, (Publish) packet, v, pb);
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> {
                PublishAck a = (PublishAck) packet;
                AckCodec.write(buf, a.packetId(), a.reasonCode(), a.properties(), v, pb);
            }
            case SUBSCRIBE -> SubscribeCodec.write(buf, (Subscribe) packet, v, pb);
            case SUBACK -> {
                Suback s = (Suback) packet;
                AckListCodec.write(buf, s.packetId(), s.reasonCodes(), s.properties(), v, pb);
            }
            case UNSUBSCRIBE -> UnsubscribeCodec.write(buf, (Unsubscribe) packet, v, pb);
            case UNSUBACK -> {
                Unsuback u = (Unsuback) packet;
                AckListCodec.write(buf, u.packetId(), unsubackCodes(u, v), u.properties(), v, pb);
            }
            case DISCONNECT -> {
                Disconnect d = (Disconnect) packet;
                ReasonOnlyCodec.write(buf, d.reasonCode(), d.properties(), v, pb);
            }
            case AUTH -> {
                Auth a = (Auth) packet;
                ReasonOnlyCodec.write(buf, a.reasonCode(), a.properties(), v, pb);
            }
            case PINGREQ, PINGRESP -> { }
        }
    }

    private static List<Integer> unsubackCodes(Unsuback u, MqttVersion version) {
        return version.isV5() ? u.reasonCodes() : List.of();
    }
}
