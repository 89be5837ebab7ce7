package dev.midge.broker.it;

import static dev.midge.broker.it.V5.connect;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Subscription options (spec 3.8.3.1) and subscription identifiers (3.8.2.1.2). */
class Mqtt5SubscriptionOptionsIT {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static Suback subscribe(RawClient c, int id, Properties props, Subscription... subs) throws IOException {
        c.send(new Subscribe(id, List.of(subs), props));
        return c.receive(Suback.class);
    }

    private static Properties subId(int id) {
        return Properties.builder().subscriptionIdentifier(id).build();
    }

    private void retain(String topic, String payload) throws IOException {
        try (RawClient p = V5.client(broker)) {
            p.connect(connect("retainer", true, Properties.EMPTY));
            p.send(new Publish(topic, V5.text(payload), Qos.AT_MOST_ONCE, true, false, 0, Properties.EMPTY));
            p.send(dev.midge.codec.packet.Disconnect.NORMAL);
            p.assertClosedWithin(Duration.ofSeconds(2));
        }
    }

    @Test
    void overlappingSubscriptions_oneCopyWithEveryIdentifier() throws IOException {
        try (RawClient c = V5.client(broker); RawClient pub = V5.client(broker)) {
            c.connect(connect("ids", true, Properties.EMPTY));
            subscribe(c, 1, subId(11), Subscription.of("s/#", Qos.AT_MOST_ONCE));
            subscribe(c, 2, subId(22), Subscription.of("s/+", Qos.AT_LEAST_ONCE));
            subscribe(c, 3, Properties.EMPTY, Subscription.of("s/x", Qos.AT_MOST_ONCE));
            pub.connect(connect("ids-pub", true, Properties.EMPTY));
            pub.send(V5.publish("s/x", "m", Qos.AT_LEAST_ONCE, 1, Properties.EMPTY));
            Publish p = c.receive(Publish.class);
            assertThat(p.qos()).isEqualTo(Qos.AT_LEAST_ONCE);
            assertThat(p.properties().subscriptionIdentifiers()).containsExactlyInAnyOrder(11, 22);
            c.assertNothingFor(Duration.ofMillis(300));
        }
    }

    @Test
    void retainAsPublished_keepsRetainFlagOnLiveForwarding() throws IOException {
        try (RawClient rap = V5.client(broker); RawClient plain = V5.client(broker); RawClient pub = V5.client(broker)) {
            rap.connect(connect("rap", true, Properties.EMPTY));
            subscribe(rap, 1, Properties.EMPTY, new Subscription("r/1", Qos.AT_MOST_ONCE, false, true, 2));
            plain.connect(connect("plain", true, Properties.EMPTY));
            subscribe(plain, 1, Properties.EMPTY, new Subscription("r/1", Qos.AT_MOST_ONCE, false, false, 2));
            pub.connect(connect("rap-pub", true, Properties.EMPTY));
            pub.send(new Publish("r/1", V5.text("v"), Qos.AT_MOST_ONCE, true, false, 0, Properties.EMPTY));
            assertThat(rap.receive(Publish.class).retain()).isTrue();
            assertThat(plain.receive(Publish.class).retain()).isFalse();
        }
    }

    @Test
    void retainHandling_0always_1onlyNew_2never() throws IOException {
        retain("rh/a", "stored");
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("rh", true, Properties.EMPTY));
            subscribe(c, 1, Properties.EMPTY, new Subscription("rh/a", Qos.AT_MOST_ONCE, false, false, 2));
            c.assertNothingFor(Duration.ofMillis(300));
            subscribe(c, 2, Properties.EMPTY, new Subscription("rh/+", Qos.AT_MOST_ONCE, false, false, 1));
            assertThat(c.receive(Publish.class).retain()).isTrue();
            // the same filter again: it exists now, so retain handling 1 sends nothing
            subscribe(c, 3, Properties.EMPTY, new Subscription("rh/+", Qos.AT_MOST_ONCE, false, false, 1));
            c.assertNothingFor(Duration.ofMillis(300));
            subscribe(c, 4, Properties.EMPTY, new Subscription("rh/+", Qos.AT_MOST_ONCE, false, false, 0));
            assertThat(V5.text(c.receive(Publish.class))).isEqualTo("stored");
        }
    }

    @Test
    void noLocal_publisherDoesNotGetItsOwnMessages_hivemq() throws Exception {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier("h5-nolocal")
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        c.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
            c.subscribeWith().topicFilter("chat/room").noLocal(true).qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
            c.publishWith().topic("chat/room").qos(MqttQos.AT_LEAST_ONCE).payload("mine".getBytes()).send();
            assertThat(publishes.receive(400, TimeUnit.MILLISECONDS)).isEmpty();
            try (RawClient other = V5.client(broker)) {
                other.connect(connect("other", true, Properties.EMPTY));
                other.send(V5.publish("chat/room", "theirs", Qos.AT_LEAST_ONCE, 1, Properties.EMPTY));
                Optional<Mqtt5Publish> got = publishes.receive(5, TimeUnit.SECONDS);
                assertThat(got).isPresent();
                assertThat(new String(got.get().getPayloadAsBytes())).isEqualTo("theirs");
            }
        } finally {
            c.disconnect();
        }
    }

    @Test
    void subscriptionIdentifier_onRetainedMessageAtSubscribe() throws IOException {
        retain("sid/r", "kept");
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("sid", true, Properties.EMPTY));
            subscribe(c, 1, subId(5), Subscription.of("sid/#", Qos.AT_MOST_ONCE));
            assertThat(c.receive(Publish.class).properties().subscriptionIdentifiers()).containsExactly(5);
        }
    }
}
