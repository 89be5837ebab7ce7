package dev.midge.codec.wire;

import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.SocketAddress;
import java.util.List;

/**
 * {@link MqttDecoder}, {@link MqttEncoder} and a packet counter in one channel handler: one
 * pipeline context and one object per connection instead of three of each, which matters for a
 * broker holding many idle connections (and is one hop less for every packet). Decodes like
 * MqttDecoder (after a malformed packet, reports it and discards the rest); encodes for the
 * version set with {@link #version(MqttVersion)}, 3.1.1 framing until then [MQTT-3.1.2-2].
 */
public final class MqttCodec extends ByteToMessageDecoder implements ChannelOutboundHandler {
    /** Told of every packet decoded and every packet encoded (counters). */
    public interface Traffic {
        Traffic NONE = new Traffic() {
            @Override
            public void received(MqttPacket packet) {
            }

            @Override
            public void sent(MqttPacket packet) {
            }
        };

        void received(MqttPacket packet);

        void sent(MqttPacket packet);
    }

    private final PacketDecoder decoder;
    private final Traffic traffic;
    private volatile MqttVersion version = MqttVersion.MQTT_3_1_1;
    private boolean failed;

    public MqttCodec(PacketDecoder decoder, Traffic traffic) {
        this.decoder = decoder;
        this.traffic = traffic;
    }

    /** The version outbound packets are encoded for, set once the CONNECT has been read. */
    public void version(MqttVersion version) {
        this.version = version;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            MqttPacket packet;
            while ((packet = decoder.decode(in)) != null) {
                traffic.received(packet);
                out.add(packet);
                if (ctx.isRemoved()) {
                    return;
                }
            }
        } catch (MalformedPacketException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            ctx.fireExceptionCaught(e);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof MqttPacket packet) {
            traffic.sent(packet);
            ctx.write(PacketEncoder.encode(packet, version, ctx.alloc()), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    // ---- the other outbound operations pass through --------------------------------------------

    @Override
    public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
                        ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.disconnect(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.close(promise);
    }

    @Override
    public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
