package dev.midge.broker.it;

import static dev.midge.broker.it.V5.connect;
import static dev.midge.broker.it.V5.expiry;
import static dev.midge.broker.it.V5.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Will;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MQTT 5 wills: delay interval, properties passed on, DISCONNECT with will (0x04). */
class Mqtt5WillIT {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static Will will(String topic, long delay) {
        Properties.Builder b = Properties.builder();
        if (delay > 0) {
            b.put(Property.WILL_DELAY_INTERVAL, delay);
        }
        return new Will(topic, text("gone"), Qos.AT_LEAST_ONCE, false, b.build());
    }

    private RawClient watcher(String filter) throws IOException {
        RawClient w = V5.client(broker);
        w.connect(connect("watcher", true, Properties.EMPTY));
        w.subscribe(1, filter, Qos.AT_MOST_ONCE);
        return w;
    }

    @Test
    void willDelay_clientReturnsInTime_willNotPublished() throws IOException {
        try (RawClient w = watcher("wd/#")) {
            RawClient c = V5.client(broker);
            c.connect(connect("delayed", true, expiry(60), will("wd/delayed", 2)));
            c.drop();
            try (RawClient back = V5.client(broker)) {
                assertThat(back.connect(connect("delayed", false, expiry(60))).sessionPresent()).isTrue();
                w.assertNothingFor(Duration.ofMillis(2800));
            }
        }
    }

    @Test
    void willDelay_elapsed_willPublishedAfterDelay() throws IOException {
        try (RawClient w = watcher("wd/#")) {
            RawClient c = V5.client(broker);
            c.connect(connect("late", true, expiry(60), will("wd/late", 1)));
            long dropped = System.nanoTime();
            c.drop();
            Publish p = w.receive(Publish.class);
            assertThat(p.topic()).isEqualTo("wd/late");
            assertThat((System.nanoTime() - dropped) / 1_000_000).isGreaterThanOrEqualTo(900);
            assertThat(p.properties().fourByte(Property.WILL_DELAY_INTERVAL)).isNull();
        }
    }

    @Test
    void willDelay_sessionExpiryZero_willPublishedAtOnce() throws IOException {
        try (RawClient w = watcher("wd/#")) {
            RawClient c = V5.client(broker);
            c.connect(connect("nodelay", true, Properties.EMPTY, will("wd/nodelay", 30)));
            c.drop();
            // [MQTT-3.1.2-8] the session ends with the connection, and the will goes out with it
            Publish p = w.receive(Publish.class);
            assertThat(p.topic()).isEqualTo("wd/nodelay");
        }
    }

    @Test
    void willDelay_longerThanSessionExpiry_publishedWhenSessionEnds() throws IOException {
        try (RawClient w = watcher("wd/#")) {
            RawClient c = V5.client(broker);
            c.connect(connect("short", true, expiry(1), will("wd/short", 30)));
            c.drop();
            Publish p = w.receive(Publish.class);
            assertThat(p.topic()).isEqualTo("wd/short");
        }
    }

    @Test
    void disconnectWithWill_0x04_publishesWill() throws IOException {
        try (RawClient w = watcher("ww/#")) {
            try (RawClient c = V5.client(broker)) {
                c.connect(connect("withwill", true, Properties.EMPTY, will("ww/x", 0)));
                c.send(new Disconnect(ReasonCode.DISCONNECT_WITH_WILL, Properties.EMPTY));
                c.assertClosedWithin(Duration.ofSeconds(2));
            }
            assertThat(w.receive(Publish.class).topic()).isEqualTo("ww/x");
        }
    }

    @Test
    void willProperties_passedOnToSubscribers_hivemq() throws Exception {
        Mqtt5BlockingClient sub = MqttClient.builder().useMqttVersion5().identifier("h5-watch")
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        sub.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("status/#").qos(MqttQos.AT_LEAST_ONCE).send();
            RawClient c = V5.client(broker);
            Properties props = Properties.builder()
                    .put(Property.CONTENT_TYPE, "application/json")
                    .put(Property.RESPONSE_TOPIC, "replies/dev1")
                    .put(Property.CORRELATION_DATA, new byte[] {7, 8})
                    .put(Property.PAYLOAD_FORMAT_INDICATOR, 1)
                    .put(Property.MESSAGE_EXPIRY_INTERVAL, 3600L)
                    .userProperty("site", "north").build();
            c.connect(connect("dev1", true, Properties.EMPTY,
                    new Will("status/dev1", text("{\"up\":false}"), Qos.AT_LEAST_ONCE, false, props)));
            c.drop();
            Optional<Mqtt5Publish> got = publishes.receive(5, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            Mqtt5Publish p = got.get();
            assertThat(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"up\":false}");
            assertThat(p.getContentType().map(Object::toString)).contains("application/json");
            assertThat(p.getResponseTopic().map(Object::toString)).contains("replies/dev1");
            assertThat(p.getCorrelationData().map(b -> { byte[] a = new byte[b.remaining()]; b.get(a); return a; }))
                    .hasValueSatisfying(a -> assertThat(a).containsExactly(7, 8));
            assertThat(p.getMessageExpiryInterval().getAsLong()).isBetween(3590L, 3600L);
            assertThat(p.getUserProperties().asList()).hasSize(1);
            assertThat(p.getUserProperties().asList().get(0).getName().toString()).isEqualTo("site");
        } finally {
            sub.disconnect();
        }
    }
}
