package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The broker against the HiveMQ MQTT client (MQTT 3.1.1). */
class HiveMqIT {
    private TestBroker broker;
    private final List<Mqtt3BlockingClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        for (Mqtt3BlockingClient c : clients) {
            try {
                c.disconnect();
            } catch (com.hivemq.client.mqtt.exceptions.MqttClientStateException alreadyGone) {
                // taken over or dropped by the test itself: nothing to disconnect
            }
        }
        broker.close();
    }

    private Mqtt3BlockingClient client(String id) {
        Mqtt3BlockingClient c = MqttClient.builder().useMqttVersion3().identifier(id)
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        clients.add(c);
        return c;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Mqtt3Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static Mqtt3Publish receive(Mqtt3BlockingClient.Mqtt3Publishes publishes) throws InterruptedException {
        Optional<Mqtt3Publish> p = publishes.receive(5, TimeUnit.SECONDS);
        assertThat(p).as("a message within 5 s").isPresent();
        return p.get();
    }

    @Test
    void exactlyOnce_manyMessages_eachDeliveredOnceInOrder() throws Exception {
        Mqtt3BlockingClient sub = client("h-sub");
        sub.connect();
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("h/#").qos(MqttQos.EXACTLY_ONCE).send();
            Mqtt3BlockingClient pub = client("h-pub");
            pub.connect();
            for (int i = 0; i < 200; i++) {
                pub.publishWith().topic("h/seq").qos(MqttQos.EXACTLY_ONCE).payload(text("m" + i)).send();
            }
            for (int i = 0; i < 200; i++) {
                Mqtt3Publish p = receive(publishes);
                assertThat(text(p)).isEqualTo("m" + i);
                assertThat(p.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
            }
            assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
        }
    }

    @Test
    void retained_wildcardSubscribe_receivesWithRetainFlag() throws Exception {
        Mqtt3BlockingClient pub = client("h-pub");
        pub.connect();
        pub.publishWith().topic("fleet/truck1/pos").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(text("52,13"))
                .send();
        Mqtt3BlockingClient sub = client("h-sub");
        sub.connect();
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("fleet/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt3Publish p = receive(publishes);
            assertThat(p.isRetain()).isTrue();
            assertThat(p.getTopic().toString()).isEqualTo("fleet/truck1/pos");
            assertThat(text(p)).isEqualTo("52,13");
        }
    }

    @Test
    void persistentSession_resumed_sessionPresentAndQueuedMessages() throws Exception {
        Mqtt3BlockingClient sub = client("h-persistent");
        Mqtt3ConnAck first = sub.connectWith().cleanSession(false).send();
        assertThat(first.isSessionPresent()).isFalse();
        sub.subscribeWith().topicFilter("queue/me").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();

        Mqtt3BlockingClient pub = client("h-pub");
        pub.connect();
        for (int i = 0; i < 10; i++) {
            pub.publishWith().topic("queue/me").qos(MqttQos.AT_LEAST_ONCE).payload(text("q" + i)).send();
        }

        Mqtt3BlockingClient again = client("h-persistent");
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = again.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt3ConnAck second = again.connectWith().cleanSession(false).send();
            assertThat(second.isSessionPresent()).isTrue();
            for (int i = 0; i < 10; i++) {
                assertThat(text(receive(publishes))).isEqualTo("q" + i);
            }
        }
    }

    @Test
    void will_connectionDroppedByTakeover_willPublished() throws Exception {
        Mqtt3BlockingClient watcher = client("h-watcher");
        watcher.connect();
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("lwt/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt3BlockingClient withWill = client("h-will");
            withWill.connectWith().willPublish().topic("lwt/h-will").payload(text("bye")).qos(MqttQos.AT_LEAST_ONCE)
                    .applyWillPublish().send();
            Mqtt3BlockingClient replacement = client("h-will");
            replacement.connect();
            Mqtt3Publish will = receive(publishes);
            assertThat(text(will)).isEqualTo("bye");
        }
    }
}
