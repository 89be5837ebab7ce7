package dev.midge.codec.wire;

import io.netty.buffer.ByteBuf;

/**
 * Fixed-size integers and binary data, each read checked against the bytes left in the packet
 * (the body is always a bounded slice, so no read can run into the next packet).
 */
public final class Fields {
    private Fields() {
    }

    static void require(ByteBuf buf, int n, String what) {
        if (buf.readableBytes() < n) {
            throw MalformedPacketException.malformed(what + " runs past the end of the packet");
        }
    }

    public static int u8(ByteBuf buf, String what) {
        require(buf, 1, what);
        return buf.readUnsignedByte();
    }

    public static int u16(ByteBuf buf, String what) {
        require(buf, 2, what);
        return buf.readUnsignedShort();
    }

    public static long u32(ByteBuf buf, String what) {
        require(buf, 4, what);
        return buf.readUnsignedInt();
    }

    /**
     * The two-byte length in front of a string or binary field. The error message is put
     * together only when the length is missing: every PUBLISH topic is read this way.
     */
    static int lengthPrefix(ByteBuf buf, String what) {
        if (buf.readableBytes() < 2) {
            throw MalformedPacketException.malformed(what + " length runs past the end of the packet");
        }
        return buf.readUnsignedShort();
    }

    /** Binary data (spec 1.5.6): two-byte length then that many bytes, copied out. */
    public static byte[] binary(ByteBuf buf, String what) {
        int len = lengthPrefix(buf, what);
        require(buf, len, what);
        byte[] out = new byte[len];
        buf.readBytes(out);
        return out;
    }

    public static void writeBinary(ByteBuf buf, byte[] data) {
        if (data.length > 0xFFFF) {
            throw new IllegalArgumentException("binary field longer than 65535 bytes");
        }
        buf.writeShort(data.length);
        buf.writeBytes(data);
    }

    public static int binarySize(byte[] data) {
        return 2 + data.length;
    }

    /** A packet identifier, which must not be 0 [MQTT-2.3.1-1]. */
    public static int packetId(ByteBuf buf) {
        int id = u16(buf, "packet identifier");
        if (id == 0) {
            throw MalformedPacketException.protocolError("packet identifier 0");
        }
        return id;
    }
}
