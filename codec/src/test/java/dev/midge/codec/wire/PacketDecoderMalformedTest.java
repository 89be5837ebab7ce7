package dev.midge.codec.wire;

import static dev.midge.codec.wire.Fixtures.ascii;
import static dev.midge.codec.wire.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.ReasonCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each rule of the wire format, broken once, gives MalformedPacketException with its reason code. */
class PacketDecoderMalformedTest {
    private static final String CONNECT_311 = "10 0D 0004" + ascii("MQTT") + "04 02 003C 0001" + ascii("c");
    private static final String CONNECT_5 = "10 0E 0004" + ascii("MQTT") + "05 02 003C 00 0001" + ascii("c");

    private static PacketDecoder connected(MqttVersion version) {
        PacketDecoder d = PacketDecoder.forServer(1024);
        String connect = version == MqttVersion.MQTT_5 ? CONNECT_5 : CONNECT_311;
        assertThat(d.decode(Unpooled.wrappedBuffer(hex(connect)))).isInstanceOf(Connect.class);
        return d;
    }

    private static void assertRejected(PacketDecoder d, int reasonCode, String... hex) {
        ByteBuf in = Unpooled.wrappedBuffer(hex(hex));
        assertThatThrownBy(() -> d.decode(in))
                .isInstanceOf(MalformedPacketException.class)
                .extracting(e -> ((MalformedPacketException) e).reasonCode())
                .isEqualTo(reasonCode);
    }

    private static void assertRejected311(int reasonCode, String... hex) {
        assertRejected(connected(MqttVersion.MQTT_3_1_1), reasonCode, hex);
    }

    private static void assertRejected5(int reasonCode, String... hex) {
        assertRejected(connected(MqttVersion.MQTT_5), reasonCode, hex);
    }

    private static void assertConnectRejected(int reasonCode, String... hex) {
        assertRejected(PacketDecoder.forServer(1024), reasonCode, hex);
    }

    @Test
    void decode_packetsBackToBack_eachBoundedByItsLength() {
        PacketDecoder d = connected(MqttVersion.MQTT_3_1_1);
        // PUBLISH QoS 1 't' id 1 payload 'ab', PUBLISH QoS 0 't' payload 'c', then half a PUBLISH
        ByteBuf in = Unpooled.wrappedBuffer(hex("32 07 0001", ascii("t"), "0001", ascii("ab"),
                "30 04 0001", ascii("t"), ascii("c"), "30 04 0001"));
        int writerIndex = in.writerIndex();
        Publish first = (Publish) d.decode(in);
        assertThat(new String(first.payload(), StandardCharsets.US_ASCII)).isEqualTo("ab");
        assertThat(first.packetId()).isEqualTo(1);
        assertThat(in.writerIndex()).isEqualTo(writerIndex);
        Publish second = (Publish) d.decode(in);
        assertThat(new String(second.payload(), StandardCharsets.US_ASCII)).isEqualTo("c");
        int third = in.readerIndex();
        assertThat(d.decode(in)).isNull();
        assertThat(in.readerIndex()).isEqualTo(third);
        assertThat(in.writerIndex()).isEqualTo(writerIndex);
    }

    @Test
    void decode_fieldRunningIntoTheNextPacket_malformedAndBufferRestored() {
        PacketDecoder d = connected(MqttVersion.MQTT_3_1_1);
        // the topic length (5) reaches past this PUBLISH's 3 bytes into the PINGREQ behind it
        ByteBuf in = Unpooled.wrappedBuffer(hex("30 03 0005", ascii("t"), "C0 00 C0 00"));
        int writerIndex = in.writerIndex();
        assertThatThrownBy(() -> d.decode(in)).isInstanceOf(MalformedPacketException.class);
        assertThat(in.writerIndex()).isEqualTo(writerIndex);
        assertThat(in.readerIndex()).isEqualTo(5);
    }

    @Test
    void decode_firstPacketNotConnect_protocolError() {
        assertConnectRejected(ReasonCode.PROTOCOL_ERROR, "30 03 0001", ascii("t"));
    }

    @Test
    void decode_secondConnect_protocolError() {
        assertRejected311(ReasonCode.PROTOCOL_ERROR, CONNECT_311);
    }

    @Test
    void decode_reservedPacketType0_malformed() {
        assertRejected311(ReasonCode.MALFORMED_PACKET, "00 00");
    }

    @Test
    void decode_authOn311_malformed() {
        assertRejected311(ReasonCode.MALFORMED_PACKET, "F0 00");
    }

