package dev.midge.broker.faults;

import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.wire.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

/** A packet as the bytes a raw socket writes. */
final class Wire {
    private Wire() {
    }

    static byte[] bytes(MqttPacket p, MqttVersion v) {
        ByteBuf b = PacketEncoder.encode(p, v, UnpooledByteBufAllocator.DEFAULT);
        try {
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }
}
