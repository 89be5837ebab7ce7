package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Raw bytes that break the protocol: each closes the offending connection, and a well-behaved
 * client on the same broker keeps publishing and receiving throughout.
 */
class MalformedInputIT {
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(2);
    private static TestBroker broker;
    private static RawClient bystander;
    private static int bystanderMessages;

    @BeforeAll
    static void start() throws IOException {
        broker = TestBroker.start();
        bystander = new RawClient(broker.port());
        assertThat(bystander.connect("bystander", true).reasonCode()).isZero();
        bystander.subscribe(1, "bystander/echo", Qos.AT_MOST_ONCE);
    }

    @AfterAll
    static void stop() throws IOException {
        bystander.close();
        broker.close();
    }

    /** The bystander's own round trip still works. */
    private static void assertBystanderUnaffected() throws IOException {
        byte[] payload = ("ping " + (++bystanderMessages)).getBytes(StandardCharsets.UTF_8);
        bystander.send(Publish.of("bystander/echo", payload, Qos.AT_MOST_ONCE, false));
        Publish echo = bystander.receive(Publish.class);
        assertThat(echo.payload()).isEqualTo(payload);
    }

    private static void assertClosedAfter(String hex) throws IOException {
        try (RawClient c = new RawClient(broker.port())) {
            c.sendHex(hex);
            c.assertClosedWithin(CLOSE_WITHIN);
        }
        assertBystanderUnaffected();
    }

