package dev.midge.codec.packet;

/** PUBACK: acknowledges one step of a QoS flow for {@code packetId}. */
public record Puback(int packetId, int reasonCode, Properties properties) implements PublishAck {
    public static Puback of(int packetId) {
        return new Puback(packetId, ReasonCode.SUCCESS, Properties.EMPTY);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBACK;
    }
}
