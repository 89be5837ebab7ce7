package dev.midge.broker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dev.midge.broker.Broker;
import dev.midge.broker.auth.PasswordHash;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile or broken client can cost the broker: a subscriber that never reads, sockets that
 * never send CONNECT, a wrong-password flood, a reconnect storm on one client id. Memory stays
 * bounded, the others are served; figures are printed (speed is reported, not asserted).
 * -Dmidge.soak.seconds=60 runs the flood phases for a minute (8 s in CI).
 */
class ResourceBoundsIT {
    private static final int SECONDS = Integer.getInteger("midge.soak.seconds", 8);
    @TempDir
    Path dir;
    private Broker broker;
    private final List<Socket> sockets = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws IOException {
        threads.shutdownNow();
        for (Socket s : sockets) {
            s.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private Broker start(UnaryOperator<BrokerConfig.Builder> settings) throws Exception {
        broker = new Broker(settings.apply(BrokerConfig.builder().listener("127.0.0.1", 0).allowAnonymous(true)
                .sysInterval(0).persistence(false)).build()).start();
        return broker;
    }

    private static byte[] bytes(MqttPacket p, MqttVersion v) {
        return Wire.bytes(p, v);
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private Mqtt5BlockingClient hivemq(String id) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        c.connect();
        return c;
    }

    /** Round trips of a small QoS 0 message through the broker, in microseconds, for {@code millis}. */
    private long[] roundTrips(Mqtt5BlockingClient c, String topic, long millis) throws InterruptedException {
        List<Long> rtts = new ArrayList<>();
        try (Mqtt5BlockingClient.Mqtt5Publishes in = c.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
            long end = System.currentTimeMillis() + millis;
            while (System.currentTimeMillis() < end) {
                long t0 = System.nanoTime();
                c.publishWith().topic(topic).payload(new byte[16]).send();
                Optional<?> back = in.receive(2, TimeUnit.SECONDS);
                assertThat(back).as("the bystander's message came back").isPresent();
                rtts.add((System.nanoTime() - t0) / 1000);
                Thread.sleep(10);
            }
        }
        return rtts.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static long p99(long[] sorted) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)];
    }

    @Test
    void subscriberThatNeverReads_queuedBytesStayBounded_dropsCounted_bystanderServed() throws Exception {
        long queueLimit = 512 * 1024;
        start(b -> b.maxQueuedBytes(queueLimit).maxQueuedMessages(100_000).messageMemoryLimit(8L << 20));
        Mqtt5BlockingClient bystander = hivemq("bystander");
        bystander.subscribeWith().topicFilter("by/stander").send();
        long p99Before = p99(roundTrips(bystander, "by/stander", 1500));
        long heapBefore = usedHeapAfterGc();

        // a subscriber (QoS 1) with a tiny receive buffer that never reads a byte
        Socket stuck = new Socket();
        sockets.add(stuck);
        stuck.setReceiveBufferSize(4096);
        stuck.connect(new InetSocketAddress("127.0.0.1", broker.port()));
        OutputStream out = stuck.getOutputStream();
        out.write(bytes(new Connect(MqttVersion.MQTT_3_1_1, "never-reads", true, 0, null, null, null, Properties.EMPTY),
                MqttVersion.MQTT_3_1_1));
        out.write(bytes(new Subscribe(1, List.of(new Subscription("flood/#", Qos.AT_LEAST_ONCE, false, false, 0)),
                Properties.EMPTY), MqttVersion.MQTT_3_1_1));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> broker.context().sessions().size() >= 2);

