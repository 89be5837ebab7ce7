package dev.midge.codec.wire;

import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.UserProperty;
import io.netty.buffer.ByteBuf;
import java.util.EnumSet;
import java.util.Map;

/** MQTT 5 property lists (spec 2.2.2): a variable byte integer length, then id/value pairs. */
public final class PropertiesCodec {
    private PropertiesCodec() {
    }

    /** Reads the properties of a packet of {@code type}, or of a will when {@code type} is null. */
    public static Properties read(ByteBuf buf, PacketType type) {
        int length = VarInt.read(buf);
        Fields.require(buf, length, "properties");
        if (length == 0) {
            return Properties.EMPTY;
        }
        ByteBuf props = buf.readSlice(length);
        Properties.Builder b = Properties.builder();
        EnumSet<Property> seen = EnumSet.noneOf(Property.class);
        while (props.isReadable()) {
            int id = VarInt.read(props);
            Property p = Property.of(id);
            String where = type == null ? "will properties" : type.toString();
            if (p == null) {
                throw MalformedPacketException.malformed(String.format("unknown property 0x%02X", id));
            }
            if (type == null ? !p.allowedInWill() : !p.allowedIn(type)) {
                // [MQTT-2.2.2-2] a property not defined for this packet is malformed
                throw MalformedPacketException.malformed(p + " not allowed in " + where);
            }
            if (!p.repeatable() && !seen.add(p)) {
                // [MQTT-2.2.2-2] a non-repeatable property included twice is a protocol error
                throw MalformedPacketException.protocolError(p + " included more than once");
            }
            readValue(props, p, b);
        }
        return b.build();
    }

    private static void readValue(ByteBuf buf, Property p, Properties.Builder b) {
        String what = p.toString();
        switch (p.wireType()) {
            case BYTE -> {
                int v = Fields.u8(buf, what);
                if (v > 1) {
                    // every single-byte property is a 0/1 flag (spec 3.1.2.11, 3.2.2.3)
                    throw MalformedPacketException.protocolError(what + " must be 0 or 1, was " + v);
                }
                b.put(p, v);
            }
            case TWO_BYTE -> {
                int v = Fields.u16(buf, what);
                if (v == 0 && p == Property.RECEIVE_MAXIMUM) {
                    // spec 3.1.2.11.3 / 3.2.2.3.3: a receive maximum of 0 is a protocol error
                    throw MalformedPacketException.protocolError("receive maximum 0");
                }
                b.put(p, v);
            }
            case FOUR_BYTE -> {
                long v = Fields.u32(buf, what);
                if (v == 0 && p == Property.MAXIMUM_PACKET_SIZE) {
                    // spec 3.1.2.11.4 / 3.2.2.3.6: maximum packet size 0 is a protocol error
                    throw MalformedPacketException.protocolError("maximum packet size 0");
                }
                b.put(p, v);
            }
            case VARINT -> {
                int v = VarInt.read(buf);
                if (v == 0) {
                    // spec 3.3.2.3.8 / 3.8.2.1.2: a subscription identifier of 0 is a protocol error
                    throw MalformedPacketException.protocolError("subscription identifier 0");
                }
                b.subscriptionIdentifier(v);
            }
            case UTF8 -> b.put(p, Utf8.read(buf, what));
            case BINARY -> b.put(p, Fields.binary(buf, what));
            case UTF8_PAIR -> b.userProperty(Utf8.read(buf, "user property name"), Utf8.read(buf, "user property value"));
        }
    }

    /** The encoded size of the property list without its length prefix. */
    public static int bodySize(Properties props) {
        if (props.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (Map.Entry<Property, Object> e : props.values().entrySet()) {
            Property p = e.getKey();
            n += VarInt.size(p.id()) + valueSize(p, e.getValue());
        }
        for (int id : props.subscriptionIdentifiers()) {
            n += 1 + VarInt.size(id);
        }
        for (UserProperty up : props.userProperties()) {
            n += 1 + Utf8.size(up.name()) + Utf8.size(up.value());
        }
        return n;
    }

    /** The encoded size including the variable byte integer length prefix. */
    public static int size(Properties props) {
        int body = bodySize(props);
        return VarInt.size(body) + body;
    }

    private static int valueSize(Property p, Object v) {
        return switch (p.wireType()) {
            case BYTE -> 1;
            case TWO_BYTE -> 2;
            case FOUR_BYTE -> 4;
            case VARINT -> VarInt.size((Integer) v);
            case UTF8 -> Utf8.size((String) v);
            case BINARY -> Fields.binarySize((byte[]) v);
            case UTF8_PAIR -> throw new IllegalStateException("user properties are listed apart");
        };
    }

    /** Writes the length prefix and the properties; {@code bodySize} from {@link #bodySize}. */
    public static void write(ByteBuf buf, Properties props, int bodySize) {
        VarInt.write(buf, bodySize);
        if (bodySize == 0) {
            return;
        }
        for (Map.Entry<Property, Object> e : props.values().entrySet()) {
            Property p = e.getKey();
            VarInt.write(buf, p.id());
            Object v = e.getValue();
            switch (p.wireType()) {
                case BYTE -> buf.writeByte((Integer) v);
                case TWO_BYTE -> buf.writeShort((Integer) v);
                case FOUR_BYTE -> buf.writeInt((int) (long) (Long) v);
                case VARINT -> VarInt.write(buf, (Integer) v);
                case UTF8 -> Utf8.write(buf, (String) v);
                case BINARY -> Fields.writeBinary(buf, (byte[]) v);
                case UTF8_PAIR -> throw new IllegalStateException("user properties are listed apart");
            }
        }
        for (int id : props.subscriptionIdentifiers()) {
            buf.writeByte(Property.SUBSCRIPTION_IDENTIFIER.id());
            VarInt.write(buf, id);
        }
        for (UserProperty up : props.userProperties()) {
            buf.writeByte(Property.USER_PROPERTY.id());
            Utf8.write(buf, up.name());
            Utf8.write(buf, up.value());
        }
    }
}
