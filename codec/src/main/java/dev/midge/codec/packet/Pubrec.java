package dev.midge.codec.packet;

/** PUBREC: acknowledges one step of a QoS flow for {@code packetId}. */
public record Pubrec(int packetId, int reasonCode, Properties properties) implements PublishAck {
    public static Pubrec of(int packetId) {
        return new Pubrec(packetId, ReasonCode.SUCCESS, Properties.EMPTY);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBREC;
    }
}
