package dev.midge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash ledger: publishers send numbered QoS 1 and QoS 2 messages with persistent sessions
 * to a broker with persistence on, a persistent QoS 2 subscriber receives them, and the broker is
 * killed with SIGKILL at random moments and restarted. At the end, every number the broker
 * acknowledged has reached the subscriber (lost = 0) and no QoS 2 number arrived twice (dup = 0).
 * The clients are HiveMQ's, with automatic reconnect and session resume. Cycles: 3, or
 * {@code -Dmidge.crash.cycles=N}.
 */
class CrashLedgerIT {
    private static final int CYCLES = Integer.getInteger("midge.crash.cycles", 3);
    @TempDir
    Path dir;
    private ChildBroker broker;
    private final List<Mqtt3AsyncClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Mqtt3AsyncClient c : clients) {
            c.disconnect();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private Mqtt3AsyncClient client(String id, int port) {
        Mqtt3AsyncClient c = MqttClient.builder().useMqttVersion3().identifier(id).serverHost("127.0.0.1")
                .serverPort(port)
                .automaticReconnect().initialDelay(50, TimeUnit.MILLISECONDS).maxDelay(500, TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect()
                .buildAsync();
        clients.add(c);
        return c;
    }

    /** Publishes numbered messages until told to stop, at most 50 unacknowledged at once. */
    private static final class Publisher implements Runnable {
        final Mqtt3AsyncClient client;
        final MqttQos qos;
        final String topic;
        final Set<Integer> acked = ConcurrentHashMap.newKeySet();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<CompletableFuture<?>> futures = new ArrayList<>();
        final Semaphore window = new Semaphore(50);

        Publisher(Mqtt3AsyncClient client, MqttQos qos, String topic) {
            this.client = client;
            this.qos = qos;
            this.topic = topic;
        }

        @Override
        public void run() {
            while (running.get()) {
                try {
                    if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                int seq = sent.incrementAndGet();
                CompletableFuture<?> f = client.publishWith().topic(topic).qos(qos)
                        .payload(Integer.toString(seq).getBytes(StandardCharsets.US_ASCII)).send()
                        .whenComplete((r, e) -> {
                            window.release();
                            if (e == null) {
                                acked.add(seq);
                            }
                        });
                synchronized (futures) {
                    futures.add(f);
                }
            }
        }
    }

    @Test
    void sigkillDuringTraffic_everyAcknowledgedMessageDelivered_noQos2Duplicates() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("midge.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence true\n"
                + "persistence_location " + dir.resolve("data") + "\nmax_queued_messages 1000000\n"
                + "max_inflight_messages 50\n");
        broker = new ChildBroker(dir, "broker", "-c", conf.toString());
        broker.start();

        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        Mqtt3AsyncClient sub = client("ledger-sub", port);
        sub.publishes(MqttGlobalPublishFilter.ALL, p -> received.computeIfAbsent(
                p.getTopic() + ":" + new String(p.getPayloadAsBytes(), StandardCharsets.US_ASCII),
                k -> new AtomicInteger()).incrementAndGet());
        sub.connectWith().cleanSession(false).send().get(10, TimeUnit.SECONDS);
        sub.subscribeWith().topicFilter("ledger/#").qos(MqttQos.EXACTLY_ONCE).send().get(10, TimeUnit.SECONDS);

        Mqtt3AsyncClient pub1 = client("ledger-pub1", port);
        Mqtt3AsyncClient pub2 = client("ledger-pub2", port);
        pub1.connectWith().cleanSession(false).send().get(10, TimeUnit.SECONDS);
        pub2.connectWith().cleanSession(false).send().get(10, TimeUnit.SECONDS);
        Publisher q1 = new Publisher(pub1, MqttQos.AT_LEAST_ONCE, "ledger/q1");
        Publisher q2 = new Publisher(pub2, MqttQos.EXACTLY_ONCE, "ledger/q2");
        Thread t1 = new Thread(q1, "ledger-q1");
        Thread t2 = new Thread(q2, "ledger-q2");
        t1.start();
        t2.start();

        Random random = new Random();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            Thread.sleep(400 + random.nextInt(1200));
            broker.kill();
            Thread.sleep(random.nextInt(300));
            broker.start();
        }
        Thread.sleep(500);
        q1.running.set(false);
        q2.running.set(false);
        t1.join();
        t2.join();

        // every publish completes once the clients have resent what was unacknowledged
        List<CompletableFuture<?>> all = new ArrayList<>(q1.futures);
        all.addAll(q2.futures);
        CompletableFuture.allOf(all.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && !(
                q1.acked.stream().allMatch(s -> received.containsKey("ledger/q1:" + s))
                        && q2.acked.stream().allMatch(s -> received.containsKey("ledger/q2:" + s)))) {
            Thread.sleep(200);
        }

        long lost = q1.acked.stream().filter(s -> !received.containsKey("ledger/q1:" + s)).count()
                + q2.acked.stream().filter(s -> !received.containsKey("ledger/q2:" + s)).count();
        long q2dups = received.entrySet().stream().filter(e -> e.getKey().startsWith("ledger/q2:"))
                .filter(e -> e.getValue().get() > 1).count();
        long q1dups = received.entrySet().stream().filter(e -> e.getKey().startsWith("ledger/q1:"))
                .mapToLong(e -> e.getValue().get() - 1).sum();
        System.out.printf("CRASH LEDGER cycles=%d q1_sent=%d q1_acked=%d q2_sent=%d q2_acked=%d lost=%d "
                + "q2_dup=%d q1_dup=%d%n", CYCLES, q1.sent.get(), q1.acked.size(), q2.sent.get(), q2.acked.size(),
                lost, q2dups, q1dups);
        List<String> missing = new ArrayList<>();
        q1.acked.stream().filter(s -> !received.containsKey("ledger/q1:" + s)).sorted().limit(10)
                .forEach(s -> missing.add("q1:" + s));
        q2.acked.stream().filter(s -> !received.containsKey("ledger/q2:" + s)).sorted().limit(10)
                .forEach(s -> missing.add("q2:" + s));
        if (!missing.isEmpty()) {
            broker.dumpWarnings(System.out);
        }
        assertThat(missing).as("acknowledged but never delivered (first ones)").isEmpty();
        assertThat(q1.acked).isNotEmpty();
        assertThat(q2.acked).isNotEmpty();
        assertThat(lost).isZero();
        assertThat(q2dups).isZero();
    }
}
