package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Pingresp;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Pubcomp;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Pubrec;
import dev.midge.codec.packet.Pubrel;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Will;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * QoS flows, sessions, wills and keep-alive, driven byte by byte where the real clients would
 * hide the detail (withheld acknowledgements, DUP flags, dropped sockets).
 */
class QosFlowIT {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(b -> b.maxInflightMessages(20).maxQueuedMessages(1000));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void publish(String topic, String payload, Qos qos, int id) throws IOException {
        try (RawClient p = new RawClient(broker.port())) {
            p.connect("pub-" + topic.hashCode() + "-" + id, true);
            p.send(new Publish(topic, text(payload), qos, false, false, qos == Qos.AT_MOST_ONCE ? 0 : id,
                    Properties.EMPTY));
            if (qos == Qos.AT_LEAST_ONCE) {
                assertThat(p.receive()).isEqualTo(Puback.of(id));
            } else if (qos == Qos.EXACTLY_ONCE) {
                assertThat(p.receive()).isEqualTo(Pubrec.of(id));
                p.send(Pubrel.of(id));
                assertThat(p.receive()).isEqualTo(Pubcomp.of(id));
            }
        }
    }

    @Test
    void outboundWindow_unackedQos1_stopsAtMaxInflightThenResumesOnPuback() throws IOException {
        try (RawClient sub = new RawClient(broker.port()); RawClient pub = new RawClient(broker.port())) {
            sub.connect("window-sub", true);
            sub.subscribe(1, "w", Qos.AT_LEAST_ONCE);
            pub.connect("window-pub", true);
            for (int i = 1; i <= 25; i++) {
                pub.send(new Publish("w", text("m" + i), Qos.AT_LEAST_ONCE, false, false, i, Properties.EMPTY));
                assertThat(pub.receive()).isEqualTo(Puback.of(i));
            }
            List<Publish> got = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                got.add(sub.receive(Publish.class));
            }
            sub.assertNothingFor(Duration.ofMillis(300));
            sub.send(Puback.of(got.get(0).packetId()));
            Publish next = sub.receive(Publish.class);
            assertThat(new String(next.payload(), StandardCharsets.UTF_8)).isEqualTo("m21");
            assertThat(got).extracting(p -> new String(p.payload(), StandardCharsets.UTF_8))
                    .startsWith("m1", "m2", "m3").endsWith("m20");
        }
    }

    @Test
    void resume_unackedPublishAndPubrel_resentInOrderWithDup() throws IOException {
        try (RawClient sub = new RawClient(broker.port())) {
            sub.connect("resume-sub", false);
            sub.subscribe(1, "r/#", Qos.EXACTLY_ONCE);
            publish("r/1", "one", Qos.AT_LEAST_ONCE, 1);
            publish("r/2", "two", Qos.EXACTLY_ONCE, 2);
            Publish one = sub.receive(Publish.class);
            Publish two = sub.receive(Publish.class);
            assertThat(one.qos()).isEqualTo(Qos.AT_LEAST_ONCE);
            assertThat(two.qos()).isEqualTo(Qos.EXACTLY_ONCE);
            sub.send(Pubrec.of(two.packetId()));
            assertThat(sub.receive()).isEqualTo(Pubrel.of(two.packetId()));
            sub.drop();
            // neither the PUBACK for "one" nor the PUBCOMP for "two" was sent
            try (RawClient again = new RawClient(broker.port())) {
                Connack connack = again.connect("resume-sub", false);
                assertThat(connack.sessionPresent()).isTrue();
                Publish resent = again.receive(Publish.class);
                assertThat(resent.dup()).isTrue();
                assertThat(resent.packetId()).isEqualTo(one.packetId());
                assertThat(resent.payload()).isEqualTo(text("one"));
                assertThat(again.receive()).isEqualTo(Pubrel.of(two.packetId()));
                again.send(Puback.of(one.packetId()));
                again.send(Pubcomp.of(two.packetId()));
                again.assertNothingFor(Duration.ofMillis(300));
            }
        }
    }

    @Test
    void inboundQos2_duplicatePublishBeforePubrel_deliveredOnce() throws IOException {
        try (RawClient sub = new RawClient(broker.port()); RawClient pub = new RawClient(broker.port())) {
            sub.connect("dedupe-sub", true);
            sub.subscribe(1, "d", Qos.AT_MOST_ONCE);
            pub.connect("dedupe-pub", true);
            Publish p = new Publish("d", text("once"), Qos.EXACTLY_ONCE, false, false, 9, Properties.EMPTY);
            pub.send(p);
            assertThat(pub.receive()).isEqualTo(Pubrec.of(9));
            pub.send(p.withDup());
            assertThat(pub.receive()).isEqualTo(Pubrec.of(9));
            pub.send(Pubrel.of(9));
            assertThat(pub.receive()).isEqualTo(Pubcomp.of(9));
            assertThat(sub.receive(Publish.class).payload()).isEqualTo(text("once"));
            sub.assertNothingFor(Duration.ofMillis(300));
            // after PUBREL the id is free: the same id is a new message
            pub.send(p);
            assertThat(pub.receive()).isEqualTo(Pubrec.of(9));
            assertThat(sub.receive(Publish.class).payload()).isEqualTo(text("once"));
        }
    }

    @Test
    void offlineQueue_beyondMaxQueuedMessages_dropsNewest() throws IOException {
        try (TestBroker small = TestBroker.start(b -> b.maxQueuedMessages(5));
             RawClient sub = new RawClient(small.port())) {
            sub.connect("queue-sub", false);
            sub.subscribe(1, "q", Qos.AT_LEAST_ONCE);
            sub.send(new dev.midge.codec.packet.Disconnect(0, Properties.EMPTY));
            try (RawClient pub = new RawClient(small.port())) {
                pub.connect("queue-pub", true);
                for (int i = 1; i <= 8; i++) {
                    pub.send(new Publish("q", text("m" + i), Qos.AT_LEAST_ONCE, false, false, i, Properties.EMPTY));
                    assertThat(pub.receive()).isEqualTo(Puback.of(i));
                }
            }
            try (RawClient again = new RawClient(small.port())) {
                assertThat(again.connect("queue-sub", false).sessionPresent()).isTrue();
                for (int i = 1; i <= 5; i++) {
                    Publish p = again.receive(Publish.class);
                    assertThat(p.payload()).isEqualTo(text("m" + i));
                    again.send(Puback.of(p.packetId()));
                }
                again.assertNothingFor(Duration.ofMillis(300));
            }
            assertThat(small.broker.context().metrics().publishDroppedCount()).isEqualTo(3);
        }
    }

    @Test
    void offlineSession_qos0_notQueued() throws IOException {
        try (RawClient sub = new RawClient(broker.port())) {
            sub.connect("q0-sub", false);
            sub.subscribe(1, "z", Qos.AT_LEAST_ONCE);
            sub.send(dev.midge.codec.packet.Disconnect.NORMAL);
        }
        publish("z", "qos0", Qos.AT_MOST_ONCE, 0);
        publish("z", "qos1", Qos.AT_LEAST_ONCE, 1);
        try (RawClient again = new RawClient(broker.port())) {
            again.connect("q0-sub", false);
            assertThat(again.receive(Publish.class).payload()).isEqualTo(text("qos1"));
            again.assertNothingFor(Duration.ofMillis(300));
        }
    }

    @Test
    void will_droppedConnection_published_cleanDisconnect_not() throws IOException {
        try (RawClient watcher = new RawClient(broker.port())) {
            watcher.connect("watcher", true);
            watcher.subscribe(1, "wills/#", Qos.AT_LEAST_ONCE);
            RawClient dying = new RawClient(broker.port());
            dying.connect("dying", true, new Will("wills/dying", text("gone"), Qos.AT_LEAST_ONCE, false,
                    Properties.EMPTY));
            dying.drop();
            Publish will = watcher.receive(Publish.class);
            assertThat(will.topic()).isEqualTo("wills/dying");
            assertThat(will.payload()).isEqualTo(text("gone"));
            watcher.send(Puback.of(will.packetId()));

            try (RawClient polite = new RawClient(broker.port())) {
                polite.connect("polite", true, new Will("wills/polite", text("x"), Qos.AT_MOST_ONCE, false,
                        Properties.EMPTY));
                polite.send(dev.midge.codec.packet.Disconnect.NORMAL);
                polite.assertClosedWithin(Duration.ofSeconds(2));
            }
            // [MQTT-3.14.4-3] DISCONNECT discards the will
            watcher.assertNothingFor(Duration.ofMillis(500));
        }
    }

    @Test
    void will_retained_storedForLaterSubscribers() throws IOException {
        RawClient dying = new RawClient(broker.port());
        dying.connect("dying-retained", true, new Will("status/dev1", text("offline"), Qos.AT_MOST_ONCE, true,
                Properties.EMPTY));
        dying.drop();
        try (RawClient later = new RawClient(broker.port())) {
            later.connect("later", true);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3))
                    .until(() -> broker.broker.context().retained().size() == 1);
            later.subscribe(1, "status/+", Qos.AT_MOST_ONCE);
            Publish p = later.receive(Publish.class);
            assertThat(p.retain()).isTrue();
            assertThat(p.payload()).isEqualTo(text("offline"));
        }
    }

    @Test
    void takeover_sameClientId_oldConnectionClosedAndItsWillPublished() throws IOException {
        try (RawClient watcher = new RawClient(broker.port()); RawClient first = new RawClient(broker.port())) {
            watcher.connect("watcher2", true);
            watcher.subscribe(1, "takeover/#", Qos.AT_MOST_ONCE);
            first.connect("same-id", false, new Will("takeover/will", text("first gone"), Qos.AT_MOST_ONCE,
                    false, Properties.EMPTY));
            first.subscribe(1, "takeover/data", Qos.AT_LEAST_ONCE);
            try (RawClient second = new RawClient(broker.port())) {
                Connack connack = second.connect("same-id", false);
                assertThat(connack.sessionPresent()).isTrue();
                first.assertClosedWithin(Duration.ofSeconds(2));
                assertThat(watcher.receive(Publish.class).payload()).isEqualTo(text("first gone"));
                // the subscription moved with the session
                publish("takeover/data", "for second", Qos.AT_LEAST_ONCE, 3);
                Publish p = second.receive(Publish.class);
                assertThat(p.payload()).isEqualTo(text("for second"));
            }
        }
    }

    @Test
    void cleanSession_afterPersistent_discardsOldSession() throws IOException {
        try (RawClient c = new RawClient(broker.port())) {
            c.connect("clean-after", false);
            c.subscribe(1, "cs", Qos.AT_LEAST_ONCE);
            c.send(dev.midge.codec.packet.Disconnect.NORMAL);
        }
        try (RawClient c = new RawClient(broker.port())) {
            assertThat(c.connect("clean-after", true).sessionPresent()).isFalse();
            c.send(dev.midge.codec.packet.Disconnect.NORMAL);
        }
        publish("cs", "nobody", Qos.AT_LEAST_ONCE, 1);
        try (RawClient c = new RawClient(broker.port())) {
            assertThat(c.connect("clean-after", false).sessionPresent()).isFalse();
            c.assertNothingFor(Duration.ofMillis(300));
        }
        assertThat(broker.broker.context().topics().size()).isZero();
    }

    @Test
    void keepAlive_silentClient_closedAfterOneAndAHalfPeriods() throws IOException {
        try (RawClient c = new RawClient(broker.port())) {
            c.connect(new Connect(MqttVersion.MQTT_3_1_1, "sleepy", true, 1, null, null, null, Properties.EMPTY));
            long start = System.nanoTime();
            c.assertClosedWithin(Duration.ofSeconds(4));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).isGreaterThanOrEqualTo(1200);
        }
    }

    @Test
    void keepAlive_pingreq_answeredAndKeepsConnection() throws IOException {
        try (RawClient c = new RawClient(broker.port())) {
            c.connect(new Connect(MqttVersion.MQTT_3_1_1, "pinger", true, 1, null, null, null, Properties.EMPTY));
            for (int i = 0; i < 4; i++) {
                c.sendHex("C0 00");
                MqttPacket p = c.receive();
                assertThat(p).isInstanceOf(Pingresp.class);
                sleep(700);
            }
        }
    }

    @Test
    void keepAlive_aboveMaxKeepalive_refused() throws IOException {
        try (TestBroker strict = TestBroker.start(b -> b.maxKeepalive(60));
             RawClient c = new RawClient(strict.port())) {
            Connack connack = c.connect(new Connect(MqttVersion.MQTT_3_1_1, "slow", true, 120, null, null, null,
                    Properties.EMPTY));
            assertThat(connack.reasonCode()).isEqualTo(2);
        }
    }

    @Test
    void anonymousOff_clientWithoutUsername_notAuthorized() throws IOException {
        try (TestBroker closed = TestBroker.start(b -> b.allowAnonymous(false));
             RawClient c = new RawClient(closed.port())) {
            assertThat(c.connect("anon", true).reasonCode()).isEqualTo(5);
            c.assertClosedWithin(Duration.ofSeconds(2));
        }
    }

    @Test
    void mqtt31_connect_accepted() throws IOException {
        try (RawClient c = new RawClient(broker.port(), MqttVersion.MQTT_3_1)) {
            assertThat(c.connect("old-client", true).reasonCode()).isZero();
            c.subscribe(1, "v31", Qos.AT_LEAST_ONCE);
            c.send(new Publish("v31", text("hello 3.1"), Qos.AT_LEAST_ONCE, false, false, 4, Properties.EMPTY));
            // PUBACK and the delivery may come in either order
            List<MqttPacket> two = List.of(c.receive(), c.receive());
            assertThat(two).anyMatch(p -> p.equals(Puback.of(4)));
            assertThat(two).anyMatch(p -> p instanceof Publish pub && new String(pub.payload()).equals("hello 3.1"));
        }
    }

    @Test
    void deepTopic_30000Levels_routedAndRetainedWithoutRecursion() throws IOException {
        String topic = "a/".repeat(29_999) + "a";
        String filter = "+/".repeat(29_999) + "#";
        try (RawClient sub = new RawClient(broker.port()); RawClient pub = new RawClient(broker.port())) {
            sub.connect("deep-sub", true);
            sub.subscribe(1, "#", Qos.AT_MOST_ONCE);
            sub.subscribe(2, filter, Qos.AT_MOST_ONCE);
            pub.connect("deep-pub", true);
            pub.send(new Publish(topic, text("deep"), Qos.AT_MOST_ONCE, true, false, 0, Properties.EMPTY));
            Publish live = sub.receive(Publish.class);
            assertThat(live.topic()).hasSize(topic.length());
            sub.assertNothingFor(Duration.ofMillis(200)); // one copy for both filters
            try (RawClient late = new RawClient(broker.port())) {
                late.connect("deep-late", true);
                late.subscribe(1, filter, Qos.AT_MOST_ONCE);
                assertThat(late.receive(Publish.class).retain()).isTrue();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
