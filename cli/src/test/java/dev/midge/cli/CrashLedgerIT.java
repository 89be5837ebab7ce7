package dev.midge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    private ChildBroker persistentBroker(int port) throws IOException {
        return ChildBroker.durable(dir, port, "max_queued_messages 1000000\nmax_inflight_messages 50\n");
    }

    /**
     * Crashes while a retained message is being replaced and while a client id is being taken
     * over again and again; retained messages, subscriptions and session expiry survive.
     */
    @Test
    void sigkillDuringRetainedReplacementAndTakeovers_stateSurvives() throws Exception {
        int port = ChildBroker.freePort();
        broker = persistentBroker(port);
        broker.start();
        // a v5 session that must survive the crashes, and one that must expire after them
        var keeper = MqttClient.builder().useMqttVersion5().identifier("keeper").serverHost("127.0.0.1")
                .serverPort(port).buildBlocking();
        keeper.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        keeper.subscribeWith().topicFilter("kept/#").qos(MqttQos.AT_LEAST_ONCE).send();
        keeper.disconnect();
        var shortLived = MqttClient.builder().useMqttVersion5().identifier("short").serverHost("127.0.0.1")
                .serverPort(port).buildBlocking();
        shortLived.connectWith().cleanStart(true).sessionExpiryInterval(2).send();
        shortLived.disconnect();

        Mqtt3AsyncClient retainer = client("retainer", port);
        retainer.connectWith().cleanSession(false).send().get(10, TimeUnit.SECONDS);
        AtomicInteger lastAcked = new AtomicInteger();
        AtomicInteger lastSent = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread replacing = new Thread(() -> {
            while (running.get()) {
                int v = lastSent.incrementAndGet();
                try {
                    retainer.publishWith().topic("state/x").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                            .payload(Integer.toString(v).getBytes(StandardCharsets.US_ASCII)).send()
                            .get(20, TimeUnit.SECONDS);
                    lastAcked.accumulateAndGet(v, Math::max);
                } catch (Exception e) {
                    return;
                }
            }
        }, "retainer");
        AtomicInteger takeovers = new AtomicInteger();
        Thread takingOver = new Thread(() -> {
            while (running.get()) {
                try {
                    var taker = MqttClient.builder().useMqttVersion3().identifier("taker").serverHost("127.0.0.1")
                            .serverPort(port).buildBlocking();
                    taker.connectWith().cleanSession(false).send();
                    if (takeovers.incrementAndGet() == 1) {
                        taker.subscribeWith().topicFilter("taken/#").qos(MqttQos.AT_LEAST_ONCE).send();
                    }
                } catch (RuntimeException brokerDown) {
                    // the broker is being restarted; try again
                }
            }
        }, "taker");
        replacing.start();
        takingOver.start();
        Random random = new Random();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            Thread.sleep(300 + random.nextInt(700));
            broker.kill();
            broker.start();
        }
        running.set(false);
        replacing.join(30_000);
        takingOver.join(30_000);
        assertThat(takeovers.get()).isGreaterThan(1);

        var check = MqttClient.builder().useMqttVersion3().identifier("checker").serverHost("127.0.0.1")
                .serverPort(port).buildBlocking();
        check.connect();
        try (var publishes = check.publishes(MqttGlobalPublishFilter.ALL)) {
            check.subscribeWith().topicFilter("state/x").qos(MqttQos.AT_LEAST_ONCE).send();
            var retained = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            int value = Integer.parseInt(new String(retained.getPayloadAsBytes(), StandardCharsets.US_ASCII));
            // the last acknowledged replacement, or a later one that reached the disk unacknowledged
            assertThat(value).isBetween(lastAcked.get(), lastSent.get());
        }
        var taker = MqttClient.builder().useMqttVersion3().identifier("taker").serverHost("127.0.0.1")
                .serverPort(port).buildBlocking();
        assertThat(taker.connectWith().cleanSession(false).send().isSessionPresent()).isTrue();
        try (var publishes = taker.publishes(MqttGlobalPublishFilter.ALL)) {
            check.publishWith().topic("taken/1").qos(MqttQos.AT_LEAST_ONCE).payload("hi".getBytes()).send();
            assertThat(publishes.receive(5, TimeUnit.SECONDS)).isPresent();
        }
        assertThat(keeper.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
                .isTrue();
        Thread.sleep(2500);
        assertThat(shortLived.connectWith().cleanStart(false).sessionExpiryInterval(2).send().isSessionPresent())
                .as("a session whose expiry ran out across restarts").isFalse();
        taker.disconnect();
        check.disconnect();
        keeper.disconnect();
        shortLived.disconnect();
    }

    @Test
    void sigkillDuringTraffic_everyAcknowledgedMessageDelivered_noQos2Duplicates() throws Exception {
        int port = ChildBroker.freePort();
        broker = persistentBroker(port);
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
