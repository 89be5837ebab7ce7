package dev.midge.codec.packet;

/** CONNACK (spec 3.2): a 3.x return code or a 5.0 reason code in {@code reasonCode}. */
public record Connack(boolean sessionPresent, int reasonCode, Properties properties) implements MqttPacket {
    @Override
    public PacketType type() {
        return PacketType.CONNACK;
    }
}
