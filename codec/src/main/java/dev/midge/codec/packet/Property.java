package dev.midge.codec.packet;

import static dev.midge.codec.packet.PacketType.AUTH;
import static dev.midge.codec.packet.PacketType.CONNACK;
import static dev.midge.codec.packet.PacketType.CONNECT;
import static dev.midge.codec.packet.PacketType.DISCONNECT;
import static dev.midge.codec.packet.PacketType.PUBACK;
import static dev.midge.codec.packet.PacketType.PUBCOMP;
import static dev.midge.codec.packet.PacketType.PUBLISH;
import static dev.midge.codec.packet.PacketType.PUBREC;
import static dev.midge.codec.packet.PacketType.PUBREL;
import static dev.midge.codec.packet.PacketType.SUBACK;
import static dev.midge.codec.packet.PacketType.SUBSCRIBE;
import static dev.midge.codec.packet.PacketType.UNSUBACK;
import static dev.midge.codec.packet.PacketType.UNSUBSCRIBE;

import java.util.EnumSet;
import java.util.Set;

/**
 * MQTT 5 properties (spec 2.2.2.2): identifier, wire type, and where each may appear.
 * {@link PropertyContext#WILL} stands for the will properties in the CONNECT payload.
 */
public enum Property {
    PAYLOAD_FORMAT_INDICATOR(0x01, Type.BYTE, PropertyContext.of(PUBLISH).withWill()),
    MESSAGE_EXPIRY_INTERVAL(0x02, Type.FOUR_BYTE, PropertyContext.of(PUBLISH).withWill()),
    CONTENT_TYPE(0x03, Type.UTF8, PropertyContext.of(PUBLISH).withWill()),
    RESPONSE_TOPIC(0x08, Type.UTF8, PropertyContext.of(PUBLISH).withWill()),
    CORRELATION_DATA(0x09, Type.BINARY, PropertyContext.of(PUBLISH).withWill()),
    SUBSCRIPTION_IDENTIFIER(0x0B, Type.VARINT, PropertyContext.of(PUBLISH, SUBSCRIBE)),
    SESSION_EXPIRY_INTERVAL(0x11, Type.FOUR_BYTE, PropertyContext.of(CONNECT, CONNACK, DISCONNECT)),
    ASSIGNED_CLIENT_IDENTIFIER(0x12, Type.UTF8, PropertyContext.of(CONNACK)),
    SERVER_KEEP_ALIVE(0x13, Type.TWO_BYTE, PropertyContext.of(CONNACK)),
    AUTHENTICATION_METHOD(0x15, Type.UTF8, PropertyContext.of(CONNECT, CONNACK, AUTH)),
    AUTHENTICATION_DATA(0x16, Type.BINARY, PropertyContext.of(CONNECT, CONNACK, AUTH)),
    REQUEST_PROBLEM_INFORMATION(0x17, Type.BYTE, PropertyContext.of(CONNECT)),
    WILL_DELAY_INTERVAL(0x18, Type.FOUR_BYTE, PropertyContext.willOnly()),
    REQUEST_RESPONSE_INFORMATION(0x19, Type.BYTE, PropertyContext.of(CONNECT)),
    RESPONSE_INFORMATION(0x1A, Type.UTF8, PropertyContext.of(CONNACK)),
    SERVER_REFERENCE(0x1C, Type.UTF8, PropertyContext.of(CONNACK, DISCONNECT)),
    REASON_STRING(0x1F, Type.UTF8,
            PropertyContext.of(CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH)),
    RECEIVE_MAXIMUM(0x21, Type.TWO_BYTE, PropertyContext.of(CONNECT, CONNACK)),
    TOPIC_ALIAS_MAXIMUM(0x22, Type.TWO_BYTE, PropertyContext.of(CONNECT, CONNACK)),
    TOPIC_ALIAS(0x23, Type.TWO_BYTE, PropertyContext.of(PUBLISH)),
    MAXIMUM_QOS(0x24, Type.BYTE, PropertyContext.of(CONNACK)),
    RETAIN_AVAILABLE(0x25, Type.BYTE, PropertyContext.of(CONNACK)),
    USER_PROPERTY(0x26, Type.UTF8_PAIR, PropertyContext.all()),
    MAXIMUM_PACKET_SIZE(0x27, Type.FOUR_BYTE, PropertyContext.of(CONNECT, CONNACK)),
    WILDCARD_SUBSCRIPTION_AVAILABLE(0x28, Type.BYTE, PropertyContext.of(CONNACK)),
    SUBSCRIPTION_IDENTIFIER_AVAILABLE(0x29, Type.BYTE, PropertyContext.of(CONNACK)),
    SHARED_SUBSCRIPTION_AVAILABLE(0x2A, Type.BYTE, PropertyContext.of(CONNACK));

    /** How a property value is encoded (spec 1.5). */
    public enum Type { BYTE, TWO_BYTE, FOUR_BYTE, VARINT, UTF8, BINARY, UTF8_PAIR }

    private static final Property[] BY_ID = new Property[0x80];

    static {
        for (Property p : values()) {
            BY_ID[p.id] = p;
        }
    }

    private final int id;
    private final Type wireType;
    private final PropertyContext context;

    Property(int id, Type wireType, PropertyContext context) {
        this.id = id;
        this.wireType = wireType;
        this.context = context;
    }

    public int id() {
        return id;
    }

    public Type wireType() {
        return wireType;
    }

    /** Whether this property may appear in the properties of the given packet type. */
    public boolean allowedIn(PacketType type) {
        return context.packets().contains(type);
    }

    /** Whether this property may appear among the will properties of a CONNECT. */
    public boolean allowedInWill() {
        return context.will();
    }

    /** Whether the property may appear more than once (spec 2.2.2.2, 3.3.2.3.8). */
    public boolean repeatable() {
        return this == USER_PROPERTY || this == SUBSCRIPTION_IDENTIFIER;
    }

    /** The property with this identifier, or null when there is none. */
    public static Property of(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** Where a property may appear. */
    record PropertyContext(Set<PacketType> packets, boolean will) {
        static PropertyContext of(PacketType first, PacketType... rest) {
            return new PropertyContext(EnumSet.of(first, rest), false);
        }

        static PropertyContext willOnly() {
            return new PropertyContext(EnumSet.noneOf(PacketType.class), true);
        }

        static PropertyContext all() {
            return new PropertyContext(EnumSet.allOf(PacketType.class), true);
        }

        PropertyContext withWill() {
            return new PropertyContext(packets, true);
        }
    }
}
