package dev.midge.codec.packet;

/** PINGREQ (spec 3.12). */
public record Pingreq() implements MqttPacket {
    public static final Pingreq INSTANCE = new Pingreq();

    @Override
    public PacketType type() {
        return PacketType.PINGREQ;
    }
}
