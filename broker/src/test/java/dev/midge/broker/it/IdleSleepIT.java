package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Pingreq;
import dev.midge.codec.packet.Pingresp;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Will;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Idle connections sleep without a Netty channel ({@code ConnectionLink}): a client quiet after
 * CONNACK, or for a whole keep-alive period, keeps its session, its pings are answered, and
 * anything else wakes it with nothing lost.
 */
class IdleSleepIT {
    private TestBroker broker;
    private final List<Mqtt3BlockingClient> hiveClients = new ArrayList<>();

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        for (Mqtt3BlockingClient c : hiveClients) {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        }
        broker.close();
    }

    private int asleep() {
        return broker.broker.context().metrics().connectionsAsleep();
    }

    private void awaitAsleep(int n) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> asleep() == n);
    }

    private Mqtt3BlockingClient hive(String id, boolean cleanSession) {
        Mqtt3BlockingClient c = MqttClient.builder().useMqttVersion3().identifier(id)
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        hiveClients.add(c);
        c.connectWith().cleanSession(cleanSession).send();
        return c;
    }

    /** A HiveMQ client that subscribes to will/# and hands on what it gets. */
    private Mqtt3BlockingClient.Mqtt3Publishes willWatcher() {
        Mqtt3BlockingClient heir = hive("heir", true);
        heir.subscribeWith().topicFilter("will/#").qos(MqttQos.AT_LEAST_ONCE).send();
        return heir.publishes(MqttGlobalPublishFilter.ALL);
    }

    private static String text(Mqtt3Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static Mqtt3Publish receive(Mqtt3BlockingClient.Mqtt3Publishes publishes) throws InterruptedException {
        Optional<Mqtt3Publish> p = publishes.receive(5, TimeUnit.SECONDS);
        assertThat(p).as("a message within 5 s").isPresent();
        return p.get();
    }

    private static Connect connect(MqttVersion version, String id, int keepAlive, Will will) {
        return new Connect(version, id, true, keepAlive, null, null, will, Properties.EMPTY);
    }

    private static Will will(String topic, String text) {
        return new Will(topic, text.getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE, false, Properties.EMPTY);
    }

    @Test
    void quietClient_sleeps_andItsPingsAreAnsweredAsleep() throws Exception {
        try (RawClient c = new RawClient(broker.port())) {
            c.connect("quiet", true);
            awaitAsleep(1);
            for (int i = 0; i < 3; i++) {
                c.send(Pingreq.INSTANCE);
                c.receive(Pingresp.class);
            }
            assertThat(asleep()).as("pings answered without waking").isEqualTo(1);

            // half a ping wakes the socket; the channel reads the rest, answers, and it sleeps again
            c.sendHex("C0");
            awaitAsleep(0);
            c.sendHex("00");
            c.receive(Pingresp.class);
            awaitAsleep(1);
        }
    }

    @Test
    void sleepingSockets_keepWhatWokeThem_thoughTheirLoopReadsEveryOneIntoOneBuffer() throws Exception {
        try (RawClient a = new RawClient(broker.port()); RawClient b = new RawClient(broker.port());
             RawClient c = new RawClient(broker.port())) {
            a.connect("one-buffer-a", true);
            b.connect("one-buffer-b", true);
            c.connect("one-buffer-c", true);
            awaitAsleep(3);
            // a ping and a SUBSCRIBE (id 7, "s/a" at QoS 1) in one write: the socket wakes with both
            a.sendHex("C000" + "820800070003732F6101");
            // meanwhile the others' pings go through the same loop's read buffer
            b.send(Pingreq.INSTANCE);
            c.send(Pingreq.INSTANCE);
            b.receive(Pingresp.class);
            c.receive(Pingresp.class);
            a.receive(Pingresp.class);
            Suback suback = a.receive(Suback.class);
            assertThat(suback.packetId()).isEqualTo(7);
            assertThat(suback.reasonCodes()).containsExactly(1);

            b.send(Publish.of("s/a", "to the woken one".getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE, false)
                    .forDelivery(Qos.AT_LEAST_ONCE, false, 9));
            b.receive(Puback.class);
            Publish got = a.receive(Publish.class);
            assertThat(new String(got.payload(), StandardCharsets.UTF_8)).isEqualTo("to the woken one");
        }
    }

    @Test
    void busyClient_sleepsOnlyAfterAKeepAlivePeriodOfPingsAlone() throws Exception {
        try (RawClient c = new RawClient(broker.port())) {
            c.connect("busy", true);
            c.subscribe(1, "b/#", Qos.AT_LEAST_ONCE); // says something within 250 ms of CONNACK
            Thread.sleep(500);
            assertThat(asleep()).isZero();
            c.send(Pingreq.INSTANCE); // the period since CONNACK had a SUBSCRIBE: stays awake
            c.receive(Pingresp.class);
            Thread.sleep(300);
            assertThat(asleep()).isZero();
            c.send(Pingreq.INSTANCE); // nothing but this ping since the last one: sleeps
            c.receive(Pingresp.class);
            awaitAsleep(1);
        }
    }

    @Test
    void sleepingSubscriber_getsQos0To2_qos1InOrder() throws Exception {
        Mqtt3BlockingClient sub = hive("sleeper", false);
        sub.subscribeWith().topicFilter("s/#").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.connectWith().cleanSession(false).send(); // the session keeps the subscription: nothing to say
            awaitAsleep(1);

            Mqtt3BlockingClient pub = hive("waker", true);
            pub.publishWith().topic("s/1").qos(MqttQos.AT_LEAST_ONCE).payload("one".getBytes()).send();
            pub.publishWith().topic("s/2").qos(MqttQos.AT_MOST_ONCE).payload("two".getBytes()).send();
            pub.publishWith().topic("s/3").qos(MqttQos.EXACTLY_ONCE).payload("three".getBytes()).send();

            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(text(receive(publishes)));
            }
            // the HiveMQ client hands QoS 0 messages on apart from QoS 1 ones: order holds per QoS
            assertThat(got).containsExactlyInAnyOrder("one", "two", "three");
            assertThat(got.indexOf("one")).isLessThan(got.indexOf("three"));
        }
    }

    @Test
    void sleepingPahoClient_publishes_andGetsItsAcknowledgement() throws Exception {
        Mqtt3BlockingClient sub = hive("listener", true);
        sub.subscribeWith().topicFilter("p/#").qos(MqttQos.AT_LEAST_ONCE).send();
        org.eclipse.paho.client.mqttv3.MqttClient paho = new org.eclipse.paho.client.mqttv3.MqttClient(
                broker.tcpUrl(), "paho-sleeper", new MemoryPersistence());
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            paho.connect(options);
            awaitAsleep(1);
            paho.publish("p/1", "woken".getBytes(StandardCharsets.UTF_8), 1, false); // returns on PUBACK
            assertThat(text(receive(publishes))).isEqualTo("woken");
            paho.publish("p/2", "again".getBytes(StandardCharsets.UTF_8), 2, false); // PUBREC, PUBREL, PUBCOMP
            assertThat(text(receive(publishes))).isEqualTo("again");
            paho.disconnect();
        } finally {
            paho.close();
        }
    }

    @Test
    void sleepingClient_silentPastItsKeepAlive_isClosed_andItsWillGoesOut() throws Exception {
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = willWatcher();
             RawClient c = new RawClient(broker.port())) {
            c.connect(connect(MqttVersion.MQTT_3_1_1, "mute", 2, will("will/mute", "timed out")));
            awaitAsleep(1);
            c.assertClosedWithin(Duration.ofSeconds(6)); // 1.5 keep-alive periods without a ping
            assertThat(text(receive(publishes))).isEqualTo("timed out");
            awaitAsleep(0);
        }
    }

    @Test
    void sleepingClient_droppingItsSocket_hasItsWillPublished() throws Exception {
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = willWatcher()) {
            RawClient c = new RawClient(broker.port());
            c.connect(connect(MqttVersion.MQTT_3_1_1, "crashy", 60, will("will/crashy", "lost")));
            awaitAsleep(1);
            c.drop();
            assertThat(text(receive(publishes))).isEqualTo("lost");
            awaitAsleep(0);
        }
    }

    @Test
    void sleepingClient_disconnectingNormally_hasItsWillDiscarded() throws Exception {
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = willWatcher();
             RawClient c = new RawClient(broker.port())) {
            c.connect(connect(MqttVersion.MQTT_3_1_1, "polite", 60, will("will/polite", "must not appear")));
            awaitAsleep(1);
            c.send(new Disconnect(ReasonCode.SUCCESS, Properties.EMPTY));
            c.assertClosedWithin(Duration.ofSeconds(5));
            assertThat(publishes.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
            assertThat(broker.broker.context().sessions().size()).as("only the subscriber's session").isEqualTo(1);
        }
    }

    @Test
    void takeoverOfASleepingV5Connection_tellsTheOldClientWhy() throws Exception {
        try (RawClient old = new RawClient(broker.port(), MqttVersion.MQTT_5);
             RawClient fresh = new RawClient(broker.port(), MqttVersion.MQTT_5)) {
            old.connect(connect(MqttVersion.MQTT_5, "twin", 60, null));
            awaitAsleep(2); // the old connection, and the fresh socket waiting for its CONNECT
            fresh.connect(connect(MqttVersion.MQTT_5, "twin", 60, null));
            Disconnect why = old.receive(Disconnect.class);
            assertThat(why.reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER); // [MQTT-3.1.4-3]
            old.assertClosedWithin(Duration.ofSeconds(5));
            fresh.send(Pingreq.INSTANCE);
            fresh.receive(Pingresp.class);
        }
    }

    @Test
    void brokerStop_closesSleepingConnections() throws Exception {
        try (RawClient c = new RawClient(broker.port())) {
            c.connect("sleeper", true);
            awaitAsleep(1);
            broker.close();
            c.assertClosedWithin(Duration.ofSeconds(5));
        }
    }

    @Test
    void sleepIdleConnectionsOff_keepsEveryChannel() throws Exception {
        broker.close();
        broker = TestBroker.start(b -> b.sleepIdleConnections(false));
        try (RawClient c = new RawClient(broker.port())) {
            c.connect("awake", true);
            Thread.sleep(600); // more than the first look after CONNACK
            c.send(Pingreq.INSTANCE);
            c.receive(Pingresp.class);
            Thread.sleep(300);
            c.send(Pingreq.INSTANCE); // a quiet keep-alive period
            c.receive(Pingresp.class);
            Thread.sleep(300);
            assertThat(asleep()).isZero();
        }
    }
}
