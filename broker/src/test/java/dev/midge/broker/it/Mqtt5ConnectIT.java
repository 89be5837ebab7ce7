package dev.midge.broker.it;

import static dev.midge.broker.it.V5.connect;
import static dev.midge.broker.it.V5.expiry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import java.io.IOException;
import java.time.Duration;
import org.awaitility.Awaitility;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MQTT 5 CONNECT / CONNACK, session expiry and the DISCONNECTs the broker sends. */
class Mqtt5ConnectIT {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(b -> b.maxInflightMessages(7).maxTopicAlias(4));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void connack_announcesLimitsAndAssignedClientId() throws IOException {
        try (RawClient c = V5.client(broker)) {
            Connack ack = c.connect(connect("", true, Properties.EMPTY));
            assertThat(ack.reasonCode()).isZero();
            Properties p = ack.properties();
            assertThat(p.string(Property.ASSIGNED_CLIENT_IDENTIFIER)).startsWith("auto-");
            assertThat(p.integer(Property.RECEIVE_MAXIMUM)).isEqualTo(7);
            assertThat(p.integer(Property.TOPIC_ALIAS_MAXIMUM)).isEqualTo(4);
            assertThat(p.integer(Property.SERVER_KEEP_ALIVE)).isNull();
            assertThat(p.integer(Property.MAXIMUM_QOS)).isNull(); // QoS 2 supported: not sent
            assertThat(p.integer(Property.RETAIN_AVAILABLE)).isEqualTo(1);
            assertThat(p.integer(Property.WILDCARD_SUBSCRIPTION_AVAILABLE)).isEqualTo(1);
            assertThat(p.integer(Property.SUBSCRIPTION_IDENTIFIER_AVAILABLE)).isEqualTo(1);
            assertThat(p.integer(Property.SHARED_SUBSCRIPTION_AVAILABLE)).isEqualTo(1);
        }
    }

