package dev.midge.codec.packet;

import java.util.List;

/** SUBSCRIBE (spec 3.8): at least one subscription. */
public record Subscribe(int packetId, List<Subscription> subscriptions, Properties properties)
        implements MqttPacket {
    public Subscribe {
        subscriptions = List.copyOf(subscriptions);
    }

    @Override
    public PacketType type() {
        return PacketType.SUBSCRIBE;
    }
}
