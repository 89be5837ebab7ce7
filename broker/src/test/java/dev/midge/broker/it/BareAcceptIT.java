package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.midge.broker.Broker;
import dev.midge.broker.auth.Authenticator;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.store.MemoryStore;
import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Pingreq;
import dev.midge.codec.packet.Pingresp;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.wire.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Plain TCP clients are accepted as bare sockets: a connection starts asleep, without a Netty
 * channel, and a CONNECT that comes whole in one read is answered from there. Anything else (a
 * CONNECT in pieces, more packets behind it, bytes during a CONNECT still being settled) wakes it
 * into a channel with nothing lost and nothing answered out of order.
 */
class BareAcceptIT {
    private static int asleep(Broker broker) {
        return broker.context().metrics().connectionsAsleep();
    }

    private static byte[] encode(MqttVersion version, dev.midge.codec.packet.MqttPacket... packets) {
        ByteBuf all = ByteBufAllocator.DEFAULT.buffer();
        try {
            for (var p : packets) {
                ByteBuf one = PacketEncoder.encode(p, version, ByteBufAllocator.DEFAULT);
                all.writeBytes(one);
                one.release();
            }
            return ByteBufUtil.getBytes(all);
        } finally {
            all.release();
        }
    }

    private static Connect connect(MqttVersion version, String id) {
        return new Connect(version, id, true, 60, null, null, null, Properties.EMPTY);
    }

    @Test
    void quietHiveMqClient_isAsleepFromItsConnack_andGetsWhatIsPublishedToIt() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            Mqtt5BlockingClient quiet = MqttClient.builder().useMqttVersion5().identifier("quiet")
                    .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
            quiet.connect();
            // no channel was ever built for it: asleep at once, not after the first quiet look
            assertThat(asleep(broker.broker)).isEqualTo(1);
            quiet.subscribeWith().topicFilter("to/quiet").qos(MqttQos.AT_LEAST_ONCE).send();
            try (Mqtt5BlockingClient.Mqtt5Publishes got = quiet.publishes(MqttGlobalPublishFilter.ALL)) {
                Mqtt5BlockingClient sender = MqttClient.builder().useMqttVersion5().identifier("sender")
                        .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
                sender.connect();
                sender.publishWith().topic("to/quiet").qos(MqttQos.AT_LEAST_ONCE)
                        .payload("hello".getBytes(StandardCharsets.UTF_8)).send();
                Optional<Mqtt5Publish> p = got.receive(5, TimeUnit.SECONDS);
                assertThat(p).isPresent();
                assertThat(new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
                sender.disconnect();
            }
            quiet.disconnect();
        }
    }

    @Test
    void connectInTwoWrites_isReadByAWokenChannel() throws Exception {
        try (TestBroker broker = TestBroker.start(); RawClient c = new RawClient(broker.port())) {
            byte[] bytes = encode(MqttVersion.MQTT_3_1_1, connect(MqttVersion.MQTT_3_1_1, "in-pieces"));
            c.sendBytes(java.util.Arrays.copyOfRange(bytes, 0, 5));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> asleep(broker.broker) == 0);
            c.sendBytes(java.util.Arrays.copyOfRange(bytes, 5, bytes.length));
            assertThat(c.receive(Connack.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            assertThat(c.subscribe(1, "x/y", Qos.AT_LEAST_ONCE).reasonCodes()).containsExactly(1);
        }
    }

    @Test
    void connectAndSubscribeInOneWrite_areAnsweredInOrder() throws Exception {
        try (TestBroker broker = TestBroker.start(); RawClient c = new RawClient(broker.port(), MqttVersion.MQTT_5)) {
            c.sendBytes(encode(MqttVersion.MQTT_5, connect(MqttVersion.MQTT_5, "eager"),
                    new Subscribe(3, List.of(Subscription.of("e/#", Qos.EXACTLY_ONCE)), Properties.EMPTY),
                    Pingreq.INSTANCE));
            assertThat(c.receive(Connack.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            Suback suback = c.receive(Suback.class);
            assertThat(suback.packetId()).isEqualTo(3);
            assertThat(suback.reasonCodes()).containsExactly(2);
            c.receive(Pingresp.class);
        }
    }

    @Test
    void pingWhileTheConnectIsChecked_isAnsweredAfterTheConnack_andTheCheckSawTheClientsAddress()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<SocketAddress> seen = new AtomicReference<>();
        Authenticator slow = credentials -> {
            seen.set(credentials.remote());
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Authenticator.Decision.ALLOW;
        };
        BrokerConfig config = BrokerConfig.builder().listener("127.0.0.1", 0).allowAnonymous(false).sysInterval(0)
                .persistence(false).build();
        try (Broker broker = new Broker(config, List.of(), List.of(slow), new MemoryStore()).start();
             RawClient c = new RawClient(broker.port())) {
            c.send(new Connect(MqttVersion.MQTT_3_1_1, "checked", true, 60, "user",
                    "secret".getBytes(StandardCharsets.UTF_8), null, Properties.EMPTY));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.get() != null);
            c.send(Pingreq.INSTANCE);
            c.assertNothingFor(Duration.ofMillis(300)); // no PINGRESP before the CONNACK
            release.countDown();
            assertThat(c.receive(Connack.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            c.receive(Pingresp.class);
            assertThat(seen.get()).isInstanceOfSatisfying(InetSocketAddress.class,
                    a -> assertThat(a.getPort()).isEqualTo(c.localPort()));
        }
    }

    /** A raw client connected as {@code id}, once the listener admits it (a place freed a moment ago). */
    private static RawClient admitted(TestBroker broker, String id) {
        RawClient[] got = new RawClient[1];
        Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
            RawClient c = new RawClient(broker.port());
            try {
                c.connect(id, true);
            } catch (IOException | AssertionError e) {
                c.close();
                throw e;
            }
            got[0] = c;
            return true;
        });
        return got[0];
    }

    @Test
    void clientsLeavingAsleep_freeTheirPlaceOnce() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> {
            b.currentListener().maxConnections(1);
            return b;
        })) {
            // a DISCONNECT, a dropped socket, a socket gone without CONNECT: each ends asleep
            try (RawClient leaving = admitted(broker, "leaving")) {
                assertThat(asleep(broker.broker)).isEqualTo(1);
                leaving.sendHex("E000");
                leaving.assertClosedWithin(Duration.ofSeconds(5));
            }
            admitted(broker, "dropping").drop();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> asleep(broker.broker) == 0);
            new RawClient(broker.port()).close();
            // the one place was taken and freed three times: one client now, and only one
            try (RawClient one = admitted(broker, "one"); RawClient two = new RawClient(broker.port())) {
                two.assertClosedWithin(Duration.ofSeconds(5));
                one.send(Pingreq.INSTANCE);
                one.receive(Pingresp.class);
            }
        }
    }

    @Test
    void socketThatSendsNothing_isClosedAtTheConnectTimeout_andByTheBrokersStop() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.connectTimeout(1))) {
            try (RawClient silent = new RawClient(broker.port())) {
                silent.assertClosedWithin(Duration.ofSeconds(5));
            }
            RawClient waiting = new RawClient(broker.port());
            try (waiting) {
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> asleep(broker.broker) == 1);
                broker.close();
                waiting.assertClosedWithin(Duration.ofSeconds(5));
            }
        }
    }
}
