package dev.midge.broker.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.wire.MalformedPacketException;
import dev.midge.codec.wire.PacketDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The decoder on arbitrary bytes, every version and side. The first input byte picks the decoder
 * (fresh server connection, client side of 3.1 / 3.1.1 / 5); the rest is the stream. Allowed
 * outcomes: packets, "not complete yet", or MalformedPacketException with a reason code of 0x80
 * or above. Anything else (another exception, a loop that makes no progress) is a finding.
 *
 * Fuzz for real: {@code JAZZER_FUZZ=1 mvn test -pl broker -am -Dtest=DecoderFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false} (see README, "Fuzzing").
 */
class DecoderFuzzTest {
    /** The packet size limit the decoder enforces here: no input may make it buffer more. */
    static final int LIMIT = 64 * 1024;

    @FuzzTest(maxDuration = "10m")
    void decoder(byte[] input) {
        if (input.length == 0) {
            return;
        }
        PacketDecoder decoder = switch (input[0] & 3) {
            case 0 -> PacketDecoder.forServer(LIMIT);
            case 1 -> PacketDecoder.forClient(MqttVersion.MQTT_3_1, LIMIT);
            case 2 -> PacketDecoder.forClient(MqttVersion.MQTT_3_1_1, LIMIT);
            default -> PacketDecoder.forClient(MqttVersion.MQTT_5, LIMIT);
        };
        ByteBuf in = Unpooled.wrappedBuffer(input, 1, input.length - 1);
        try {
            while (in.isReadable()) {
                int before = in.readerIndex();
                MqttPacket p = decoder.decode(in);
                if (p == null) {
                    if (in.readerIndex() != before) {
                        throw new AssertionError("an incomplete packet consumed bytes");
                    }
                    return;
                }
                if (in.readerIndex() <= before) {
                    throw new AssertionError("a packet was decoded from no bytes: " + p);
                }
            }
        } catch (MalformedPacketException expected) {
            if (expected.reasonCode() < 0x80) {
                throw new AssertionError("malformed input reported with a success code", expected);
            }
        }
    }
}
