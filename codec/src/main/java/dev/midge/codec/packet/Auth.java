package dev.midge.codec.packet;

/** AUTH (spec 3.15), MQTT 5 only. */
public record Auth(int reasonCode, Properties properties) implements MqttPacket {
    @Override
    public PacketType type() {
        return PacketType.AUTH;
    }
}
