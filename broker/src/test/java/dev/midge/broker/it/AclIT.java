package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** acl_file enforced on PUBLISH, SUBSCRIBE, every delivery, retained messages, wills and reload. */
class AclIT {
    private static final String ACL = """
            # anonymous clients may only read public/
            topic read public/#

            user alice
            topic readwrite room/#
            topic deny room/secret/#
            topic read $SYS/#

            user bob
            topic read room/#
            topic read jobs/#
            topic deny jobs/secret/+

            user carol
            topic #

            pattern readwrite clients/%c/#
            """;

    @TempDir
    Path dir;
    private Path aclFile;
    private TestBroker broker;
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        aclFile = dir.resolve("acl");
        Files.writeString(aclFile, ACL);
        broker = TestBroker.start(b -> b.allowAnonymous(true).aclFile(aclFile));
    }

    @AfterEach
    void stop() {
        for (Mqtt5BlockingClient c : clients) {
            try {
                c.disconnect();
            } catch (com.hivemq.client.mqtt.exceptions.MqttClientStateException alreadyGone) {
                // closed by the broker or the test: nothing to disconnect
            }
        }
        broker.close();
    }

    private Mqtt5BlockingClient connect(String id, String user) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        clients.add(c);
        if (user == null) {
            c.connect();
        } else {
            c.connectWith().simpleAuth().username(user).applySimpleAuth().send();
        }
        return c;
    }

    private static Mqtt5SubAckReasonCode subscribe(Mqtt5BlockingClient c, String filter) {
        try {
            return c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes().get(0);
        } catch (Mqtt5SubAckException e) { // the HiveMQ client throws when every code is an error
            return e.getMqttMessage().getReasonCodes().get(0);
        }
    }

    private static void publish(Mqtt5BlockingClient c, String topic, String payload, boolean retain) {
        c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
    }

    /** Every message that arrives within {@code millis}, as topic=payload. */
    private static List<String> drain(Mqtt5BlockingClient.Mqtt5Publishes in, long millis) throws Exception {
        List<String> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            Optional<Mqtt5Publish> p = in.receive(Math.max(left, 1), TimeUnit.MILLISECONDS);
            if (p.isEmpty()) {
                return got;
            }
            got.add(p.get().getTopic() + "=" + new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void publish_deniedTopic_isPubackNotAuthorized_andNotDelivered() throws Exception {
        Mqtt5BlockingClient carol = connect("carol", "carol");
        try (var in = carol.publishes(MqttGlobalPublishFilter.ALL)) {
            subscribe(carol, "#");
            Mqtt5BlockingClient alice = connect("alice", "alice");
            publish(alice, "room/a", "ok", false);
            Throwable denied = null;
            try {
                publish(alice, "room/secret/x", "no", false);
            } catch (Mqtt5PubAckException e) {
                denied = e;
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            }
            assertThat(denied).as("PUBACK 0x87 for room/secret/x").isNotNull();
            assertThat(drain(in, 500)).containsExactly("room/a=ok");
        }
    }

    @Test
    void subscribe_refusedWhereNoReadCouldBeGranted_orADenyCoversIt() {
        Mqtt5BlockingClient alice = connect("alice", "alice");
        assertThat(subscribe(alice, "room/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subscribe(alice, "room/secret/#")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(subscribe(alice, "other/#")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(subscribe(alice, "$SYS/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        Mqtt5BlockingClient bob = connect("bob", "bob");
        assertThat(subscribe(bob, "$SYS/#")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(subscribe(bob, "#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subscribe(bob, "+/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subscribe(bob, "$share/g/jobs/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subscribe(bob, "$share/g/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subscribe(bob, "$share/g/jobs/secret/+")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        Mqtt5BlockingClient anonymous = connect("anon", null);
        assertThat(subscribe(anonymous, "public/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subscribe(anonymous, "#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subscribe(anonymous, "room/#")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void mqtt311_refusedSubscription_isSuback0x80() throws Exception {
        var paho = new org.eclipse.paho.client.mqttv3.MqttClient(broker.tcpUrl(), "paho-acl", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName("alice");
        paho.connect(o);
        int[] granted = paho.subscribeWithResponse(new String[] {"room/#", "room/secret/#"}, new int[] {1, 1})
                .getGrantedQos();
        assertThat(granted).containsExactly(1, 0x80);
        paho.disconnect();
        paho.close();
    }

    @Test
    void eachDelivery_isCheckedAgainstTheReceiversReadRight() throws Exception {
        Mqtt5BlockingClient bob = connect("bob", "bob");
        Mqtt5BlockingClient anon = connect("anon", null);
        try (var bobIn = bob.publishes(MqttGlobalPublishFilter.ALL);
             var anonIn = anon.publishes(MqttGlobalPublishFilter.ALL)) {
            subscribe(bob, "#");
            subscribe(anon, "#");
            Mqtt5BlockingClient carol = connect("carol", "carol");
            for (String t : new String[] {"room/a", "jobs/secret/1", "jobs/open/1", "public/news", "private/x"}) {
                publish(carol, t, "m", false);
            }
            assertThat(drain(bobIn, 700)).containsExactly("room/a=m", "jobs/open/1=m");
            assertThat(drain(anonIn, 100)).containsExactly("public/news=m");
        }
    }

    @Test
    void retainedMessages_followTheReadRightToo() throws Exception {
        Mqtt5BlockingClient carol = connect("carol", "carol");
        publish(carol, "room/open", "r1", true);
        publish(carol, "room/secret/plan", "r2", true);
        Mqtt5BlockingClient alice = connect("alice", "alice");
        try (var in = alice.publishes(MqttGlobalPublishFilter.ALL)) {
            subscribe(alice, "room/#");
            assertThat(drain(in, 700)).containsExactly("room/open=r1");
        }
    }

    @Test
    void will_toATopicTheClientMayNotWrite_isRefusedAtConnect() {
        Mqtt5BlockingClient bob = MqttClient.builder().useMqttVersion5().identifier("bob-will")
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        try {
            bob.connectWith().simpleAuth().username("bob").applySimpleAuth()
                    .willPublish().topic("room/bob-gone").payload(new byte[] {1}).applyWillPublish().send();
            throw new AssertionError("CONNECT with a forbidden will was accepted");
        } catch (Mqtt5ConnAckException e) {
            assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void will_isNotPublishedWhenTheRightIsRevokedBeforeItFires() throws Exception {
        Mqtt5BlockingClient carol = connect("carol", "carol");
        try (var in = carol.publishes(MqttGlobalPublishFilter.ALL)) {
            subscribe(carol, "room/#");
            RawClient alice = new RawClient(broker.port(), dev.midge.codec.packet.MqttVersion.MQTT_5);
            alice.connect(new dev.midge.codec.packet.Connect(dev.midge.codec.packet.MqttVersion.MQTT_5, "alice-raw",
                    true, 60, "alice", null,
                    new dev.midge.codec.packet.Will("room/alice-gone", V5.text("bye"),
                            dev.midge.codec.packet.Qos.AT_LEAST_ONCE, false, dev.midge.codec.packet.Properties.EMPTY),
                    dev.midge.codec.packet.Properties.EMPTY));
            Files.writeString(aclFile, ACL.replace("topic readwrite room/#", "topic read room/#"));
            broker.broker.reload();
            alice.close(); // no DISCONNECT: the will would fire
            assertThat(drain(in, 700)).isEmpty();
        }
    }

    @Test
    void reload_revokesAReadRight_andTheSubscriptionStopsReceiving() throws Exception {
        Mqtt5BlockingClient bob = connect("bob", "bob");
        Mqtt5BlockingClient carol = connect("carol", "carol");
        try (var in = bob.publishes(MqttGlobalPublishFilter.ALL)) {
            subscribe(bob, "room/#");
            publish(carol, "room/a", "before", false);
            assertThat(drain(in, 500)).containsExactly("room/a=before");
            Files.writeString(aclFile, ACL.replace("topic read room/#\n", ""));
            broker.broker.reload();
            publish(carol, "room/a", "after", false);
            assertThat(drain(in, 500)).isEmpty();
            assertThat(bob.getState().isConnected()).isTrue();
        }
    }

    @Test
    void wildcardsInClientIds_neverWidenAPattern() {
        Mqtt5BlockingClient own = connect("c1", null);
        assertThat(subscribe(own, "clients/c1/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subscribe(own, "clients/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1); // reaches clients/c1/...
        for (String id : new String[] {"#", "+", "a/b"}) {
            Mqtt5BlockingClient c = connect(id, null);
            assertThat(subscribe(c, "clients/#")).as("client id %s", id).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
            assertThat(subscribe(c, "clients/+/x")).as("client id %s", id)
                    .isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void afterARestart_messagesForAnOfflineSession_areCheckedUnderItsStoredUserName() throws Exception {
        broker.close();
        Path data = dir.resolve("data");
        java.util.function.UnaryOperator<dev.midge.broker.config.BrokerConfig.Builder> durable =
                b -> b.allowAnonymous(true).aclFile(aclFile).persistence(true).persistenceLocation(data);
        broker = TestBroker.start(durable);
        Mqtt5BlockingClient bob = MqttClient.builder().useMqttVersion5().identifier("bob-offline")
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        bob.connectWith().cleanStart(true).sessionExpiryInterval(600).simpleAuth().username("bob").applySimpleAuth()
                .send();
        bob.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
        bob.disconnect();
        broker.close();
        broker = TestBroker.start(durable);
        Mqtt5BlockingClient carol = connect("carol", "carol");
        for (String t : new String[] {"room/a", "private/x", "jobs/secret/1", "jobs/open"}) {
            publish(carol, t, "queued", false);
        }
        Mqtt5BlockingClient back = MqttClient.builder().useMqttVersion5().identifier("bob-offline")
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        clients.add(back);
        try (var in = back.publishes(MqttGlobalPublishFilter.ALL)) {
            back.connectWith().cleanStart(false).sessionExpiryInterval(600).simpleAuth().username("bob")
                    .applySimpleAuth().send();
            assertThat(drain(in, 1000)).containsExactly("room/a=queued", "jobs/open=queued");
        }
    }

    @Test
    void sharedGroup_passesOverAMemberTheAclDeniesTheTopic() throws Exception {
        Mqtt5BlockingClient bob = connect("bob", "bob");
        Mqtt5BlockingClient carol = connect("carol", "carol");
        try (var bobIn = bob.publishes(MqttGlobalPublishFilter.ALL);
             var carolIn = carol.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(subscribe(bob, "$share/g/jobs/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            assertThat(subscribe(carol, "$share/g/jobs/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            Mqtt5BlockingClient pub = connect("pub", "carol");
            for (int i = 0; i < 4; i++) {
                publish(pub, "jobs/secret/" + i, "s", false);
            }
            assertThat(drain(carolIn, 700)).hasSize(4);
            assertThat(drain(bobIn, 100)).isEmpty();
        }
    }
}