    @Test
    void decode_serverOnlyPacketsFromClient_protocolError() {
        assertRejected311(ReasonCode.PROTOCOL_ERROR, "20 02 00 00");       // CONNACK
        assertRejected311(ReasonCode.PROTOCOL_ERROR, "90 03 0001 00");     // SUBACK
        assertRejected311(ReasonCode.PROTOCOL_ERROR, "B0 02 0001");        // UNSUBACK
        assertRejected311(ReasonCode.PROTOCOL_ERROR, "D0 00");             // PINGRESP
    }

    @Test
    void decode_reservedFixedHeaderFlags_malformed() {
        assertRejected311(ReasonCode.MALFORMED_PACKET, "80 06 0001 0001", ascii("a"), "00"); // SUBSCRIBE flags 0
        assertRejected311(ReasonCode.MALFORMED_PACKET, "60 02 0001");      // PUBREL flags 0
        assertRejected311(ReasonCode.MALFORMED_PACKET, "C1 00");           // PINGREQ flags 1
    }

    @Test
    void decode_fiveByteRemainingLength_malformed() {
        assertRejected311(ReasonCode.MALFORMED_PACKET, "30 FF FF FF FF 01");
    }

    @Test
    void decode_nonMinimalRemainingLength_malformed() {
        assertRejected311(ReasonCode.MALFORMED_PACKET, "C0 80 00");
    }

    @Test
    void decode_declaredLengthAboveMaximum_rejectedBeforeBodyArrives() {
        // Only the fixed header is present: 268,435,455 bytes are declared, none sent.
        assertConnectRejected(ReasonCode.PACKET_TOO_LARGE, "10 FF FF FF 7F");
        assertRejected311(ReasonCode.PACKET_TOO_LARGE, "30 FF FF FF 7F");
    }

    @Test
    void decode_incompletePacket_waitsWithoutConsuming() {
        PacketDecoder d = connected(MqttVersion.MQTT_3_1_1);
        ByteBuf in = Unpooled.wrappedBuffer(hex("30 05 0001"));
        assertThat(d.decode(in)).isNull();
        assertThat(in.readerIndex()).isZero();
    }

    @Test
    void decode_unknownProtocolName_malformed() {
        assertConnectRejected(ReasonCode.MALFORMED_PACKET, "10 0D 0004", ascii("MQTX"), "04 02 003C 0001", ascii("c"));
    }

    @Test
    void decode_unsupportedProtocolLevel_unsupportedVersion() {
        assertConnectRejected(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
                "10 0D 0004", ascii("MQTT"), "06 02 003C 0001", ascii("c"));
    }

    @Test
    void decode_connectFlagRules_malformed() {
        // reserved flag [MQTT-3.1.2-3]
        assertConnectRejected(ReasonCode.MALFORMED_PACKET, "10 0D 0004", ascii("MQTT"), "04 03 003C 0001", ascii("c"));
        // will QoS 3 [MQTT-3.1.2-14]
        assertConnectRejected(ReasonCode.MALFORMED_PACKET, "10 0D 0004", ascii("MQTT"), "04 1E 003C 0001", ascii("c"));
        // will retain without will flag [MQTT-3.1.2-15]
        assertConnectRejected(ReasonCode.MALFORMED_PACKET, "10 0D 0004", ascii("MQTT"), "04 22 003C 0001", ascii("c"));
        // password without user name in 3.1.1 [MQTT-3.1.2-22]
        assertConnectRejected(ReasonCode.MALFORMED_PACKET, "10 10 0004", ascii("MQTT"), "04 42 003C 0001", ascii("c"),
                "0001", ascii("p"));
    }

    @Test
    void decode_stringRules_malformed() {
        // client id containing U+0000 [MQTT-1.5.4-2]
        assertConnectRejected(ReasonCode.MALFORMED_PACKET, "10 0D 0004", ascii("MQTT"), "04 02 003C 0001 00");
        // client id that is not UTF-8 [MQTT-1.5.4-1]
        assertConnectRejected(ReasonCode.MALFORMED_PACKET, "10 0D 0004", ascii("MQTT"), "04 02 003C 0001 FF");
        // UTF-16 surrogate encoded in UTF-8 (U+D800) is ill-formed
        assertConnectRejected(ReasonCode.MALFORMED_PACKET, "10 0F 0004", ascii("MQTT"), "04 02 003C 0003 EDA080");
        // string length beyond the packet
        assertConnectRejected(ReasonCode.MALFORMED_PACKET, "10 0D 0004", ascii("MQTT"), "04 02 003C 0009", ascii("c"));
    }

