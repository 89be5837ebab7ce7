package dev.midge.codec.packet;

/** DISCONNECT (spec 3.14). MQTT 3.x has no reason code: it is 0 (normal disconnection) there. */
public record Disconnect(int reasonCode, Properties properties) implements MqttPacket {
    public static final Disconnect NORMAL = new Disconnect(ReasonCode.SUCCESS, Properties.EMPTY);

    @Override
    public PacketType type() {
        return PacketType.DISCONNECT;
    }
}
