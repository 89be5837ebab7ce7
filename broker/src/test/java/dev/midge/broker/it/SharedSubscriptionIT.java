package dev.midge.broker.it;

import static dev.midge.broker.it.V5.connect;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shared subscriptions {@code $share/{group}/{filter}} (spec 4.8.2). */
class SharedSubscriptionIT {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private RawClient member(String id, String filter, Qos qos) throws IOException {
        RawClient c = V5.client(broker);
        c.connect(connect(id, true, Properties.EMPTY));
        c.subscribe(1, filter, qos);
        return c;
    }

    private void publish(RawClient pub, String topic, String payload, Qos qos, int id) throws IOException {
        pub.send(V5.publish(topic, payload, qos, id, Properties.EMPTY));
        if (qos == Qos.AT_LEAST_ONCE) {
            pub.receive(Puback.class);
        }
    }

    @Test
    void eachMessage_toOneMember_roundRobin() throws IOException {
        try (RawClient a = member("a", "$share/workers/jobs/#", Qos.AT_MOST_ONCE);
             RawClient b = member("b", "$share/workers/jobs/#", Qos.AT_MOST_ONCE);
             RawClient plain = member("plain", "jobs/#", Qos.AT_MOST_ONCE);
             RawClient pub = member("pub", "unrelated", Qos.AT_MOST_ONCE)) {
            for (int i = 0; i < 10; i++) {
                publish(pub, "jobs/" + i, "job" + i, Qos.AT_MOST_ONCE, 0);
            }
            List<String> gotA = drain(a);
            List<String> gotB = drain(b);
            assertThat(gotA).hasSize(5);
            assertThat(gotB).hasSize(5);
            Set<String> all = new HashSet<>(gotA);
            all.addAll(gotB);
            assertThat(all).hasSize(10);
            // a plain subscription still gets every message
            assertThat(drain(plain)).hasSize(10);
        }
    }

    private static List<String> drain(RawClient c) throws IOException {
        List<String> out = new ArrayList<>();
        Publish p;
        while ((p = (Publish) c.receive(Duration.ofMillis(300))) != null) {
            out.add(V5.text(p));
        }
        return out;
    }

    @Test
    void memberLeavesWithUnacknowledgedMessages_anotherMemberGetsThem() throws IOException {
        try (RawClient pub = member("pub2", "unrelated", Qos.AT_MOST_ONCE);
             RawClient stays = member("stays", "$share/g/work", Qos.AT_LEAST_ONCE)) {
            RawClient leaves = member("leaves", "$share/g/work", Qos.AT_LEAST_ONCE);
            for (int i = 0; i < 6; i++) {
                publish(pub, "work", "w" + i, Qos.AT_LEAST_ONCE, i + 1);
            }
            List<String> atLeaver = drain(leaves); // received, never acknowledged
            List<String> atStayer = new ArrayList<>();
            Publish p;
            while ((p = (Publish) stays.receive(Duration.ofMillis(300))) != null) {
                atStayer.add(V5.text(p));
                stays.send(Puback.of(p.packetId()));
            }
            assertThat(atLeaver).isNotEmpty();
            leaves.drop();
            while ((p = (Publish) stays.receive(Duration.ofSeconds(2))) != null) {
                atStayer.add(V5.text(p));
                stays.send(Puback.of(p.packetId()));
            }
            assertThat(atStayer).containsExactlyInAnyOrder("w0", "w1", "w2", "w3", "w4", "w5");
        }
    }

    @Test
    void hivemqV5Members_shareTheLoad() throws Exception {
        List<Mqtt5BlockingClient> members = new ArrayList<>();
        List<Mqtt5BlockingClient.Mqtt5Publishes> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                var m = MqttClient.builder().useMqttVersion5().identifier("hm" + i)
                        .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
                m.connect();
                streams.add(m.publishes(MqttGlobalPublishFilter.ALL));
                m.subscribeWith().topicFilter("$share/pool/tasks").qos(
                        MqttQos.AT_LEAST_ONCE).send();
                members.add(m);
            }
            try (RawClient pub = member("hpub", "unrelated", Qos.AT_MOST_ONCE)) {
                for (int i = 0; i < 30; i++) {
                    publish(pub, "tasks", "t" + i, Qos.AT_LEAST_ONCE, i + 1);
                }
            }
            Set<String> seen = new HashSet<>();
            for (var stream : streams) {
                int count = 0;
                Optional<Mqtt5Publish> p;
                while ((p = stream.receive(300, TimeUnit.MILLISECONDS)).isPresent()) {
                    seen.add(new String(p.get().getPayloadAsBytes()));
                    count++;
                }
                assertThat(count).isEqualTo(10);
            }
            assertThat(seen).hasSize(30);
        } finally {
            streams.forEach(Mqtt5BlockingClient.Mqtt5Publishes::close);
            members.forEach(Mqtt5BlockingClient::disconnect);
        }
    }

    @Test
    void sharedSubscribe_noRetainedMessages() throws IOException {
        try (RawClient pub = member("pub3", "unrelated", Qos.AT_MOST_ONCE)) {
            pub.send(new Publish("kept", V5.text("r"), Qos.AT_MOST_ONCE, true, false, 0, Properties.EMPTY));
            try (RawClient m = member("m", "$share/g/kept", Qos.AT_MOST_ONCE)) {
                m.assertNothingFor(Duration.ofMillis(300));
            }
        }
    }

    @Test
    void malformedShareName_suback0x8F() throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("badshare", true, Properties.EMPTY));
            c.send(new Subscribe(1, List.of(Subscription.of("$share/onlygroup", Qos.AT_MOST_ONCE),
                    Subscription.of("$share//x", Qos.AT_MOST_ONCE),
                    Subscription.of("$share/ok/x", Qos.AT_LEAST_ONCE)), Properties.EMPTY));
            assertThat(c.receive(Suback.class).reasonCodes()).containsExactly(ReasonCode.TOPIC_FILTER_INVALID,
                    ReasonCode.TOPIC_FILTER_INVALID, 1);
        }
    }

    @Test
    void noLocalOnSharedSubscription_protocolError() throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("nlshare", true, Properties.EMPTY));
            c.send(new Subscribe(1, List.of(new Subscription("$share/g/x", Qos.AT_MOST_ONCE, true, false, 0)),
                    Properties.EMPTY));
            assertThat(c.receive(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void unsubscribeShared_leavesGroup() throws IOException {
        try (RawClient pub = member("pub4", "unrelated", Qos.AT_MOST_ONCE);
             RawClient a = member("ua", "$share/u/t", Qos.AT_MOST_ONCE)) {
            a.send(new dev.midge.codec.packet.Unsubscribe(2, List.of("$share/u/t"), Properties.EMPTY));
            assertThat(a.receive(dev.midge.codec.packet.Unsuback.class).reasonCodes()).containsExactly(0);
            publish(pub, "t", "x", Qos.AT_MOST_ONCE, 0);
            a.assertNothingFor(Duration.ofMillis(300));
            assertThat(broker.broker.context().topics().size()).isEqualTo(1); // pub4's own subscription
        }
    }
}
