package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The broker against Eclipse Paho's MQTT 3.1.1 client. */
class PahoIT {
    private TestBroker broker;
    private final List<MqttClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() throws MqttException {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnect(1000);
            }
            c.close(true);
        }
        broker.close();
    }

    /** A received message with what Paho reports about it. */
    record Received(String topic, String payload, int qos, boolean retained, boolean dup) {
    }

    /** A connected client and the messages it has received. */
    final class Client {
        final MqttClient mqtt;
        final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> lost = new LinkedBlockingQueue<>();
        IMqttToken connectToken;

        Client(String id, boolean clean) throws MqttException {
            mqtt = new MqttClient(broker.tcpUrl(), id, new MemoryPersistence());
            clients.add(mqtt);
            mqtt.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    lost.add(cause);
                }

                @Override
                public void messageArrived(String topic, MqttMessage m) {
                    inbox.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(),
                            m.isRetained(), m.isDuplicate()));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(clean);
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setAutomaticReconnect(false);
            // Paho counts a publish as in progress until after its token completes, so even
            // synchronous publishing can hit the default window of 10 ("Too many publishes in progress")
            o.setMaxInflight(1000);
            connectToken = mqtt.connectWithResult(o);
        }

        Received next() throws InterruptedException {
            Received r = inbox.poll(5, TimeUnit.SECONDS);
            assertThat(r).as("a message within 5 s").isNotNull();
            return r;
        }

        void assertNothingFor(Duration d) throws InterruptedException {
            assertThat(inbox.poll(d.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        }

        void publish(String topic, String payload, int qos, boolean retained) throws MqttException {
            mqtt.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
        }
    }

    @ParameterizedTest(name = "publish QoS {0}, subscribe QoS {1} -> delivered at QoS {2}")
    @CsvSource({"0,0,0", "0,2,0", "1,1,1", "1,0,0", "2,2,2", "2,1,1", "1,2,1"})
    void publish_subscribed_deliveredAtMinimumQos(int pubQos, int subQos, int expected) throws Exception {
        Client sub = new Client("sub", true);
        sub.mqtt.subscribe("a/b", subQos);
        Client pub = new Client("pub", true);
        pub.publish("a/b", "hello", pubQos, false);
        Received r = sub.next();
        assertThat(r).isEqualTo(new Received("a/b", "hello", expected, false, false));
    }

    @Test
    void wildcards_plusAndHash_match() throws Exception {
        Client sub = new Client("wild", true);
        sub.mqtt.subscribe(new String[] {"sensors/+/temp", "alerts/#"}, new int[] {1, 1});
        Client pub = new Client("pub", true);
        pub.publish("sensors/k1/temp", "21", 1, false);
        pub.publish("sensors/k1/humidity", "50", 1, false);
        pub.publish("alerts", "root", 1, false);
        pub.publish("alerts/fire/kitchen", "deep", 1, false);
        List<String> got = List.of(sub.next().payload(), sub.next().payload(), sub.next().payload());
        assertThat(got).containsExactlyInAnyOrder("21", "root", "deep");
        sub.assertNothingFor(Duration.ofMillis(300));
    }

    @Test
    void overlappingSubscriptions_oneCopyAtHighestGrantedQos() throws Exception {
        Client sub = new Client("overlap", true);
        sub.mqtt.subscribe(new String[] {"o/#", "o/+", "o/x"}, new int[] {0, 2, 1});
        Client pub = new Client("pub", true);
        pub.publish("o/x", "one", 2, false);
        assertThat(sub.next()).isEqualTo(new Received("o/x", "one", 2, false, false));
        sub.assertNothingFor(Duration.ofMillis(300));
    }

    @Test
    void resubscribe_sameFilter_replacesQos() throws Exception {
        Client sub = new Client("resub", true);
        sub.mqtt.subscribe("r", 0);
        sub.mqtt.subscribe("r", 2);
        Client pub = new Client("pub", true);
        pub.publish("r", "x", 2, false);
        assertThat(sub.next().qos()).isEqualTo(2);
        sub.assertNothingFor(Duration.ofMillis(300));
        assertThat(broker.broker.context().topics().size()).isEqualTo(1);
    }

    @Test
    void unsubscribe_stopsDelivery() throws Exception {
        Client sub = new Client("unsub", true);
        sub.mqtt.subscribe("u/#", 1);
        Client pub = new Client("pub", true);
        pub.publish("u/1", "before", 1, false);
        assertThat(sub.next().payload()).isEqualTo("before");
        sub.mqtt.unsubscribe("u/#");
        pub.publish("u/1", "after", 1, false);
        sub.assertNothingFor(Duration.ofMillis(400));
    }

    @Test
    void retained_sentOnSubscribeWithRetainFlag_forwardedLiveWithout() throws Exception {
        Client pub = new Client("pub", true);
        pub.publish("home/kitchen/temp", "20", 1, true);
        pub.publish("home/hall/temp", "18", 0, true);
        Client sub = new Client("late", true);
        sub.mqtt.subscribe("home/+/temp", 2);
        List<Received> got = List.of(sub.next(), sub.next());
        assertThat(got).containsExactlyInAnyOrder(
                new Received("home/kitchen/temp", "20", 1, true, false),
                new Received("home/hall/temp", "18", 0, true, false));
        pub.publish("home/kitchen/temp", "22", 1, true);
        assertThat(sub.next()).isEqualTo(new Received("home/kitchen/temp", "22", 1, false, false));
    }

    @Test
    void retained_replacedAndClearedByEmptyPayload() throws Exception {
        Client pub = new Client("pub", true);
        pub.publish("state", "old", 1, true);
        pub.publish("state", "new", 1, true);
        Client first = new Client("first", true);
        first.mqtt.subscribe("state", 1);
        assertThat(first.next().payload()).isEqualTo("new");
        first.assertNothingFor(Duration.ofMillis(200));
        pub.publish("state", "", 1, true);
        assertThat(first.next().payload()).isEmpty();
        Client second = new Client("second", true);
        second.mqtt.subscribe("#", 1);
        second.assertNothingFor(Duration.ofMillis(300));
        assertThat(broker.broker.context().retained().size()).isZero();
    }

    @Test
    void persistentSession_offlineMessagesDeliveredInOrderWithSessionPresent() throws Exception {
        Client sub = new Client("persistent", false);
        assertThat(sub.connectToken.getSessionPresent()).isFalse();
        sub.mqtt.subscribe("p/#", 1);
        sub.mqtt.disconnect();
        Client pub = new Client("pub", true);
        for (int i = 0; i < 50; i++) {
            pub.publish("p/" + (i % 3), "m" + i, i % 2 == 0 ? 1 : 2, false);
        }
        Client again = new Client("persistent", false);
        assertThat(again.connectToken.getSessionPresent()).isTrue();
        for (int i = 0; i < 50; i++) {
            assertThat(again.next().payload()).isEqualTo("m" + i);
        }
    }

    @Test
    void takeover_secondClientSameId_firstLosesConnection() throws Exception {
        Client first = new Client("dup-id", true);
        Client second = new Client("dup-id", true);
        assertThat(first.lost.poll(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(second.mqtt.isConnected()).isTrue();
    }

    @Test
    void systemTopics_notMatchedByLeadingWildcard() throws Exception {
        Client sub = new Client("everything", true);
        sub.mqtt.subscribe("#", 0);
        sub.mqtt.subscribe("+/x", 0);
        Client pub = new Client("pub", true);
        pub.publish("$internal/x", "hidden", 0, false);
        pub.publish("visible/x", "shown", 0, false);
        assertThat(sub.next().payload()).isEqualTo("shown");
        sub.assertNothingFor(Duration.ofMillis(300));
    }
}
