package dev.midge.codec.wire;

import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The channel handler around {@link PacketDecoder}. After the first malformed packet it reports
 * the {@link MalformedPacketException} through exceptionCaught and discards everything else the
 * peer sends: the connection is going to be closed and nothing after the fault can be trusted.
 */
public final class MqttDecoder extends ByteToMessageDecoder {
    private final PacketDecoder decoder;
    private boolean failed;

    public MqttDecoder(PacketDecoder decoder) {
        this.decoder = decoder;
    }

    /** The protocol version, known once the CONNECT has been decoded (always, on the client side). */
    public MqttVersion version() {
        return decoder.version();
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
}