    private static void assertClosedAfterConnect(String hex) throws IOException {
        try (RawClient c = new RawClient(broker.port())) {
            assertThat(c.connect("victim", true).reasonCode()).isZero();
            c.sendHex(hex);
            c.assertClosedWithin(CLOSE_WITHIN);
        }
        assertBystanderUnaffected();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "first packet is PUBLISH, not CONNECT [MQTT-3.1.0-1]    | 30 03 0001 74",
            "first packet is PINGREQ                                | C0 00",
            "reserved packet type 0                                 | 00 00",
            "reserved packet type 15 before MQTT 5                  | F0 00",
            "unknown protocol name [MQTT-3.1.2-1]                   | 10 0D 0004 4D515458 04 02 003C 0001 63",
            "reserved connect flag [MQTT-3.1.2-3]                   | 10 0D 0004 4D515454 04 03 003C 0001 63",
            "will QoS 3 [MQTT-3.1.2-14]                             | 10 0D 0004 4D515454 04 1E 003C 0001 63",
            "client id with U+0000                                  | 10 0D 0004 4D515454 04 02 003C 0001 00",
            "client id not UTF-8                                    | 10 0D 0004 4D515454 04 02 003C 0001 FF",
            "remaining length of 5 bytes                            | 10 FF FF FF FF 01",
            "CVE-2017-7651 huge declared length before CONNECT      | 10 FF FF FF 7F",
            "CVE-2023-0809 2 MB CONNECT declared                    | 10 80 80 80 01",
            "string length beyond the packet                        | 10 0D 0004 4D515454 04 02 003C 0009 63",
    })
    void beforeConnect_malformed_connectionClosed(String name, String hex) throws IOException {
        assertClosedAfter(hex);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "second CONNECT [MQTT-3.1.0-2]                          | 10 0D 0004 4D515454 04 02 003C 0001 63",
            "CONNACK sent by a client                               | 20 02 00 00",
            "SUBACK sent by a client                                | 90 03 0001 00",
            "PINGRESP sent by a client                              | D0 00",
            "SUBSCRIBE with fixed header flags 0 [MQTT-3.8.1-1]     | 80 06 0001 0001 61 00",
            "PUBLISH QoS 3 [MQTT-3.3.1-4]                           | 36 05 0001 74 0001",
            "PUBLISH QoS 1 without packet id                        | 32 03 0001 74",
            "PUBLISH topic length beyond the packet                 | 30 05 0009 74 0000",
            "CVE-2021-34432 zero-length topic                       | 30 02 0000",
            "PUBLISH topic with + [MQTT-3.3.2-2]                    | 30 05 0003 612F2B",
            "PUBLISH topic with #                                   | 30 03 0001 23",
            "PUBLISH topic with NUL                                 | 30 05 0003 610062",
            "SUBSCRIBE without options byte                         | 82 05 0001 0001 61",
            "SUBSCRIBE without any filter [MQTT-3.8.3-3]            | 82 02 0001",
            "SUBSCRIBE filter a/#/b                                 | 82 0A 0001 0005 612F232F62 00",
            "SUBSCRIBE filter a+/b                                  | 82 09 0001 0004 612B2F62 00",
            "SUBSCRIBE QoS 3                                        | 82 06 0001 0001 61 03",
            "UNSUBSCRIBE without any filter [MQTT-3.10.3-2]         | A2 02 0001",
            "PUBREL with fixed header flags 0                       | 60 02 0001",
            "PINGREQ with a body                                    | C0 01 00",
            "packet id 0 [MQTT-2.3.1-1]                             | 32 05 0001 74 0000",
    })
    void afterConnect_malformed_connectionClosed(String name, String hex) throws IOException {
        assertClosedAfterConnect(hex);
    }

    @Test
    void connect_unsupportedProtocolLevel_connack01ThenClose() throws IOException {
        try (RawClient c = new RawClient(broker.port())) {
            c.sendHex("10 0D 0004 4D515454 07 02 003C 0001 63");
            Connack connack = c.receive(Connack.class);
            assertThat(connack.reasonCode()).isEqualTo(ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION);
            c.assertClosedWithin(CLOSE_WITHIN);
        }
        assertBystanderUnaffected();
    }

    @Test
    void connect_emptyClientIdWithoutCleanSession_identifierRejected() throws IOException {
        try (RawClient c = new RawClient(broker.port())) {
            // [MQTT-3.1.3-8]
            assertThat(c.connect("", false).reasonCode()).isEqualTo(ReasonCode.V3_IDENTIFIER_REJECTED);
            c.assertClosedWithin(CLOSE_WITHIN);
        }
    }

    @Test
    void connect_neverSent_closedAfterConnectTimeout() throws IOException {
        try (TestBroker quick = TestBroker.start(b -> b.connectTimeout(1));
             RawClient c = new RawClient(quick.port())) {
            c.assertClosedWithin(Duration.ofSeconds(3));
        }
    }

    @Test
    void connect_partialPacketThenSilence_closedAfterConnectTimeout() throws IOException {
        try (TestBroker quick = TestBroker.start(b -> b.connectTimeout(1));
             RawClient c = new RawClient(quick.port())) {
            c.sendHex("10 0D 0004");
            c.assertClosedWithin(Duration.ofSeconds(3));
        }
    }

    @Test
    void pubrelForUnknownId_answeredWithPubcomp() throws IOException {
        try (RawClient c = new RawClient(broker.port())) {
            c.connect("pubrel-unknown", true);
            c.sendHex("62 02 1234");
            MqttPacket p = c.receive();
            assertThat(p).isEqualTo(dev.midge.codec.packet.Pubcomp.of(0x1234));
        }
    }

    @Test
    void unknownPubackId_ignoredAndConnectionKept() throws IOException {
        try (RawClient c = new RawClient(broker.port())) {
            c.connect("puback-unknown", true);
            c.sendHex("40 02 0777");
            c.sendHex("C0 00");
            assertThat(c.receive()).isInstanceOf(dev.midge.codec.packet.Pingresp.class);
        }
    }

    @Test
    void cve202328366_qos2StormReusingOnePacketId_deliveredOnce() throws IOException {
        try (RawClient sub = new RawClient(broker.port()); RawClient c = new RawClient(broker.port())) {
            sub.connect("storm-watch", true);
            sub.subscribe(1, "storm", Qos.AT_MOST_ONCE);
            c.connect("storm", true);
            for (int i = 0; i < 10_000; i++) {
                c.send(new Publish("storm", new byte[100], Qos.EXACTLY_ONCE, false, i > 0, 1, Properties.EMPTY));
            }
            for (int i = 0; i < 10_000; i++) {
                assertThat(c.receive()).isEqualTo(dev.midge.codec.packet.Pubrec.of(1));
            }
            // never released: one message, one awaiting-PUBREL entry, whatever the number of resends
            assertThat(sub.receive(Publish.class).payload()).hasSize(100);
            sub.assertNothingFor(Duration.ofMillis(300));
        }
        assertBystanderUnaffected();
    }

    @Test
    void oversizedPacket_withConfiguredLimit_closed() throws IOException {
        try (TestBroker small = TestBroker.start(b -> b.maxPacketSize(100));
             RawClient c = new RawClient(small.port())) {
            c.connect("big", true);
            c.send(new Publish("t", new byte[200], Qos.AT_MOST_ONCE, false, false, 0, Properties.EMPTY));
            c.assertClosedWithin(CLOSE_WITHIN);
        }
    }
}
