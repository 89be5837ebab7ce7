package dev.midge.broker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import dev.midge.broker.Broker;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Will;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MQTT over the links it was made for: a QoS 2 publisher and a persistent QoS 2 subscriber (the
 * HiveMQ client, with its automatic reconnect) behind the fault proxy with GPRS latency and
 * bandwidth and connections reset every 3-6 s; every message arrives exactly once, in
 * order. -Dmidge.gprs.messages=N runs a longer version (10 in CI).
 */
class BadNetworkIT {
    private Broker broker;
    private FaultProxy publisherLink;
    private FaultProxy subscriberLink;
    private final ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() throws Exception {
        broker = new Broker(BrokerConfig.builder().listener("127.0.0.1", 0).allowAnonymous(true).sysInterval(0)
                .persistence(false).build()).start();
        publisherLink = new FaultProxy(broker.port());
        subscriberLink = new FaultProxy(broker.port());
    }

    @AfterEach
    void stop() {
        chaos.shutdownNow();
        publisherLink.close();
        subscriberLink.close();
        broker.stop();
    }

    private static Mqtt5AsyncClient hivemq(String id, int port) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port)
                .automaticReconnect().initialDelay(100, TimeUnit.MILLISECONDS).maxDelay(1, TimeUnit.SECONDS)
                .applyAutomaticReconnect().buildAsync();
    }

    private static byte[] bytes(dev.midge.codec.packet.MqttPacket p) {
        return Wire.bytes(p, MqttVersion.MQTT_3_1_1);
    }

    private final java.util.concurrent.atomic.AtomicInteger resets = new java.util.concurrent.atomic.AtomicInteger();

    /** Resets the link's connections first within ~1 s (mid-transfer), then every 3-6 s. */
    private void resetNowAndThen(FaultProxy link) {
        resetNowAndThen(link, ThreadLocalRandom.current().nextLong(300, 1200));
    }

    private void resetNowAndThen(FaultProxy link, long firstDelayMillis) {
        chaos.schedule(() -> {
            if (link.connections() > 0) {
                resets.incrementAndGet();
            }
            link.resetAll();
            resetNowAndThen(link, ThreadLocalRandom.current().nextLong(3000, 6000));
        }, firstDelayMillis, TimeUnit.MILLISECONDS);
    }

    @Test
    void gprs_qos2ExactlyOnceInOrder_throughLatencyBandwidthAndDrops() throws Exception {
        int messages = Integer.getInteger("midge.gprs.messages", 10);
        for (FaultProxy link : List.of(publisherLink, subscriberLink)) {
            link.latency(300, 2000).bandwidth(20_000 / 8); // 20 kbit/s
        }
        List<Integer> received = new CopyOnWriteArrayList<>();
        Mqtt5AsyncClient sub = hivemq("gprs-sub", subscriberLink.port());
        sub.connectWith().cleanStart(true).sessionExpiryInterval(3600).send().get(30, TimeUnit.SECONDS);
        sub.subscribeWith().topicFilter("gprs/seq").qos(MqttQos.EXACTLY_ONCE)
                .callback(p -> received.add(ByteBuffer.wrap(p.getPayloadAsBytes()).getInt()))
                .send().get(30, TimeUnit.SECONDS);
        Mqtt5AsyncClient pub = hivemq("gprs-pub", publisherLink.port());
        pub.connectWith().cleanStart(true).sessionExpiryInterval(3600).send().get(30, TimeUnit.SECONDS);
        resetNowAndThen(publisherLink);
        resetNowAndThen(subscriberLink);
        long start = System.nanoTime();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            sent.add(pub.publishWith().topic("gprs/seq").qos(MqttQos.EXACTLY_ONCE)
                    .payload(ByteBuffer.allocate(4).putInt(i).array()).send());
        }
        Awaitility.await().atMost(Duration.ofSeconds(60 + messages * 3L)).pollInterval(Duration.ofMillis(200))
                .until(() -> received.size() >= messages);
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        chaos.shutdownNow();
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        System.out.printf("GPRS %d QoS 2 messages in %d s through %d connection resets%n", messages, seconds,
                resets.get());
        assertThat(resets.get()).as("connections were reset during the transfer").isGreaterThan(0);
        Thread.sleep(2500); // a late duplicate would have arrived by now (latency is at most 2 s)
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            expected.add(i);
        }
        assertThat(received).as("exactly once, in order").isEqualTo(expected);
        pub.disconnect();
        sub.disconnect();
    }

    @Test
    void blackholedClient_isDroppedAfterOneAndAHalfKeepAlives_andItsWillPublished() throws Exception {
        Mqtt5AsyncClient watcher = MqttClient.builder().useMqttVersion5().identifier("watcher")
                .serverHost("127.0.0.1").serverPort(broker.port()).buildAsync();
        watcher.connect().get(10, TimeUnit.SECONDS);
        CompletableFuture<Long> willAt = new CompletableFuture<>();
        watcher.subscribeWith().topicFilter("status/+").callback(p -> willAt.complete(System.nanoTime()))
                .send().get(10, TimeUnit.SECONDS);
        try (var raw = new java.net.Socket("127.0.0.1", publisherLink.port())) {
            raw.setSoTimeout(5000);
            Connect connect = new Connect(MqttVersion.MQTT_3_1_1, "field-device", true, 2, null, null,
                    new Will("status/field-device", "offline".getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE,
                            false, Properties.EMPTY), Properties.EMPTY);
            raw.getOutputStream().write(bytes(connect));
            assertThat(raw.getInputStream().readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
            long silentSince = System.nanoTime();
            publisherLink.blackhole(true); // the socket stays open; nothing more gets through
            long at = willAt.get(10, TimeUnit.SECONDS);
            long millis = (at - silentSince) / 1_000_000;
            // keep-alive 2 s: dropped after 3 s of silence [MQTT-3.1.2-24], the will goes out
            assertThat(millis).isBetween(2500L, 6000L);
        }
        watcher.disconnect();
    }

    @Test
    void truncatedPacketThenClose_andHalfClose_endTheSessionCleanly() throws Exception {
        Mqtt5AsyncClient watcher = MqttClient.builder().useMqttVersion5().identifier("watcher2")
                .serverHost("127.0.0.1").serverPort(broker.port()).buildAsync();
        watcher.connect().get(10, TimeUnit.SECONDS);
        List<String> wills = new CopyOnWriteArrayList<>();
        watcher.subscribeWith().topicFilter("gone/+").callback(p -> wills.add(p.getTopic().toString()))
                .send().get(10, TimeUnit.SECONDS);
        try (var a = new java.net.Socket("127.0.0.1", publisherLink.port())) {
            a.getOutputStream().write(bytes(new Connect(MqttVersion.MQTT_3_1_1, "cut", true, 60, null, null,
                    new Will("gone/cut", new byte[] {1}, Qos.AT_MOST_ONCE, false, Properties.EMPTY), Properties.EMPTY)));
            a.getInputStream().readNBytes(4);
            publisherLink.truncateAfter(5); // half a PUBLISH, then the link closes
            a.getOutputStream().write(bytes(Publish.of("x/y", new byte[100], Qos.AT_MOST_ONCE, false)));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> wills.contains("gone/cut"));
        }
        try (var b = new java.net.Socket("127.0.0.1", subscriberLink.port())) {
            b.getOutputStream().write(bytes(new Connect(MqttVersion.MQTT_3_1_1, "half", true, 60, null, null,
                    new Will("gone/half", new byte[] {1}, Qos.AT_MOST_ONCE, false, Properties.EMPTY), Properties.EMPTY)));
            b.getInputStream().readNBytes(4);
            subscriberLink.halfCloseAll(); // FIN towards the broker, no DISCONNECT: the will goes out
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> wills.contains("gone/half"));
        }
        assertThat(broker.context().sessions().get("cut")).isNull();
        watcher.disconnect();
    }
}