    @Test
    void maxQos1_announcedGrantedAndEnforced() throws IOException {
        try (TestBroker limited = TestBroker.start(b -> b.maxQos(1));
             RawClient c = new RawClient(limited.port(), MqttVersion.MQTT_5)) {
            Connack ack = c.connect(connect("mq", true, Properties.EMPTY));
            assertThat(ack.properties().integer(Property.MAXIMUM_QOS)).isEqualTo(1);
            assertThat(c.subscribe(1, "q", Qos.EXACTLY_ONCE).reasonCodes()).containsExactly(1);
            c.send(V5.publish("q", "x", Qos.EXACTLY_ONCE, 1, Properties.EMPTY));
            assertThat(c.receive(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.QOS_NOT_SUPPORTED);
        }
    }

    @Test
    void retainUnavailable_announcedAndEnforced() throws IOException {
        try (TestBroker noRetain = TestBroker.start(b -> b.retainAvailable(false));
             RawClient c = new RawClient(noRetain.port(), MqttVersion.MQTT_5)) {
            Connack ack = c.connect(connect("nr", true, Properties.EMPTY));
            assertThat(ack.properties().integer(Property.RETAIN_AVAILABLE)).isZero();
            c.send(new Publish("r", V5.text("x"), Qos.AT_MOST_ONCE, true, false, 0, Properties.EMPTY));
            assertThat(c.receive(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.RETAIN_NOT_SUPPORTED);
        }
    }

    @Test
    void sessionExpiry_pahoV5_sessionPresentAndQueuedMessages() throws Exception {
        MqttConnectionOptions opts = new MqttConnectionOptions();
        opts.setCleanStart(false);
        opts.setSessionExpiryInterval(60L);
        MqttClient paho = new MqttClient(
                broker.tcpUrl(), "paho5-expiry", new MemoryPersistence());
        try {
            paho.connect(opts);
            paho.subscribe(new MqttSubscription[] {
                    new MqttSubscription("pq/#", 1)}).waitForCompletion(5000);
            paho.disconnect();
            try (RawClient pub = V5.client(broker)) {
                pub.connect(connect("pq-pub", true, Properties.EMPTY));
                for (int i = 1; i <= 3; i++) {
                    pub.send(V5.publish("pq/x", "m" + i, Qos.AT_LEAST_ONCE, i, Properties.EMPTY));
                    pub.receive(dev.midge.codec.packet.Puback.class);
                }
            }
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            paho.setCallback(new MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse r) {
                }

                @Override
                public void mqttErrorOccurred(MqttException e) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage m) {
                    got.add(new String(m.getPayload()));
                }

                @Override
                public void deliveryComplete(IMqttToken token) {
                }

                @Override
                public void connectComplete(boolean reconnect, String uri) {
                }

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties p) {
                }
            });
            IMqttToken token = paho.connectWithResult(opts);
            assertThat(token.getSessionPresent()).isTrue();
            for (int i = 1; i <= 3; i++) {
                assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("m" + i);
            }
        } finally {
            if (paho.isConnected()) {
                paho.disconnect();
            }
            paho.close();
        }
    }

    @Test
    void connack_serverKeepAlive_whenMaxKeepaliveLowersIt() throws IOException {
        try (TestBroker strict = TestBroker.start(b -> b.maxKeepalive(30));
             RawClient c = new RawClient(strict.port(), MqttVersion.MQTT_5)) {
            Connack ack = c.connect(new Connect(MqttVersion.MQTT_5, "ka", true, 300, null, null, null,
                    Properties.EMPTY));
            assertThat(ack.reasonCode()).isZero();
            assertThat(ack.properties().integer(Property.SERVER_KEEP_ALIVE)).isEqualTo(30);
        }
    }

    @Test
    void connect_anonymousRefused_notAuthorizedWithReasonString() throws IOException {
        try (TestBroker closed = TestBroker.start(b -> b.allowAnonymous(false));
             RawClient c = new RawClient(closed.port(), MqttVersion.MQTT_5)) {
            Connack ack = c.connect(connect("anon", true, Properties.EMPTY));
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(ack.properties().string(Property.REASON_STRING)).contains("allow_anonymous");
        }
    }

    @Test
    void connect_unknownAuthenticationMethod_badAuthenticationMethod() throws IOException {
        try (RawClient c = V5.client(broker)) {
            Connack ack = c.connect(connect("auth", true,
                    Properties.builder().put(Property.AUTHENTICATION_METHOD, "KERBEROS-9").build()));
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.BAD_AUTHENTICATION_METHOD);
            c.assertClosedWithin(Duration.ofSeconds(2));
        }
    }

    @Test
    void sessionExpiry_zero_sessionEndsAtDisconnect() throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("exp0", false, Properties.EMPTY));
            c.subscribe(1, "e0", Qos.AT_LEAST_ONCE);
            c.send(Disconnect.NORMAL);
        }
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> broker.broker.context().sessions().size() == 0);
        try (RawClient c = V5.client(broker)) {
            assertThat(c.connect(connect("exp0", false, Properties.EMPTY)).sessionPresent()).isFalse();
        }
    }

    @Test
    void sessionExpiry_interval_sessionKeptThenExpires() throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("exp2", true, expiry(2)));
            c.subscribe(1, "e2", Qos.AT_LEAST_ONCE);
            c.send(Disconnect.NORMAL);
        }
        try (RawClient c = V5.client(broker)) {
            assertThat(c.connect(connect("exp2", false, expiry(1))).sessionPresent()).isTrue();
            c.send(Disconnect.NORMAL);
        }
        Awaitility.await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(4))
                .until(() -> broker.broker.context().sessions().size() == 0);
        assertThat(broker.broker.context().topics().size()).isZero();
        try (RawClient c = V5.client(broker)) {
            assertThat(c.connect(connect("exp2", false, expiry(1))).sessionPresent()).isFalse();
        }
    }

    @Test
    void sessionExpiry_changedOnDisconnect() throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("expchange", true, expiry(100)));
            c.send(new Disconnect(0, expiry(0)));
        }
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> broker.broker.context().sessions().size() == 0);
    }

    @Test
    void sessionExpiry_zeroThenNonZeroOnDisconnect_protocolError() throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("expbad", true, Properties.EMPTY));
            c.send(new Disconnect(0, expiry(60)));
            Disconnect d = c.receive(Disconnect.class);
            assertThat(d.reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
            c.assertClosedWithin(Duration.ofSeconds(2));
        }
    }

    @Test
    void takeover_oldV5Client_getsDisconnectSessionTakenOver() throws IOException {
        try (RawClient first = V5.client(broker); RawClient second = V5.client(broker)) {
            first.connect(connect("twin", false, expiry(60)));
            Connack ack = second.connect(connect("twin", false, expiry(60)));
            assertThat(ack.sessionPresent()).isTrue();
            Disconnect d = first.receive(Disconnect.class);
            assertThat(d.reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
            first.assertClosedWithin(Duration.ofSeconds(2));
        }
    }

    @Test
    void keepAlive_expired_disconnectKeepAliveTimeout() throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(new Connect(MqttVersion.MQTT_5, "idle5", true, 1, null, null, null, Properties.EMPTY));
            Disconnect d = c.receive(Disconnect.class);
            assertThat(d.reasonCode()).isEqualTo(ReasonCode.KEEP_ALIVE_TIMEOUT);
        }
    }

    @Test
    void malformedPacket_afterConnect_disconnectWithReasonCode() throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("bad5", true, Properties.EMPTY));
            c.sendHex("30 04 0001 23 00"); // topic "#", no properties
            assertThat(c.receive(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
            c.assertClosedWithin(Duration.ofSeconds(2));
        }
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("bad5b", true, Properties.EMPTY));
            c.sendHex("62 04 0001 00 05"); // PUBREL whose property length runs past the packet
            assertThat(c.receive(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET);
        }
    }

    @Test
    void subscriptionIdentifierFromClient_protocolError() throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("subid", true, Properties.EMPTY));
            c.send(V5.publish("t", "x", Qos.AT_MOST_ONCE, 0,
                    Properties.builder().subscriptionIdentifier(3).build()));
            assertThat(c.receive(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void v3AndV5Clients_exchangeMessages_propertiesDroppedFor311() throws IOException {
        try (RawClient v3 = new RawClient(broker.port()); RawClient v5 = V5.client(broker)) {
            v3.connect("old", true);
            v3.subscribe(1, "mix/#", Qos.AT_LEAST_ONCE);
            v5.connect(connect("new", true, Properties.EMPTY));
            v5.subscribe(1, "mix/#", Qos.AT_LEAST_ONCE);
            v5.send(V5.publish("mix/a", "from5", Qos.AT_MOST_ONCE, 0,
                    Properties.builder().put(Property.CONTENT_TYPE, "text/plain").userProperty("k", "v").build()));
            Publish at3 = v3.receive(Publish.class);
            assertThat(V5.text(at3)).isEqualTo("from5");
            assertThat(at3.properties().isEmpty()).isTrue();
            Publish at5 = v5.receive(Publish.class);
            assertThat(at5.properties().string(Property.CONTENT_TYPE)).isEqualTo("text/plain");
            v3.send(Publish.of("mix/b", V5.text("from3"), Qos.AT_MOST_ONCE, false));
            assertThat(V5.text(v5.receive(Publish.class))).isEqualTo("from3");
        }
    }
}
