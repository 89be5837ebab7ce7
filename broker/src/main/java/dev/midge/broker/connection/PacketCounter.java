package dev.midge.broker.connection;

import dev.midge.broker.sys.BrokerMetrics;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Publish;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts packets each way for $SYS (messages and publish messages received / sent). */
@ChannelHandler.Sharable
public final class PacketCounter extends ChannelDuplexHandler {
    private final BrokerMetrics metrics;

    public PacketCounter(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MqttPacket) {
            metrics.packetReceived(msg instanceof Publish);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof MqttPacket) {
            metrics.packetSent(msg instanceof Publish);
        }
        ctx.write(msg, promise);
    }
}
