package dev.midge.codec.packet;

/** PUBCOMP: acknowledges one step of a QoS flow for {@code packetId}. */
public record Pubcomp(int packetId, int reasonCode, Properties properties) implements PublishAck {
    public static Pubcomp of(int packetId) {
        return new Pubcomp(packetId, ReasonCode.SUCCESS, Properties.EMPTY);
    }

    @Override
    public PacketType type() {
        return PacketType.PUBCOMP;
    }
}
