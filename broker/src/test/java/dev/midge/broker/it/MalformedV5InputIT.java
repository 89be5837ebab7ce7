package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The MQTT 5 part of the malformed-packet corpus: broken properties, extreme but legal packets
 * (10,000 user properties, a topic of 65,000 levels), malformed shared subscription names. Each
 * offending connection gets DISCONNECT with the reason the spec names and is closed within a
 * second; a bystander keeps publishing and receiving; the heap does not grow.
 */
class MalformedV5InputIT {
    private static final Duration WITHIN = Duration.ofSeconds(1);
    private static TestBroker broker;
    private static RawClient bystander;
    private static int pings;

    @BeforeAll
    static void start() throws IOException {
        broker = TestBroker.start();
        bystander = V5.client(broker);
        assertThat(bystander.connect(V5.connect("bystander5", true, Properties.EMPTY)).reasonCode()).isZero();
        bystander.subscribe(1, "bystander/echo", Qos.AT_MOST_ONCE);
    }

    @AfterAll
    static void stop() throws IOException {
        bystander.close();
        broker.close();
    }

    private static void assertBystanderUnaffected() throws IOException {
        byte[] payload = ("ping " + (++pings)).getBytes(StandardCharsets.UTF_8);
        bystander.send(V5.publish("bystander/echo", "ping " + pings, Qos.AT_MOST_ONCE, 0, Properties.EMPTY));
        assertThat(bystander.receive(Publish.class).payload()).isEqualTo(payload);
    }

    private static RawClient victim() throws IOException {
        RawClient c = V5.client(broker);
        assertThat(c.connect(V5.connect("victim5", true, Properties.EMPTY)).reasonCode()).isZero();
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "payload format indicator twice [MQTT-2.2.2-2]           | 130 | 30 0A 0001 74 04 01 01 01 01 6869",
            "payload format indicator 2                               | 130 | 30 08 0001 74 02 01 02 6869",
            "unknown property 0x7F                                    | 129 | 30 08 0001 74 02 7F 00 6869",
            "property not valid for PUBLISH (spec 2.2.2.2)          | 129 | 30 0A 0001 74 05 11 0000000A 68",
            "shared name with + (not a whole level) [MQTT-4.7.1-3]  | 143 | 82 10 0001 00 000B 2473686172652F672B2F74 00",
            "property length beyond the packet                        | 129 | 30 06 0001 74 09 01 01",
            "user property pair cut short                             | 129 | 30 09 0001 74 04 26 0001 61 00",
            "subscription identifier 0 [MQTT-3.8.2-...]               | 130 | 82 09 0001 02 0B 00 0001 74 00",
            "topic alias 0 [MQTT-3.3.2-8]                             | 148 | 30 08 0001 74 03 23 0000 68",
            "topic alias above the maximum                            | 148 | 30 08 0001 74 03 23 FFFF 68",
            "unknown alias with an empty topic                        | 130 | 30 07 0000 03 23 0001 68",
            "subscription options with reserved bits                  | 129 | 82 07 0001 00 0001 74 C0",
            "retain handling 3                                        | 130 | 82 07 0001 00 0001 74 30",
            "AUTH without a method on a session that has none         | 130 | F0 02 18 00",
            "reserved packet type 0                                   | 129 | 00 00",
    })
    void brokenProperties_disconnectWithTheSpecsReason(String name, int reason, String hex) throws IOException {
        try (RawClient c = victim()) {
            c.sendHex(hex);
            MqttPacket p = c.receive(WITHIN);
            assertThat(p).as("%s: DISCONNECT", name).isInstanceOf(Disconnect.class);
            assertThat(((Disconnect) p).reasonCode()).as("%s: reason", name).isEqualTo(reason);
            c.assertClosedWithin(WITHIN);
        }
        assertBystanderUnaffected();
    }

    @Test
    void tenThousandUserProperties_areAcceptedAndForwarded() throws IOException {
        Properties.Builder props = Properties.builder();
        for (int i = 0; i < 10_000; i++) {
            props.userProperty("k" + i, "v");
        }
        try (RawClient sub = V5.client(broker); RawClient pub = victim()) {
            sub.connect(V5.connect("many-props-sub", true, Properties.EMPTY));
            sub.subscribe(1, "many/props", Qos.AT_LEAST_ONCE);
            pub.send(new Publish("many/props", new byte[] {1}, Qos.AT_LEAST_ONCE, false, false, 7, props.build()));
            assertThat(pub.receive(Puback.class).packetId()).isEqualTo(7);
            Publish got = sub.receive(Publish.class);
            assertThat(got.properties().userProperties()).hasSize(10_000);
        }
        assertBystanderUnaffected();
    }

    @Test
    void topicOf65000Levels_isRoutedWithoutRecursion_andAFilterOfThemMatches() throws IOException {
        String deep = "/".repeat(65_000); // 65,001 empty levels: the longest a topic can be
        try (RawClient c = victim()) {
            c.send(new Subscribe(1, List.of(new Subscription(deep + "#", Qos.AT_MOST_ONCE, false, false, 0),
                    new Subscription("+" + "/+".repeat(30_000), Qos.AT_MOST_ONCE, false, false, 0)), Properties.EMPTY));
            Suback s = c.receive(Suback.class);
            assertThat(s.reasonCodes()).containsExactly(0, 0);
            c.send(V5.publish(deep, "deep", Qos.AT_MOST_ONCE, 0, Properties.EMPTY));
            assertThat(c.receive(Publish.class).topic()).hasSize(65_000);
            c.assertNothingFor(Duration.ofMillis(200)); // the 30,001-level filter does not match: one copy
        }
        assertBystanderUnaffected();
    }

    @Test
    void malformedShareNames_getSuback0x8F_andTheConnectionStays() throws IOException {
        try (RawClient c = victim()) {
            c.send(new Subscribe(1, List.of(
                    new Subscription("$share//t", Qos.AT_MOST_ONCE, false, false, 0),
                    new Subscription("$share/g", Qos.AT_MOST_ONCE, false, false, 0),
                    new Subscription("$share/g/", Qos.AT_MOST_ONCE, false, false, 0),
                    new Subscription("$share/g/t", Qos.AT_MOST_ONCE, false, false, 0)), Properties.EMPTY));
            // [MQTT-4.8.2-1] [MQTT-4.8.2-2]: a bad share name refuses that filter, not the connection
            assertThat(c.receive(Suback.class).reasonCodes()).containsExactly(ReasonCode.TOPIC_FILTER_INVALID,
                    ReasonCode.TOPIC_FILTER_INVALID, ReasonCode.TOPIC_FILTER_INVALID, 0);
        }
        assertBystanderUnaffected();
    }

    @Test
    void corpusRepeated_heapDoesNotGrow() throws IOException {
        long before = usedHeapAfterGc();
        for (int round = 0; round < 200; round++) {
            try (RawClient c = victim()) {
                c.sendHex("30 0A 0001 74 04 01 01 01 01 6869");
                c.assertClosedWithin(WITHIN);
            }
        }
        assertBystanderUnaffected();
        long growth = usedHeapAfterGc() - before;
        assertThat(growth).as("heap growth after 200 offending connections, bytes").isLessThan(8L << 20);
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
