package dev.midge.broker.connection;

import dev.midge.broker.sys.BrokerMetrics;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.wire.MqttCodec;

/** Counts packets each way for $SYS (messages and publish messages received / sent); one for all connections. */
public final class PacketCounter implements MqttCodec.Traffic {
    private final BrokerMetrics metrics;

    public PacketCounter(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void received(MqttPacket packet) {
        metrics.packetReceived(packet instanceof Publish);
    }

    @Override
    public void sent(MqttPacket packet) {
        metrics.packetSent(packet instanceof Publish);
    }
}
