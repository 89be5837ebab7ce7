package dev.midge.codec.wire;

import io.netty.buffer.ByteBuf;

/** Variable byte integers (spec 1.5.5): 7 bits a byte, at most 4 bytes, at most 268,435,455. */
public final class VarInt {
    public static final int MAX_VALUE = 268_435_455;
    /** Returned by {@link #peek} when the buffer does not yet hold the whole integer. */
    public static final int INCOMPLETE = -1;

    private VarInt() {
    }

    /**
     * Reads a variable byte integer starting at {@code index} without moving the reader index.
     * Returns the value in the low 32 bits and its encoded length in the high 32 bits, or
     * {@link #INCOMPLETE} when more bytes are needed.
     */
    public static long peek(ByteBuf buf, int index) {
        int value = 0;
        int shift = 0;
        int end = buf.writerIndex();
        for (int i = 0; i < 4; i++) {
            if (index + i >= end) {
                return INCOMPLETE;
            }
            int b = buf.getByte(index + i);
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                // [MQTT-1.5.5-1] the encoding must use the minimum number of bytes
                if (i > 0 && b == 0) {
                    throw MalformedPacketException.malformed("variable byte integer not minimally encoded");
                }
                return ((long) (i + 1) << 32) | value;
            }
            shift += 7;
        }
        throw MalformedPacketException.malformed("variable byte integer longer than 4 bytes");
    }

    /** Reads a variable byte integer that must lie entirely within the readable bytes. */
    public static int read(ByteBuf buf) {
        long r = peek(buf, buf.readerIndex());
        if (r == INCOMPLETE) {
            throw MalformedPacketException.malformed("variable byte integer runs past the packet");
        }
        buf.skipBytes((int) (r >>> 32));
        return (int) r;
    }

    public static int size(int value) {
        if (value < 128) {
            return 1;
        } else if (value < 16_384) {
            return 2;
        } else if (value < 2_097_152) {
            return 3;
        }
        return 4;
    }

    public static void write(ByteBuf buf, int value) {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("variable byte integer out of range: " + value);
        }
        do {
            int b = value & 0x7F;
            value >>>= 7;
            buf.writeByte(value > 0 ? b | 0x80 : b);
        } while (value > 0);
    }
}
