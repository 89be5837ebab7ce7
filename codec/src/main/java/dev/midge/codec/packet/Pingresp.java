package dev.midge.codec.packet;

/** PINGRESP (spec 3.13). */
public record Pingresp() implements MqttPacket {
    public static final Pingresp INSTANCE = new Pingresp();

    @Override
    public PacketType type() {
        return PacketType.PINGRESP;
    }
}
