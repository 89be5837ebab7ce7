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
 * The MQTT codec of a connection, decoder, encoder and packet counting in one channel handler:
 * one pipeline context and one object per connection instead of three of each, which matters for
 * a broker holding many idle connections (and is a hop less for every packet). After the first
 * malformed packet it reports the {@link MalformedPacketException} through exceptionCaught and
 * discards everything else the peer sends: the connection is going to be closed and nothing after
 * the fault can be trusted. Encodes for the version set with {@link #version(MqttVersion)}; a
 * server's codec uses 3.1.1 framing until the CONNECT is read, which is what an answer to an
 * unsupported protocol level must look like [MQTT-3.1.2-2]. Not sharable.
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
    private volatile MqttVersion version;
    private boolean failed;

    public MqttCodec(PacketDecoder decoder, Traffic traffic) {
        this(decoder, MqttVersion.MQTT_3_1_1, traffic);
    }

    public MqttCodec(PacketDecoder decoder, MqttVersion version, Traffic traffic) {
        this.decoder = decoder;
        this.version = version;
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
