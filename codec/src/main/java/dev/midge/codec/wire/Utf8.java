package dev.midge.codec.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 encoded strings (spec 1.5.4): two-byte length, well-formed UTF-8, no U+0000. */
public final class Utf8 {
    private static final ThreadLocal<CharsetDecoder> DECODER = ThreadLocal.withInitial(() ->
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));

    private Utf8() {
    }

    public static String read(ByteBuf buf, String what) {
        int len = Fields.lengthPrefix(buf, what);
        Fields.require(buf, len, what);
        String s = decode(buf, buf.readerIndex(), len, what);
        buf.skipBytes(len);
        return s;
    }

    /** Decodes {@code len} bytes at {@code index}, enforcing the MQTT string rules. */
    static String decode(ByteBuf buf, int index, int len, String what) {
        boolean ascii = true;
        for (int i = 0; i < len; i++) {
            byte b = buf.getByte(index + i);
            if (b == 0) {
                // [MQTT-1.5.4-2] a string must not contain U+0000
                throw MalformedPacketException.malformed(what + " contains U+0000");
            }
            if (b < 0) {
                ascii = false;
            }
        }
        if (ascii) {
            return buf.toString(index, len, StandardCharsets.US_ASCII);
        }
        try {
            // [MQTT-1.5.4-1] ill-formed UTF-8, including encoded surrogates, is malformed
            ByteBuffer bytes = buf.nioBufferCount() == 1 ? buf.nioBuffer(index, len) : copy(buf, index, len);
            CharBuffer chars = DECODER.get().reset().decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw MalformedPacketException.malformed(what + " is not well-formed UTF-8");
        }
    }

    private static ByteBuffer copy(ByteBuf buf, int index, int len) {
        byte[] b = new byte[len];
        buf.getBytes(index, b);
        return ByteBuffer.wrap(b);
    }

    public static byte[] encode(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("string longer than 65535 bytes");
        }
        return bytes;
    }

    public static int size(String s) {
        return 2 + encodedLength(s);
    }

    public static void write(ByteBuf buf, String s) {
        int len = encodedLength(s);
        if (len > 0xFFFF) {
            throw new IllegalArgumentException("string longer than 65535 bytes");
        }
        buf.writeShort(len);
        ByteBufUtil.writeUtf8(buf, s);
    }

    /** UTF-8 length without allocating, as {@link ByteBufUtil#writeUtf8} will write it. */
    public static int encodedLength(CharSequence s) {
        return ByteBufUtil.utf8Bytes(s);
    }
}
