package dev.midge.codec.packet;

/** PUBREL: acknowledges one step of a QoS flow for {@code packetId}. */
public record Pubrel(int packetId, int reasonCode, Properties properties) implements PublishAck {
    public static Pubrel of(int packetId) {
        return new Pubrel(packetId, ReasonCode.SUCCESS, Properties.EMPTY);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBREL;
    }
}
