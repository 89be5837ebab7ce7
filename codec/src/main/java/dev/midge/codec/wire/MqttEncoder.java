package dev.midge.codec.wire;

import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Encodes outbound packets for the connection's protocol version. The version is set once the
 * CONNECT has been read (server) or before it is sent (client); until then 3.1.1 framing is used,
 * which is what an answer to an unsupported protocol level must look like [MQTT-3.1.2-2].
 * Not sharable: the version is per connection.
 */
public final class MqttEncoder extends ChannelOutboundHandlerAdapter implements ChannelHandler {
    private volatile MqttVersion version;

    public MqttEncoder(MqttVersion version) {
        this.version = version;
    }

    public void version(MqttVersion version) {
        this.version = version;
    }

    public MqttVersion version() {
        return version;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof MqttPacket packet) {
            ctx.write(PacketEncoder.encode(packet, version, ctx.alloc()), promise);
        } else {
            ctx.write(msg, promise);
        }
    }
}