    @Test
    void decode_publishRules() {
        assertRejected311(ReasonCode.MALFORMED_PACKET, "36 05 0001", ascii("t"), "0001");  // QoS 3
        assertRejected311(ReasonCode.MALFORMED_PACKET, "38 03 0001", ascii("t"));          // DUP at QoS 0
        assertRejected311(ReasonCode.TOPIC_NAME_INVALID, "30 03 0001", ascii("+"));        // wildcard in topic
        assertRejected311(ReasonCode.TOPIC_NAME_INVALID, "30 05 0003", ascii("a/#"));
        assertRejected311(ReasonCode.PROTOCOL_ERROR, "30 02 0000");                      // empty topic
        assertRejected311(ReasonCode.MALFORMED_PACKET, "32 03 0001", ascii("t"));          // QoS 1, no packet id
        assertRejected311(ReasonCode.PROTOCOL_ERROR, "32 05 0001", ascii("t"), "0000");    // packet id 0
        assertRejected311(ReasonCode.MALFORMED_PACKET, "30 05 0009", ascii("t"), "0000");  // topic length too long
    }

    @Test
    void decode_subscribeRules() {
        assertRejected311(ReasonCode.PROTOCOL_ERROR, "82 02 0001");                       // no filter
        assertRejected311(ReasonCode.MALFORMED_PACKET, "82 05 0001 0001", ascii("a"));    // no options byte
        assertRejected311(ReasonCode.TOPIC_FILTER_INVALID, "82 0A 0001 0005", ascii("a/#/b"), "00");
        assertRejected311(ReasonCode.TOPIC_FILTER_INVALID, "82 09 0001 0004", ascii("a+/b"), "00");
        assertRejected311(ReasonCode.TOPIC_FILTER_INVALID, "82 05 0001 0000 00");        // empty filter
        assertRejected311(ReasonCode.MALFORMED_PACKET, "82 06 0001 0001", ascii("a"), "03"); // QoS 3
        assertRejected311(ReasonCode.MALFORMED_PACKET, "82 06 0001 0001", ascii("a"), "04"); // reserved bits
        assertRejected5(ReasonCode.PROTOCOL_ERROR, "82 07 0001 00 0001", ascii("a"), "30");  // retain handling 3
        assertRejected5(ReasonCode.MALFORMED_PACKET, "82 07 0001 00 0001", ascii("a"), "40"); // reserved bit 6
    }

    @Test
    void decode_unsubscribeWithoutFilter_protocolError() {
        assertRejected311(ReasonCode.PROTOCOL_ERROR, "A2 02 0001");
    }

    @Test
    void decode_leftoverBytes_malformed() {
        assertRejected311(ReasonCode.MALFORMED_PACKET, "C0 01 00");        // PINGREQ with a body
        assertRejected311(ReasonCode.MALFORMED_PACKET, "40 03 0001 00");   // 3.1.1 PUBACK with a reason code
    }

    @Test
    void decode_propertyRules() {
        // session expiry interval in PUBLISH: not allowed there [MQTT-2.2.2-2]
        assertRejected5(ReasonCode.MALFORMED_PACKET, "30 09 0001", ascii("t"), "05 11 00000001");
        // message expiry interval twice
        assertRejected5(ReasonCode.PROTOCOL_ERROR, "30 0E 0001", ascii("t"), "0A 02 00000001 02 00000002");
        // unknown property 0x7F
        assertRejected5(ReasonCode.MALFORMED_PACKET, "30 06 0001", ascii("t"), "02 7F 00");
        // payload format indicator 2
        assertRejected5(ReasonCode.PROTOCOL_ERROR, "30 06 0001", ascii("t"), "02 01 02");
        // property length beyond the packet
        assertRejected5(ReasonCode.MALFORMED_PACKET, "30 05 0001", ascii("t"), "09 01");
        // receive maximum 0 in CONNECT
        assertConnectRejected(ReasonCode.PROTOCOL_ERROR, "10 11 0004", ascii("MQTT"), "05 02 003C 03 21 0000 0001",
                ascii("c"));
        // empty topic without topic alias in MQTT 5
        assertRejected5(ReasonCode.PROTOCOL_ERROR, "30 03 0000 00");
    }

    @Test
    void decode_emptyTopicWithAlias_acceptedForReceiverToResolve() {
        PacketDecoder d = connected(MqttVersion.MQTT_5);
        assertThat(d.decode(Unpooled.wrappedBuffer(hex("30 06 0000 03 23 0001")))).isNotNull();
    }

    @Test
    void decode_twoPacketsInOneBuffer_oneAtATime() {
        PacketDecoder d = connected(MqttVersion.MQTT_3_1_1);
        ByteBuf in = ByteBufAllocator.DEFAULT.buffer().writeBytes(hex("C0 00 C0 00 C0"));
        try {
            assertThat(d.decode(in)).isNotNull();
            assertThat(d.decode(in)).isNotNull();
            assertThat(d.decode(in)).isNull();
            assertThat(in.readableBytes()).isEqualTo(1);
        } finally {
            in.release();
        }
    }
}
