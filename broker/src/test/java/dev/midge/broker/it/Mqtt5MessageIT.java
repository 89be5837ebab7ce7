package dev.midge.broker.it;

import static dev.midge.broker.it.V5.connect;
import static dev.midge.broker.it.V5.expiry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Pubrec;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.UserProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MQTT 5 message properties: expiry, request/response pass-through, payload format, reason codes. */
class Mqtt5MessageIT {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void messageExpiry_forwardedAsRemainingInterval() throws Exception {
        try (RawClient sub = V5.client(broker); RawClient pub = V5.client(broker)) {
            sub.connect(connect("exp-sub", true, expiry(60)));
            sub.subscribe(1, "mx", Qos.AT_LEAST_ONCE);
            sub.send(Disconnect.NORMAL);
            sub.assertClosedWithin(Duration.ofSeconds(2)); // offline before anything is published
            pub.connect(connect("exp-pub", true, Properties.EMPTY));
            pub.send(V5.publish("mx", "lives", Qos.AT_LEAST_ONCE, 1,
                    Properties.builder().put(Property.MESSAGE_EXPIRY_INTERVAL, 30L).build()));
            pub.receive(Puback.class);
            Thread.sleep(1100);
            try (RawClient back = V5.client(broker)) {
                back.connect(connect("exp-sub", false, expiry(60)));
                Publish p = back.receive(Publish.class);
                // [MQTT-3.3.2-6] the interval less the time it waited
                assertThat(p.properties().fourByte(Property.MESSAGE_EXPIRY_INTERVAL)).isBetween(27L, 29L);
            }
        }
    }

    @Test
    void messageExpiry_queuedMessageExpires_notDelivered() throws Exception {
        try (RawClient sub = V5.client(broker); RawClient pub = V5.client(broker)) {
            sub.connect(connect("exp-sub2", true, expiry(60)));
            sub.subscribe(1, "mx2", Qos.AT_LEAST_ONCE);
            sub.send(Disconnect.NORMAL);
            sub.assertClosedWithin(Duration.ofSeconds(2)); // offline before anything is published
            pub.connect(connect("exp-pub2", true, Properties.EMPTY));
            pub.send(V5.publish("mx2", "short-lived", Qos.AT_LEAST_ONCE, 1,
                    Properties.builder().put(Property.MESSAGE_EXPIRY_INTERVAL, 1L).build()));
            pub.send(V5.publish("mx2", "durable", Qos.AT_LEAST_ONCE, 2, Properties.EMPTY));
            pub.receive(Puback.class);
            pub.receive(Puback.class);
            Thread.sleep(1500);
            try (RawClient back = V5.client(broker)) {
                back.connect(connect("exp-sub2", false, expiry(60)));
                assertThat(V5.text(back.receive(Publish.class))).isEqualTo("durable");
                back.assertNothingFor(Duration.ofMillis(300));
            }
        }
    }

    @Test
    void retainedMessage_expires() throws Exception {
        try (RawClient pub = V5.client(broker)) {
            pub.connect(connect("ret-exp", true, Properties.EMPTY));
            pub.send(new Publish("rx", V5.text("soon gone"), Qos.AT_MOST_ONCE, true, false, 0,
                    Properties.builder().put(Property.MESSAGE_EXPIRY_INTERVAL, 1L).build()));
            Thread.sleep(1300);
            try (RawClient sub = V5.client(broker)) {
                sub.connect(connect("ret-exp-sub", true, Properties.EMPTY));
                sub.subscribe(1, "rx", Qos.AT_MOST_ONCE);
                sub.assertNothingFor(Duration.ofMillis(300));
            }
        }
    }

