package dev.midge.codec.wire;

import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** Helpers for byte-level fixtures: hex fragments, one per field, joined into a packet. */
final class Fixtures {
    private Fixtures() {
    }

    /** Joins hex fragments ("10", "00 04", ...) into bytes; spaces are ignored. */
    static byte[] hex(String... parts) {
        return ByteBufUtil.decodeHexDump(String.join("", parts).replace(" ", ""));
    }

    /** Hex of an ASCII string, for readable string fields. */
    static String ascii(String s) {
        return ByteBufUtil.hexDump(s.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] encode(MqttPacket packet, MqttVersion version) {
        ByteBuf buf = PacketEncoder.encode(packet, version, ByteBufAllocator.DEFAULT);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Decodes exactly one packet that must use every byte. */
    static MqttPacket decodeServer(byte[] bytes) {
        return decodeAll(PacketDecoder.forServer(1 << 20), bytes);
    }

    static MqttPacket decodeClient(MqttVersion version, byte[] bytes) {
        return decodeAll(PacketDecoder.forClient(version, 1 << 20), bytes);
    }

    static MqttPacket decodeAll(PacketDecoder decoder, byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        MqttPacket p = decoder.decode(in);
        if (p == null) {
            throw new AssertionError("incomplete packet");
        }
        if (in.isReadable()) {
            throw new AssertionError(in.readableBytes() + " bytes left after one packet");
        }
        return p;
    }
}
