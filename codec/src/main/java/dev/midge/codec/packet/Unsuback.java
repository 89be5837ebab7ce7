package dev.midge.codec.packet;

import java.util.List;

/** UNSUBACK (spec 3.11). MQTT 3.x carries no reason codes: the list is empty there. */
public record Unsuback(int packetId, List<Integer> reasonCodes, Properties properties) implements MqttPacket {
    public Unsuback {
        reasonCodes = List.copyOf(reasonCodes);
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBACK;
    }
}
