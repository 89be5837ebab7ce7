package dev.midge.codec.packet;

import java.util.List;

/** SUBACK (spec 3.9): one granted QoS or failure code per requested filter, in order. */
public record Suback(int packetId, List<Integer> reasonCodes, Properties properties) implements MqttPacket {
    public Suback {
        reasonCodes = List.copyOf(reasonCodes);
    }

    @Override
    public PacketType type() {
        return PacketType.SUBACK;
    }
}
