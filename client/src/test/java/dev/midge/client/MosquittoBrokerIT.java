package dev.midge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Pubcomp;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Midge's client against Debian's Mosquitto broker, a peer we did not write. */
class MosquittoBrokerIT {
    private static final File MOSQUITTO = new File("/usr/sbin/mosquitto");
    @TempDir
    Path dir;
    private Process mosquitto;
    private int port;

    private void startMosquitto(String extraConfig) throws IOException {
        Assumptions.assumeTrue(MOSQUITTO.canExecute(), "mosquitto is not installed");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        startMosquittoOnPort(extraConfig);
    }

    private void startMosquittoOnPort(String extraConfig) throws IOException {
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\npersistence false\n" + extraConfig);
        mosquitto = new ProcessBuilder(MOSQUITTO.getPath(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @BeforeEach
    void start() throws IOException {
        startMosquitto("allow_anonymous true\n");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (mosquitto != null) {
            mosquitto.destroy();
            mosquitto.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void publishAndSubscribe_everyQos_roundTrips() throws Exception {
        BlockingQueue<Publish> inbox = new LinkedBlockingQueue<>();
        try (MqttClient sub = MqttClient.create(ClientOptions.of("127.0.0.1", port, "midge-sub"),
                PacketObserver.NONE, inbox::add);
             MqttClient pub = MqttClient.create(ClientOptions.of("127.0.0.1", port, "midge-pub"),
                     PacketObserver.NONE, p -> { })) {
            assertThat(sub.connect().get(5, TimeUnit.SECONDS).reasonCode()).isZero();
            assertThat(sub.subscribe(List.of(Subscription.of("m/#", Qos.EXACTLY_ONCE))).get(5, TimeUnit.SECONDS)
                    .reasonCodes()).containsExactly(2);
            pub.connect().get(5, TimeUnit.SECONDS);
            for (Qos qos : Qos.values()) {
                MqttPacket ack = pub.publish(Publish.of("m/" + qos.value(), ("q" + qos.value())
                        .getBytes(StandardCharsets.UTF_8), qos, false)).get(5, TimeUnit.SECONDS);
                switch (qos) {
                    case AT_MOST_ONCE -> assertThat(ack).isNull();
                    case AT_LEAST_ONCE -> assertThat(ack).isInstanceOf(Puback.class);
                    case EXACTLY_ONCE -> assertThat(ack).isInstanceOf(Pubcomp.class);
                }
                Publish got = inbox.poll(5, TimeUnit.SECONDS);
                assertThat(got).isNotNull();
                assertThat(got.topic()).isEqualTo("m/" + qos.value());
                assertThat(got.qos()).isEqualTo(qos);
            }
            sub.unsubscribe(List.of("m/#")).get(5, TimeUnit.SECONDS);
            pub.publish(Publish.of("m/x", new byte[] {1}, Qos.AT_LEAST_ONCE, false)).get(5, TimeUnit.SECONDS);
            assertThat(inbox.poll(300, TimeUnit.MILLISECONDS)).isNull();
            sub.disconnect().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void connect_refused_failsWithReturnCode() throws Exception {
        stop();
        startMosquitto("allow_anonymous false\n");
        try (MqttClient c = MqttClient.create(ClientOptions.of("127.0.0.1", port, "refused"),
                PacketObserver.NONE, p -> { })) {
            assertThatThrownBy(() -> c.connect().get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(MqttClientException.class)
                    .extracting(e -> ((MqttClientException) e).reasonCode()).isEqualTo(5);
        }
    }

    @Test
    void observer_seesEveryPacketBothWays() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        PacketObserver observer = new PacketObserver() {
            @Override
            public void sent(MqttPacket p) {
                seen.add("sent " + p.type());
            }

            @Override
            public void received(MqttPacket p) {
                seen.add("received " + p.type());
            }
        };
        try (MqttClient c = MqttClient.create(ClientOptions.of("127.0.0.1", port, "observed"), observer, p -> { })) {
            Connack connack = c.connect().get(5, TimeUnit.SECONDS);
            assertThat(connack.sessionPresent()).isFalse();
            c.publish(Publish.of("o", new byte[0], Qos.EXACTLY_ONCE, false)).get(5, TimeUnit.SECONDS);
            c.disconnect().get(5, TimeUnit.SECONDS);
        }
        assertThat(seen).containsExactly("sent CONNECT", "received CONNACK", "sent PUBLISH", "received PUBREC",
                "sent PUBREL", "received PUBCOMP", "sent DISCONNECT");
    }

    @Test
    void autoReconnect_holdsQos1WhileTheBrokerIsDown_andSendsItOnReconnect() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.List<dev.midge.codec.packet.Subscription> subs = java.util.List.of(
                new dev.midge.codec.packet.Subscription("held/#", dev.midge.codec.packet.Qos.AT_LEAST_ONCE, false,
                        false, 0));
        try (MqttClient sub = MqttClient.create(ClientOptions.of("127.0.0.1", port, "held-sub"), PacketObserver.NONE,
                m -> received.add(new String(m.payload(), java.nio.charset.StandardCharsets.UTF_8)));
             MqttClient pub = MqttClient.create(ClientOptions.of("127.0.0.1", port, "held-pub"), PacketObserver.NONE,
                     m -> { })) {
            sub.autoReconnect(200, c -> sub.subscribe(subs));
            pub.autoReconnect(200, c -> { });
            sub.connect().get(5, TimeUnit.SECONDS);
            sub.subscribe(subs).get(5, TimeUnit.SECONDS);
            pub.connect().get(5, TimeUnit.SECONDS);
            mosquitto.destroy();
            mosquitto.waitFor(5, TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> pub.closed().isDone());
            var held = pub.publish(new dev.midge.codec.packet.Publish("held/x",
                    "kept".getBytes(java.nio.charset.StandardCharsets.UTF_8), dev.midge.codec.packet.Qos.AT_LEAST_ONCE,
                    true, false, 0, dev.midge.codec.packet.Properties.EMPTY)); // retained: the restarted
            // broker has no sessions, so the subscriber, re-subscribing in its own time, gets it that way
            Thread.sleep(500);
            assertThat(held).isNotDone();
            startMosquittoOnPort("allow_anonymous true\n");
            held.get(15, TimeUnit.SECONDS);
            assertThat(received.poll(15, TimeUnit.SECONDS)).isEqualTo("kept");
        }
    }
}
