package dev.midge.codec.packet;

import java.util.List;

/** UNSUBSCRIBE (spec 3.10): at least one topic filter. */
public record Unsubscribe(int packetId, List<String> filters, Properties properties) implements MqttPacket {
    public Unsubscribe {
        filters = List.copyOf(filters);
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBSCRIBE;
    }
}