        // publishers at full speed, QoS 0 and QoS 1, 64-byte payloads
        AtomicBoolean flooding = new AtomicBoolean(true);
        long[] sent = new long[2];
        for (int q = 0; q < 2; q++) {
            int qos = q;
            threads.submit(() -> {
                try (Socket s = new Socket("127.0.0.1", broker.port())) {
                    OutputStream o = s.getOutputStream();
                    o.write(bytes(new Connect(MqttVersion.MQTT_3_1_1, "flooder" + qos, true, 0, null, null, null,
                            Properties.EMPTY), MqttVersion.MQTT_3_1_1));
                    threads.submit(() -> s.getInputStream().transferTo(OutputStream.nullOutputStream()));
                    int id = 1;
                    while (flooding.get()) {
                        byte[] batch = new byte[0];
                        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                        for (int i = 0; i < 100; i++) {
                            b.writeBytes(bytes(new Publish("flood/" + qos, new byte[64], Qos.of(qos), false, false,
                                    qos == 0 ? 0 : id, Properties.EMPTY), MqttVersion.MQTT_3_1_1));
                            id = id == 65535 ? 1 : id + 1;
                        }
                        batch = b.toByteArray();
                        o.write(batch);
                        sent[qos] += 100;
                    }
                }
                return null;
            });
        }
        Thread.sleep(1000);
        long p99During = p99(roundTrips(bystander, "by/stander", SECONDS * 1000L - 1000));
        long heapDuring = usedHeapAfterGc();
        flooding.set(false);
        long dropped = broker.context().metrics().publishDroppedCount();
        System.out.printf("NEVER-READS %d s: sent q0=%d q1=%d, dropped %d, heap growth %d KB (queue limit %d KB),"
                        + " bystander p99 %d us before, %d us during%n", SECONDS, sent[0], sent[1], dropped,
                (heapDuring - heapBefore) / 1024, queueLimit / 1024, p99Before, p99During);
        assertThat(dropped).as("drops are counted").isGreaterThan(0);
        // the one stuck subscriber holds at most its queue limit (plus the socket buffers Netty fills)
        assertThat(heapDuring - heapBefore).as("heap growth, bytes").isLessThan(48L << 20);
        bystander.disconnect();
    }

    @Test
    void fiveThousandSocketsThatNeverSendConnect_areAllClosedAfterTheConnectTimeout() throws Exception {
        start(b -> b.connectTimeout(3));
        long before = usedHeapAfterGc();
        for (int i = 0; i < 5000; i++) {
            Socket s = new Socket("127.0.0.1", broker.port());
            sockets.add(s);
        }
        long pending = usedHeapAfterGc() - before;
        Mqtt5BlockingClient ok = hivemq("meanwhile"); // still served
        ok.disconnect();
        long start = System.nanoTime();
        int closed = 0;
        for (Socket s : sockets) {
            s.setSoTimeout(10_000);
            try {
                if (s.getInputStream().read() < 0) {
                    closed++;
                }
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException reset) {
                closed++;
            }
        }
        System.out.printf("SILENT-SOCKETS 5000: heap %d bytes per pending socket (test JVM, both ends' objects), "
                + "all closed %d ms after the last one opened%n", pending / 5000, (System.nanoTime() - start) / 1_000_000);
        assertThat(closed).isEqualTo(5000);
    }

    @Test
    void wrongPasswordFlood_authenticatedClientsStillGetIn() throws Exception {
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, "good:" + PasswordHash.create("sha512-pbkdf2", "right".getBytes(StandardCharsets.UTF_8),
                null).encoded() + "\n");
        start(b -> b.allowAnonymous(false).passwordFile(passwd));
        int perSecond = Integer.getInteger("midge.flood.rate", 200);
        AtomicBoolean flooding = new AtomicBoolean(true);
        long[] attempts = {0};
        byte[] wrong = bytes(new Connect(MqttVersion.MQTT_3_1_1, "", true, 60, "good",
                "wrong".getBytes(StandardCharsets.UTF_8), null, Properties.EMPTY), MqttVersion.MQTT_3_1_1);
        threads.submit(() -> {
            long next = System.nanoTime();
            while (flooding.get()) {
                // from another loopback address, as an attacker elsewhere would be
                try (Socket s = new Socket("127.0.0.1", broker.port(), java.net.InetAddress.getByName("127.0.0.2"), 0)) {
                    s.getOutputStream().write(wrong);
                    attempts[0]++;
                }
                next += 1_000_000_000L / perSecond;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
            return null;
        });
        List<Long> connectMillis = new ArrayList<>();
        long end = System.currentTimeMillis() + SECONDS * 1000L;
        while (System.currentTimeMillis() < end) {
            long t0 = System.nanoTime();
            Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier("legit")
                    .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
            c.connectWith().simpleAuth().username("good").password("right".getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth().send();
            connectMillis.add((System.nanoTime() - t0) / 1_000_000);
            c.disconnect();
            Thread.sleep(100);
        }
        flooding.set(false);
        long[] sorted = connectMillis.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("PASSWORD-FLOOD %d/s for %d s (%d attempts): %d legit logins, p50 %d ms, max %d ms%n",
                perSecond, SECONDS, attempts[0], sorted.length, sorted[sorted.length / 2], sorted[sorted.length - 1]);
        assertThat(sorted.length).isGreaterThan(SECONDS * 3);
    }

    @Test
    void reconnectStorm_sameClientId_newestWins_nothingLeaks() throws Exception {
        start(b -> b);
        long before = usedHeapAfterGc();
        byte[] connect = bytes(new Connect(MqttVersion.MQTT_3_1_1, "storm", true, 60, null, null, null,
                Properties.EMPTY), MqttVersion.MQTT_3_1_1);
        List<Socket> all = new ArrayList<>();
        for (int round = 0; round < 300; round++) {
            Socket s = new Socket("127.0.0.1", broker.port());
            s.setSoTimeout(5000);
            s.getOutputStream().write(connect);
            assertThat(s.getInputStream().readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
            all.add(s);
        }
        Socket newest = all.get(all.size() - 1);
        for (Socket s : all.subList(0, all.size() - 1)) {
            assertThat(s.getInputStream().read()).as("an older connection was closed").isEqualTo(-1);
            s.close();
        }
        // the newest still works: PINGREQ answered
        newest.getOutputStream().write(new byte[] {(byte) 0xC0, 0});
        assertThat(newest.getInputStream().readNBytes(2)).containsExactly(0xD0, 0x00);
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> broker.context().metrics().clientsConnected() == 1);
        assertThat(broker.context().sessions().size()).isEqualTo(1);
        long growth = usedHeapAfterGc() - before;
        System.out.printf("RECONNECT-STORM 300 connects on one id: heap growth %d KB%n", growth / 1024);
        assertThat(growth).isLessThan(8L << 20);
        newest.close();
    }
}