    @Test
    void ack_noMatchingSubscribers_0x10() throws IOException {
        try (RawClient pub = V5.client(broker)) {
            pub.connect(connect("lonely", true, Properties.EMPTY));
            pub.send(V5.publish("nobody/listens", "x", Qos.AT_LEAST_ONCE, 1, Properties.EMPTY));
            Puback ack = pub.receive(Puback.class);
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
            // request problem information defaults to 1, but the broker adds no reason string here
            assertThat(ack.properties().isEmpty()).isTrue();
            pub.send(V5.publish("nobody/listens", "x", Qos.EXACTLY_ONCE, 2, Properties.EMPTY));
            assertThat(pub.receive(Pubrec.class).reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
        }
    }

    @Test
    void payloadFormatUtf8_invalidPayload_0x99() throws IOException {
        try (RawClient sub = V5.client(broker); RawClient pub = V5.client(broker)) {
            sub.connect(connect("fmt-sub", true, Properties.EMPTY));
            sub.subscribe(1, "fmt", Qos.AT_MOST_ONCE);
            pub.connect(connect("fmt-pub", true, Properties.EMPTY));
            Properties utf8 = Properties.builder().put(Property.PAYLOAD_FORMAT_INDICATOR, 1).build();
            pub.send(new Publish("fmt", new byte[] {(byte) 0xC3, 0x28}, Qos.AT_LEAST_ONCE, false, false, 1, utf8));
            assertThat(pub.receive(Puback.class).reasonCode()).isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
            sub.assertNothingFor(Duration.ofMillis(300));
            pub.send(new Publish("fmt", new byte[] {(byte) 0xC3, 0x28}, Qos.AT_MOST_ONCE, false, false, 0, utf8));
            assertThat(pub.receive(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
        }
    }

    @Test
    void userPropertiesAndContentType_passThroughInOrder() throws IOException {
        try (RawClient sub = V5.client(broker); RawClient pub = V5.client(broker)) {
            sub.connect(connect("up-sub", true, Properties.EMPTY));
            sub.subscribe(1, "up", Qos.AT_MOST_ONCE);
            pub.connect(connect("up-pub", true, Properties.EMPTY));
            Properties props = Properties.builder().put(Property.CONTENT_TYPE, "text/csv")
                    .userProperty("b", "2").userProperty("a", "1").userProperty("b", "3").build();
            pub.send(V5.publish("up", "x,y", Qos.AT_MOST_ONCE, 0, props));
            Publish p = sub.receive(Publish.class);
            assertThat(p.properties().string(Property.CONTENT_TYPE)).isEqualTo("text/csv");
            assertThat(p.properties().userProperties()).containsExactly(
                    new UserProperty("b", "2"), new UserProperty("a", "1"), new UserProperty("b", "3"));
        }
    }

    @Test
    void requestResponse_responseTopicAndCorrelationData_paho() throws Exception {
        MqttClient responder = new MqttClient(broker.tcpUrl(), "responder", new MemoryPersistence());
        MqttClient requester = new MqttClient(broker.tcpUrl(), "requester", new MemoryPersistence());
        try {
            responder.connect(new MqttConnectionOptions());
            requester.connect(new MqttConnectionOptions());
            // Paho mqttv5 1.2.5's subscribe(String, int, listener) recurses forever; the array form works.
            IMqttMessageListener serve = (topic, request) -> {
                MqttProperties reply = new MqttProperties();
                reply.setCorrelationData(request.getProperties().getCorrelationData());
                MqttMessage answer = new MqttMessage("12:00".getBytes(StandardCharsets.UTF_8), 1, false, reply);
                new Thread(() -> {
                    try {
                        responder.publish(request.getProperties().getResponseTopic(), answer);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).start();
            };
            responder.subscribe(new MqttSubscription[] {new MqttSubscription("service/time", 1)},
                    new IMqttMessageListener[] {serve}).waitForCompletion(5000);
            CompletableFuture<MqttMessage> response = new CompletableFuture<>();
            IMqttToken t = requester.subscribe(new MqttSubscription[] {new MqttSubscription("replies/requester", 1)},
                    new IMqttMessageListener[] {(topic, m) -> response.complete(m)});
            t.waitForCompletion(5000);
            MqttProperties props = new MqttProperties();
            props.setResponseTopic("replies/requester");
            props.setCorrelationData(new byte[] {1, 2, 3});
            requester.publish("service/time", new MqttMessage("now?".getBytes(StandardCharsets.UTF_8), 1, false,
                    props));
            MqttMessage answer = response.get(5, TimeUnit.SECONDS);
            assertThat(new String(answer.getPayload(), StandardCharsets.UTF_8)).isEqualTo("12:00");
            assertThat(answer.getProperties().getCorrelationData()).containsExactly(1, 2, 3);
        } finally {
            for (MqttClient c : List.of(responder, requester)) {
                if (c.isConnected()) {
                    c.disconnect();
                }
                c.close();
            }
        }
    }

    @Test
    void noLocalAndProblemInformationOff_stillExchange() throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("np", true, Properties.builder().put(Property.REQUEST_PROBLEM_INFORMATION, 0).build()));
            c.send(new dev.midge.codec.packet.Subscribe(1, List.of(
                    new dev.midge.codec.packet.Subscription("self", Qos.AT_MOST_ONCE, true, false, 0)),
                    Properties.EMPTY));
            MqttPacket suback = c.receive();
            assertThat(suback).isInstanceOf(dev.midge.codec.packet.Suback.class);
            c.send(V5.publish("self", "echo?", Qos.AT_MOST_ONCE, 0, Properties.EMPTY));
            // [MQTT-3.8.3-3] no local: not sent back to the publisher
            c.assertNothingFor(Duration.ofMillis(300));
        }
    }
}
