package dev.midge.codec.wire;

import static dev.midge.codec.packet.MqttVersion.MQTT_3_1;
import static dev.midge.codec.packet.MqttVersion.MQTT_3_1_1;
import static dev.midge.codec.packet.MqttVersion.MQTT_5;
import static dev.midge.codec.wire.Fixtures.ascii;
import static dev.midge.codec.wire.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Auth;
import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Pingreq;
import dev.midge.codec.packet.Pingresp;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Pubcomp;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Pubrec;
import dev.midge.codec.packet.Pubrel;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.packet.Unsuback;
import dev.midge.codec.packet.Unsubscribe;
import dev.midge.codec.packet.Will;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every packet type at every protocol level, byte by byte: each fixture decodes to the record
 * and the record encodes to exactly the fixture.
 */
class PacketFixturesTest {

    record Fixture(String name, MqttVersion version, MqttPacket packet, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Stream<Fixture> fixtures() {
        return Stream.of(
                new Fixture("CONNECT 3.1", MQTT_3_1,
                        new Connect(MQTT_3_1, "c", true, 10, null, null, null, Properties.EMPTY),
                        hex("10",                   // CONNECT, flags 0
                            "0F",                   // remaining length 15
                            "0006", ascii("MQIsdp"), // protocol name
                            "03",                   // protocol level 3
                            "02",                   // connect flags: clean session
                            "000A",                 // keep alive 10 s
                            "0001", ascii("c"))),   // client id
                new Fixture("CONNECT 3.1.1 with will, user name, password", MQTT_3_1_1,
                        new Connect(MQTT_3_1_1, "c1", true, 60, "u", utf8("p"),
                                new Will("w", utf8("bye"), Qos.AT_LEAST_ONCE, true, Properties.EMPTY),
                                Properties.EMPTY),
                        hex("10",                   // CONNECT
                            "1C",                   // remaining length 28
                            "0004", ascii("MQTT"),  // protocol name
                            "04",                   // protocol level 4
                            "EE",                   // user, password, will retain, will QoS 1, will, clean
                            "003C",                 // keep alive 60 s
                            "0002", ascii("c1"),    // client id
                            "0001", ascii("w"),     // will topic
                            "0003", ascii("bye"),   // will payload
                            "0001", ascii("u"),     // user name
                            "0001", ascii("p"))),   // password
                new Fixture("CONNECT 5.0 with properties and will properties", MQTT_5,
                        new Connect(MQTT_5, "v5", true, 30, null, null,
                                new Will("w", new byte[0], Qos.AT_MOST_ONCE, false, Properties.builder()
                                        .put(Property.PAYLOAD_FORMAT_INDICATOR, 1)
                                        .put(Property.WILL_DELAY_INTERVAL, 5L).build()),
                                Properties.builder()
                                        .put(Property.SESSION_EXPIRY_INTERVAL, 120L)
                                        .put(Property.RECEIVE_MAXIMUM, 10).build()),
                        hex("10",                   // CONNECT
                            "24",                   // remaining length 36
                            "0004", ascii("MQTT"),  // protocol name
                            "05",                   // protocol level 5
                            "06",                   // will, clean start
                            "001E",                 // keep alive 30 s
                            "08",                   // properties length 8
                            "11 00000078",          // session expiry interval 120
                            "21 000A",              // receive maximum 10
                            "0002", ascii("v5"),    // client id
                            "07",                   // will properties length 7
                            "01 01",                // payload format indicator: UTF-8
                            "18 00000005",          // will delay interval 5
                            "0001", ascii("w"),     // will topic
                            "0000")),               // empty will payload
                new Fixture("CONNACK 3.1.1 session present", MQTT_3_1_1,
                        new Connack(true, 0, Properties.EMPTY),
                        hex("20", "02",             // CONNACK, remaining length 2
                            "01",                   // session present
                            "00")),                 // accepted
                new Fixture("CONNACK 5.0 with properties", MQTT_5,
                        new Connack(false, 0, Properties.builder()
                                .put(Property.ASSIGNED_CLIENT_IDENTIFIER, "abc")
                                .put(Property.TOPIC_ALIAS_MAXIMUM, 10)
                                .userProperty("k", "v").build()),
                        hex("20", "13",             // CONNACK, remaining length 19
                            "00",                   // no session present
                            "00",                   // success
                            "10",                   // properties length 16
                            "12 0003", ascii("abc"), // assigned client identifier
                            "22 000A",              // topic alias maximum 10
                            "26 0001", ascii("k"), "0001", ascii("v"))), // user property k=v
                new Fixture("PUBLISH 3.1.1 QoS 0", MQTT_3_1_1,
                        new Publish("t", new byte[0], Qos.AT_MOST_ONCE, false, false, 0, Properties.EMPTY),
                        hex("30", "03",             // PUBLISH QoS 0, remaining length 3
                            "0001", ascii("t"))),   // topic, no packet id, empty payload
                new Fixture("PUBLISH 3.1.1 QoS 1 retained", MQTT_3_1_1,
                        new Publish("a/b", utf8("hi"), Qos.AT_LEAST_ONCE, true, false, 7, Properties.EMPTY),
                        hex("33", "09",             // PUBLISH QoS 1 retain, remaining length 9
                            "0003", ascii("a/b"),   // topic
                            "0007",                 // packet id 7
                            ascii("hi"))),          // payload
                new Fixture("PUBLISH 3.1 QoS 1", MQTT_3_1,
                        new Publish("a/b", utf8("hi"), Qos.AT_LEAST_ONCE, true, false, 7, Properties.EMPTY),
                        hex("33", "09", "0003", ascii("a/b"), "0007", ascii("hi"))), // as 3.1.1
                new Fixture("PUBLISH 5.0 QoS 2 DUP with properties", MQTT_5,
                        new Publish("t", utf8("x"), Qos.EXACTLY_ONCE, false, true, 1, Properties.builder()
                                .put(Property.MESSAGE_EXPIRY_INTERVAL, 60L)
                                .put(Property.CONTENT_TYPE, "text")
                                .subscriptionIdentifier(5).build()),
                        hex("3C", "15",             // PUBLISH DUP QoS 2, remaining length 21
                            "0001", ascii("t"),     // topic
                            "0001",                 // packet id 1
                            "0E",                   // properties length 14
                            "02 0000003C",          // message expiry interval 60
                            "03 0004", ascii("text"), // content type
                            "0B 05",                // subscription identifier 5
                            ascii("x"))),           // payload
                new Fixture("PUBACK 3.1.1", MQTT_3_1_1, Puback.of(5),
                        hex("40", "02", "0005")),   // PUBACK, length 2, packet id 5
                new Fixture("PUBREC 3.1.1", MQTT_3_1_1, Pubrec.of(5),
                        hex("50", "02", "0005")),   // PUBREC, length 2, packet id 5
                new Fixture("PUBREL 3.1.1", MQTT_3_1_1, Pubrel.of(5),
                        hex("62", "02", "0005")),   // PUBREL (flags 0010), length 2, packet id 5
                new Fixture("PUBCOMP 3.1.1", MQTT_3_1_1, Pubcomp.of(5),
                        hex("70", "02", "0005")),   // PUBCOMP, length 2, packet id 5
                new Fixture("PUBACK 5.0 success, short form", MQTT_5, Puback.of(5),
                        hex("40", "02", "0005")),   // reason and properties omitted [MQTT-3.4.2-1]
                new Fixture("PUBACK 5.0 no matching subscribers", MQTT_5,
                        new Puback(5, 0x10, Properties.EMPTY),
                        hex("40", "03", "0005",     // PUBACK, length 3, packet id 5
                            "10")),                 // reason: no matching subscribers
                new Fixture("PUBREC 5.0 with reason string", MQTT_5,
                        new Pubrec(5, 0x80, Properties.builder().put(Property.REASON_STRING, "no").build()),
                        hex("50", "09", "0005",     // PUBREC, length 9, packet id 5
                            "80",                   // unspecified error
                            "05",                   // properties length 5
                            "1F 0002", ascii("no"))), // reason string
                new Fixture("PUBREL 5.0 packet id not found", MQTT_5,
                        new Pubrel(9, 0x92, Properties.EMPTY),
                        hex("62", "03", "0009", "92")), // PUBREL, length 3, id 9, reason 0x92
                new Fixture("PUBCOMP 5.0 with user property", MQTT_5,
                        new Pubcomp(9, 0, Properties.builder().userProperty("a", "b").build()),
                        hex("70", "0B", "0009",     // PUBCOMP, length 11, id 9
                            "00",                   // success
                            "07",                   // properties length 7
                            "26 0001", ascii("a"), "0001", ascii("b"))), // user property
                new Fixture("SUBSCRIBE 3.1.1", MQTT_3_1_1,
                        new Subscribe(10, List.of(Subscription.of("a/+", Qos.AT_LEAST_ONCE),
                                Subscription.of("#", Qos.EXACTLY_ONCE)), Properties.EMPTY),
                        hex("82", "0C",             // SUBSCRIBE (flags 0010), length 12
                            "000A",                 // packet id 10
                            "0003", ascii("a/+"), "01", // filter, QoS 1
                            "0001", ascii("#"), "02")), // filter, QoS 2
                new Fixture("SUBSCRIBE 5.0 with options and subscription identifier", MQTT_5,
                        new Subscribe(11, List.of(new Subscription("x", Qos.AT_LEAST_ONCE, true, true, 2)),
                                Properties.builder().subscriptionIdentifier(7).build()),
                        hex("82", "09",             // SUBSCRIBE, length 9
                            "000B",                 // packet id 11
                            "02", "0B 07",          // properties: subscription identifier 7
                            "0001", ascii("x"),     // filter
                            "2D")),                 // retain handling 2, RAP, no local, QoS 1
                new Fixture("SUBACK 3.1.1", MQTT_3_1_1,
                        new Suback(10, List.of(1, 0x80), Properties.EMPTY),
                        hex("90", "04", "000A",     // SUBACK, length 4, packet id 10
                            "01", "80")),           // granted QoS 1, failure
                new Fixture("SUBACK 5.0", MQTT_5,
                        new Suback(11, List.of(1, 0x87), Properties.EMPTY),
                        hex("90", "05", "000B",     // SUBACK, length 5, packet id 11
                            "00",                   // no properties
                            "01", "87")),           // granted QoS 1, not authorized
                new Fixture("UNSUBSCRIBE 3.1.1", MQTT_3_1_1,
                        new Unsubscribe(12, List.of("a/+"), Properties.EMPTY),
                        hex("A2", "07", "000C",     // UNSUBSCRIBE (flags 0010), length 7, id 12
                            "0003", ascii("a/+"))), // filter
                new Fixture("UNSUBSCRIBE 5.0", MQTT_5,
                        new Unsubscribe(12, List.of("x"), Properties.EMPTY),
                        hex("A2", "06", "000C",     // UNSUBSCRIBE, length 6, id 12
                            "00",                   // no properties
                            "0001", ascii("x"))),   // filter
                new Fixture("UNSUBACK 3.1.1", MQTT_3_1_1,
                        new Unsuback(12, List.of(), Properties.EMPTY),
                        hex("B0", "02", "000C")),   // UNSUBACK, length 2, id 12: no payload in 3.x
                new Fixture("UNSUBACK 5.0", MQTT_5,
                        new Unsuback(12, List.of(0x00, 0x11), Properties.EMPTY),
                        hex("B0", "05", "000C",     // UNSUBACK, length 5, id 12
                            "00",                   // no properties
                            "00", "11")),           // success, no subscription existed
                new Fixture("PINGREQ", MQTT_3_1_1, Pingreq.INSTANCE, hex("C0", "00")),
                new Fixture("PINGRESP", MQTT_3_1_1, Pingresp.INSTANCE, hex("D0", "00")),
                new Fixture("PINGREQ 5.0", MQTT_5, Pingreq.INSTANCE, hex("C0", "00")),
                new Fixture("DISCONNECT 3.1.1", MQTT_3_1_1, Disconnect.NORMAL, hex("E0", "00")),
                new Fixture("DISCONNECT 5.0 normal, short form", MQTT_5, Disconnect.NORMAL, hex("E0", "00")),
                new Fixture("DISCONNECT 5.0 with will", MQTT_5,
                        new Disconnect(0x04, Properties.EMPTY),
                        hex("E0", "01", "04")),     // DISCONNECT, length 1, disconnect with will
                new Fixture("DISCONNECT 5.0 session taken over, reason string", MQTT_5,
                        new Disconnect(0x8E, Properties.builder().put(Property.REASON_STRING, "r").build()),
                        hex("E0", "06",             // DISCONNECT, length 6
                            "8E",                   // session taken over
                            "04",                   // properties length 4
                            "1F 0001", ascii("r"))), // reason string
                new Fixture("AUTH 5.0 continue", MQTT_5,
                        new Auth(0x18, Properties.builder()
                                .put(Property.AUTHENTICATION_METHOD, "SCRM")
                                .put(Property.AUTHENTICATION_DATA, new byte[] {1, 2}).build()),
                        hex("F0", "0E",             // AUTH, length 14
                            "18",                   // continue authentication
                            "0C",                   // properties length 12
                            "15 0004", ascii("SCRM"), // authentication method
                            "16 0002 0102")));      // authentication data
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decode_fixture_givesRecord(Fixture f) {
        MqttPacket decoded = f.packet().type() == PacketType.CONNECT
                ? Fixtures.decodeServer(f.bytes())
                : Fixtures.decodeClient(f.version(), f.bytes());
        assertThat(decoded).usingRecursiveComparison().isEqualTo(f.packet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void encode_record_givesFixtureBytes(Fixture f) {
        assertThat(Fixtures.encode(f.packet(), f.version())).isEqualTo(f.bytes());
        assertThat(PacketEncoder.size(f.packet(), f.version())).isEqualTo(f.bytes().length);
    }

    @Test
    void fixtures_coverEveryPacketType() {
        Set<PacketType> covered = fixtures().map(f -> f.packet().type())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(PacketType.class)));
        assertThat(covered).containsExactlyInAnyOrder(PacketType.values());
    }

    @Test
    void encode_v5PropertiesOn311_dropsThem() {
        Publish p = new Publish("t", utf8("x"), Qos.AT_MOST_ONCE, false, false, 0,
                Properties.builder().put(Property.CONTENT_TYPE, "a").build());
        assertThat(Fixtures.encode(p, MQTT_3_1_1)).isEqualTo(hex("30", "04", "0001", ascii("t"), ascii("x")));
    }
}
