package dev.midge.broker.it;

import static dev.midge.broker.it.V5.connect;
import static dev.midge.broker.it.V5.expiry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.broker.Broker;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Pubcomp;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Pubrec;
import dev.midge.codec.packet.Pubrel;
import dev.midge.codec.packet.Qos;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State that outlives the broker process: sessions, subscriptions, queues, QoS 2 state, retained. */
class PersistenceIT {
    @TempDir
    Path dir;
    private Broker broker;
    private int port;

    private int maxQueued = 1000;

    private void start() throws Exception {
        BrokerConfig.Builder b = BrokerConfig.builder().listener("127.0.0.1", port).allowAnonymous(true)
                .sysInterval(0).persistence(true).persistenceLocation(dir.resolve("data"))
                .maxQueuedMessages(maxQueued);
        broker = new Broker(b.build()).start();
        port = broker.port();
    }

    private void restart() throws Exception {
        broker.stop();
        start();
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    private RawClient v3() throws IOException {
        return new RawClient(port);
    }

    @Test
    void restart_persistentSessionQueueAndRetained_survive() throws Exception {
        start();
        try (RawClient sub = v3()) {
            sub.connect("durable-sub", false);
            sub.subscribe(1, "d/#", Qos.EXACTLY_ONCE);
            sub.send(Disconnect.NORMAL);
        }
        try (RawClient pub = v3()) {
            pub.connect("durable-pub", true);
            for (int i = 1; i <= 5; i++) {
                pub.send(new Publish("d/q1", V5.text("one-" + i), Qos.AT_LEAST_ONCE, false, false, i, Properties.EMPTY));
                assertThat(pub.receive()).isEqualTo(Puback.of(i));
            }
            pub.send(new Publish("d/q2", V5.text("two"), Qos.EXACTLY_ONCE, false, false, 9, Properties.EMPTY));
            assertThat(pub.receive()).isEqualTo(Pubrec.of(9));
            pub.send(Pubrel.of(9));
            assertThat(pub.receive()).isEqualTo(Pubcomp.of(9));
            pub.send(new Publish("d/state", V5.text("kept"), Qos.AT_LEAST_ONCE, true, false, 10, Properties.EMPTY));
            pub.receive(Puback.class);
        }
        restart();
        try (RawClient sub = v3()) {
            assertThat(sub.connect("durable-sub", false).sessionPresent()).isTrue();
            for (int i = 1; i <= 5; i++) {
                Publish p = sub.receive(Publish.class);
                assertThat(V5.text(p)).isEqualTo("one-" + i);
                sub.send(Puback.of(p.packetId()));
            }
            // "two" (QoS 2) and "kept" (QoS 1) share the window: PUBREL and PUBLISH may interleave
            java.util.Set<String> rest = new java.util.HashSet<>();
            boolean completed = false;
            while (rest.size() < 2 || !completed) {
                var packet = sub.receive();
                if (packet instanceof Publish p) {
                    rest.add(V5.text(p) + "@" + p.qos().value());
                    sub.send(p.qos() == Qos.EXACTLY_ONCE ? Pubrec.of(p.packetId()) : Puback.of(p.packetId()));
                } else {
                    assertThat(packet).isInstanceOf(Pubrel.class);
                    sub.send(Pubcomp.of(((Pubrel) packet).packetId()));
                    completed = true;
                }
            }
            assertThat(rest).containsExactlyInAnyOrder("two@2", "kept@1");
            sub.send(Disconnect.NORMAL);
            // the broker has read everything before the DISCONNECT (the last PUBCOMP included)
            // once it closes: only then may the test restart it
            sub.assertClosedWithin(Duration.ofSeconds(2));
        }
        restart();
        // everything acknowledged is gone from the store; the retained message and the subscription stay
        try (RawClient sub = v3()) {
            assertThat(sub.connect("durable-sub", false).sessionPresent()).isTrue();
            sub.assertNothingFor(Duration.ofMillis(300));
            sub.subscribe(2, "d/state", Qos.AT_MOST_ONCE);
            assertThat(V5.text(sub.receive(Publish.class))).isEqualTo("kept");
        }
        assertThat(broker.context().topics().size()).isEqualTo(2); // d/# from before the restarts, d/state now
    }

    @Test
    void restart_largeBacklog_notReadIntoMemoryUntilSentThenDeliveredInOrder() throws Exception {
        maxQueued = 100_000;
        start();
        int n = 5000;
        try (RawClient sub = v3()) {
            sub.connect("backlog-sub", false);
            sub.subscribe(1, "b", Qos.AT_LEAST_ONCE);
            sub.send(Disconnect.NORMAL);
        }
        try (RawClient pub = v3()) {
            pub.connect("backlog-pub", true);
            for (int i = 1; i <= n; i++) {
                pub.send(new Publish("b", V5.text("m" + i), Qos.AT_LEAST_ONCE, false, false, 1 + i % 60000,
                        Properties.EMPTY));
            }
            for (int i = 1; i <= n; i++) {
                pub.receive(Puback.class);
            }
        }
        restart();
        // the queue is on disk only: nothing of it is held in memory before the client is back
        assertThat(broker.context().sessionLimits().budget().used()).isZero();
        try (RawClient pub = v3()) {
            pub.connect("backlog-pub", true);
            for (int i = 1; i <= 10; i++) {
                pub.send(new Publish("b", V5.text("new" + i), Qos.AT_LEAST_ONCE, false, false, i, Properties.EMPTY));
                pub.receive(Puback.class);
            }
        }
        try (RawClient sub = v3()) {
            assertThat(sub.connect("backlog-sub", false).sessionPresent()).isTrue();
            for (int i = 1; i <= n + 10; i++) {
                Publish p = sub.receive(Publish.class);
                // the stored backlog first, then what came after the restart, each once
                assertThat(V5.text(p)).isEqualTo(i <= n ? "m" + i : "new" + (i - n));
                sub.send(Puback.of(p.packetId()));
            }
            sub.assertNothingFor(Duration.ofMillis(300));
        }
        assertThat(broker.context().sessionLimits().budget().used()).isZero();
    }

    @Test
    void restart_droppedBeyondQueueLimit_notResurrected() throws Exception {
        maxQueued = 10;
        start();
        try (RawClient sub = v3()) {
            sub.connect("limit-sub", false);
            sub.subscribe(1, "l", Qos.AT_LEAST_ONCE);
            sub.send(Disconnect.NORMAL);
        }
        try (RawClient pub = v3()) {
            pub.connect("limit-pub", true);
            for (int i = 1; i <= 50; i++) {
                pub.send(new Publish("l", V5.text("m" + i), Qos.AT_LEAST_ONCE, false, false, i, Properties.EMPTY));
            }
            for (int i = 1; i <= 50; i++) {
                pub.receive(Puback.class);
            }
        }
        restart();
        try (RawClient sub = v3()) {
            sub.connect("limit-sub", false);
            for (int i = 1; i <= 10; i++) {
                Publish p = sub.receive(Publish.class);
                assertThat(V5.text(p)).isEqualTo("m" + i);
                sub.send(Puback.of(p.packetId()));
            }
            sub.assertNothingFor(Duration.ofMillis(300));
        }
    }

    @Test
    void restart_inflightMessage_resentWithSamePacketIdAndDup() throws Exception {
        start();
        Publish first;
        try (RawClient sub = v3()) {
            sub.connect("inflight-sub", false);
            sub.subscribe(1, "f", Qos.EXACTLY_ONCE);
            try (RawClient pub = v3()) {
                pub.connect("inflight-pub", true);
                pub.send(new Publish("f", V5.text("once"), Qos.EXACTLY_ONCE, false, false, 1, Properties.EMPTY));
                pub.receive(Pubrec.class);
                pub.send(Pubrel.of(1));
                pub.receive(Pubcomp.class);
            }
            first = sub.receive(Publish.class);
            sub.drop(); // never acknowledged
        }
        restart();
        try (RawClient sub = v3()) {
            sub.connect("inflight-sub", false);
            Publish again = sub.receive(Publish.class);
            assertThat(again.dup()).isTrue();
            assertThat(again.packetId()).isEqualTo(first.packetId());
            assertThat(V5.text(again)).isEqualTo("once");
        }
    }

    @Test
    void restart_inboundQos2State_retransmittedPublishNotDeliveredTwice() throws Exception {
        start();
        try (RawClient sub = v3()) {
            sub.connect("q2-sub", false);
            sub.subscribe(1, "x", Qos.AT_LEAST_ONCE);
            sub.send(Disconnect.NORMAL);
        }
        try (RawClient pub = v3()) {
            pub.connect("q2-pub", false);
            pub.send(new Publish("x", V5.text("exactly"), Qos.EXACTLY_ONCE, false, false, 7, Properties.EMPTY));
            pub.receive(Pubrec.class);
            pub.drop(); // PUBREL never sent
        }
        restart();
        try (RawClient pub = v3()) {
            assertThat(pub.connect("q2-pub", false).sessionPresent()).isTrue();
            Publish retry = new Publish("x", V5.text("exactly"), Qos.EXACTLY_ONCE, false, true, 7, Properties.EMPTY);
            pub.send(retry);
            pub.receive(Pubrec.class);
            pub.send(Pubrel.of(7));
            pub.receive(Pubcomp.class);
        }
        try (RawClient sub = v3()) {
            sub.connect("q2-sub", false);
            Publish p = sub.receive(Publish.class);
            assertThat(V5.text(p)).isEqualTo("exactly");
            sub.send(Puback.of(p.packetId()));
            sub.assertNothingFor(Duration.ofMillis(400));
        }
    }

    @Test
    void restart_v5SessionExpiry_survivesAndStillExpires() throws Exception {
        start();
        try (RawClient c = new RawClient(port, MqttVersion.MQTT_5)) {
            c.connect(connect("exp-durable", true, expiry(2)));
            c.subscribe(1, "e", Qos.AT_LEAST_ONCE);
            c.send(Disconnect.NORMAL);
        }
        restart();
        try (RawClient c = new RawClient(port, MqttVersion.MQTT_5)) {
            Connack ack = c.connect(connect("exp-durable", false, expiry(1)));
            assertThat(ack.sessionPresent()).isTrue();
            c.send(Disconnect.NORMAL);
        }
        Thread.sleep(1500);
        restart();
        try (RawClient c = new RawClient(port, MqttVersion.MQTT_5)) {
            assertThat(c.connect(connect("exp-durable", false, expiry(1))).sessionPresent()).isFalse();
        }
    }

    @Test
    void cleanSession_neverWritten() throws Exception {
        start();
        try (RawClient c = v3()) {
            c.connect("transient", true);
            c.subscribe(1, "t", Qos.AT_LEAST_ONCE);
        }
        restart();
        assertThat(broker.context().sessions().size()).isZero();
        assertThat(broker.context().topics().size()).isZero();
    }
}
