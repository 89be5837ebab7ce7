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
 *
 * <p>A server's codec also consolidates flushes, as Netty's FlushConsolidationHandler would one
 * stage lower but without its two objects and pipeline context per connection: flushes asked for
 * while a read batch is being handled wait for its end, and flushes asked for outside reads (a
 * delivery from another connection's loop, say) wait for one task on this loop, so that the
 * writes of one loop iteration leave in one system call. At most {@link #FLUSH_AFTER} flushes are
 * held back, and a pending flush goes out before the channel closes or when it stops being
 * writable (its buffer then has to drain).
 */
public final class MqttCodec extends ByteToMessageDecoder implements ChannelOutboundHandler, Runnable {
    /** Flushes held back at most before one goes out anyway, bounding what a long read batch buffers. */
    static final int FLUSH_AFTER = 256;

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
    private final boolean consolidateFlushes;
    private ChannelHandlerContext context;
    private boolean readInProgress;
    private boolean flushScheduled;
    private int flushesPending;

    private MqttCodec(PacketDecoder decoder, MqttVersion version, Traffic traffic, boolean consolidateFlushes) {
        this.decoder = decoder;
        this.version = version;
        this.traffic = traffic;
        this.consolidateFlushes = consolidateFlushes;
    }

    /** A server connection's codec: 3.1.1 framing until the CONNECT is read, flushes consolidated. */
    public static MqttCodec forServer(PacketDecoder decoder, Traffic traffic) {
        return new MqttCodec(decoder, MqttVersion.MQTT_3_1_1, traffic, true);
    }

    /** A client's codec for the version it connects with; every flush goes out at once. */
    public static MqttCodec forClient(PacketDecoder decoder, MqttVersion version, Traffic traffic) {
        return new MqttCodec(decoder, version, traffic, false);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        context = ctx;
        super.handlerAdded(ctx);
    }

    /** The version outbound packets are encoded for, set once the CONNECT has been read. */
    public void version(MqttVersion version) {
        this.version = version;
    }

    /** Nothing half-read, nothing held back unflushed, not failed: the connection may change channels. */
    public boolean idle() {
        return !failed && !flushScheduled && flushesPending == 0 && actualReadableBytes() == 0;
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
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        readInProgress = true;
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        endRead(ctx);
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (!ctx.channel().isWritable()) {
            flushIfPending(ctx); // what is held back has to reach the socket before the buffer can drain
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        endRead(ctx);
        super.exceptionCaught(ctx, cause);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        flushIfPending(ctx);
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
        endRead(ctx);
        ctx.disconnect(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        endRead(ctx);
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
        if (!consolidateFlushes || ++flushesPending >= FLUSH_AFTER) {
            flushNow(ctx);
        } else if (!readInProgress && !flushScheduled) {
            flushScheduled = true;
            ctx.channel().eventLoop().execute(this);
        }
    }

    /** The scheduled flush of what was asked for outside a read batch. */
    @Override
    public void run() {
        flushScheduled = false;
        if (!readInProgress) {
            flushIfPending(context); // scheduled only by flush(), so the handler has been added
        }
    }

    /** The read batch is over (or the channel is going): what it held back goes out now. */
    private void endRead(ChannelHandlerContext ctx) {
        readInProgress = false;
        flushIfPending(ctx);
    }

    private void flushIfPending(ChannelHandlerContext ctx) {
        if (flushesPending > 0) {
            flushNow(ctx);
        }
    }

    private void flushNow(ChannelHandlerContext ctx) {
        flushesPending = 0;
        ctx.flush();
    }
}
