package dev.midge.cli.bench;

import dev.midge.client.MqttClient;
import dev.midge.client.PacketObserver;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Subscription;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** One benchmark run: the clients, the counters, the progress lines and the report. */
final class BenchRun implements AutoCloseable {
    private final BenchCommand cmd;
    private final int n;
    private final EventLoopGroup group;
    private final List<MqttClient> clients = new ArrayList<>();
    private final List<Publisher> publishers = new ArrayList<>();
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();
    private final LatencyHistogram window = new LatencyHistogram();
    private final LatencyHistogram connectMicros = new LatencyHistogram();
    private final Map<Long, SequenceCheck> checks = new ConcurrentHashMap<>();
    private int subscribers;

    BenchRun(BenchCommand cmd, int n) {
        this.cmd = cmd;
        this.n = n;
        this.group = new MultiThreadIoEventLoopGroup(cmd.threads, NioIoHandler.newFactory());
    }

    int execute() throws Exception {
        switch (cmd.scenario) {
            case "conn" -> {
                return connections();
            }
            case "pub" -> publishers(i -> cmd.topicFor(i));
            case "sub" -> subscribe(i -> cmd.wildcard(), n);
            case "fanin" -> {
                subscribe(i -> cmd.wildcard(), 1);
                publishers(i -> cmd.topicFor(i));
            }
            case "fanout" -> {
                subscribe(i -> cmd.topicFor(0), n);
                publishersOf(1, i -> cmd.topicFor(0));
            }
            default -> { // p2p
                subscribe(i -> cmd.topicFor(i), n);
                publishers(i -> cmd.topicFor(i));
            }
        }
        long start = System.nanoTime();
        publishers.forEach(Publisher::start);
        long lastSent = 0;
        long lastReceived = 0;
        for (int s = 1; s <= cmd.duration; s++) {
            Thread.sleep(Math.max(0, start + s * 1_000_000_000L - System.nanoTime()) / 1_000_000);
            long nowSent = sent.sum();
            long nowReceived = received.sum();
            System.out.printf(Locale.ROOT, "%4ds  sent/s %9d  received/s %9d  p50 %7d us  p99 %8d us%n", s,
                    nowSent - lastSent, nowReceived - lastReceived, window.percentile(50), window.percentile(99));
            window.reset();
            lastSent = nowSent;
            lastReceived = nowReceived;
        }
        publishers.forEach(Publisher::stop);
        double seconds = (System.nanoTime() - start) / 1e9;
        settle(); // acknowledgements of the last messages in flight
        long expected = expected();
        drain(expected);
        report(seconds, expected);
        return 0;
    }

    /** Each publisher's messages reach this many subscribers. */
    private long expected() {
        return switch (cmd.scenario) {
            case "fanin", "p2p" -> sent.sum();
            case "fanout" -> sent.sum() * subscribers;
            default -> 0;
        };
    }

    private void settle() throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 50 && sent.sum() != last; i++) {
            last = sent.sum();
            Thread.sleep(100);
        }
    }

    private void drain(long expected) throws InterruptedException {
        if (expected == 0) {
            return;
        }
        long last = -1;
        long quietSince = System.nanoTime();
        while (received.sum() < expected && System.nanoTime() - quietSince < 5_000_000_000L) {
            Thread.sleep(100);
            long now = received.sum();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    private interface TopicOf {
        String topic(int i);
    }

    private MqttClient connect(String id, int index, java.util.function.Consumer<Publish> messages) throws Exception {
        MqttClient c = MqttClient.create(cmd.options(id, index), PacketObserver.NONE, messages, group);
        long t0 = System.nanoTime();
        c.connect().get(30, TimeUnit.SECONDS);
        connectMicros.record((System.nanoTime() - t0) / 1000);
        clients.add(c);
        return c;
    }

    private void subscribe(TopicOf topics, int count) throws Exception {
        subscribers = count;
        for (int i = 0; i < count; i++) {
            int sub = i;
            MqttClient c = connect(cmd.idPrefix() + "s" + i, i, p -> onMessage(sub, p));
            c.subscribe(List.of(new Subscription(topics.topic(i), cmd.mqttQos(), false, false, 0)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private void onMessage(int subscriber, Publish p) {
        byte[] b = p.payload();
        if (b.length < BenchPayload.HEADER) {
            return;
        }
        long micros = (BenchPayload.nowNanos() - BenchPayload.sentNanos(b)) / 1000;
        latency.record(micros);
        window.record(micros);
        checks.computeIfAbsent((long) subscriber << 32 | BenchPayload.publisher(b), k -> new SequenceCheck())
                .arrived(BenchPayload.seq(b));
        received.increment();
    }

    private void publishers(TopicOf topics) throws Exception {
        publishersOf(n, topics);
    }

    private void publishersOf(int count, TopicOf topics) throws Exception {
        for (int i = 0; i < count; i++) {
            MqttClient c = connect(cmd.idPrefix() + "p" + i, subscribers + i, p -> { });
            publishers.add(new Publisher(c, i, topics.topic(i)));
        }
    }

    /** One publisher: flat out within its in-flight window, or at a fixed rate. */
    private final class Publisher {
        private final MqttClient client;
        private final int id;
        private final String topic;
        private final AtomicLong seq = new AtomicLong();
        private volatile boolean running;
        private io.netty.util.concurrent.ScheduledFuture<?> ticker;

        Publisher(MqttClient client, int id, String topic) {
            this.client = client;
            this.id = id;
            this.topic = topic;
        }

        void start() {
            running = true;
            if (cmd.rate > 0) {
                long periodNanos = (long) (1e9 / cmd.rate);
                ticker = group.next().scheduleAtFixedRate(this::sendOne, 0, periodNanos, TimeUnit.NANOSECONDS);
            } else {
                for (int k = 0; k < Math.max(1, cmd.inflight); k++) {
                    sendNext();
                }
            }
        }

        void stop() {
            running = false;
            if (ticker != null) {
                ticker.cancel(false);
            }
        }

        private void sendOne() {
            if (running) {
                client.publish(message()).whenComplete((a, e) -> {
                    if (e == null) {
                        sent.increment();
                    }
                });
            }
        }

        private void sendNext() {
            if (!running) {
                return;
            }
            CompletableFuture<MqttPacket> done;
            // The first window goes out from the caller's thread while acknowledgements already
            // send the next ones from the client's loop: a sequence number has to be handed to the
            // client before another thread takes the next one, or the two leave out of order.
            synchronized (this) {
                done = client.publish(message());
            }
            done.whenComplete((a, e) -> {
                if (e == null) {
                    sent.increment();
                    sendNext();
                }
            });
        }

        private Publish message() {
            return new Publish(topic, BenchPayload.make(id, seq.getAndIncrement(), cmd.size), cmd.mqttQos(), false,
                    false, 0, Properties.EMPTY);
        }
    }

    private int connections() throws Exception {
        Semaphore concurrency = new Semaphore(200);
        long start = System.nanoTime();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (cmd.connectRate > 0) {
                long due = start + i * 1_000_000_000L / cmd.connectRate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            concurrency.acquire();
            MqttClient c = MqttClient.create(cmd.options(cmd.idPrefix() + "c" + i, i), PacketObserver.NONE, p -> { },
                    group);
            synchronized (clients) {
                clients.add(c);
            }
            long t0 = System.nanoTime();
            pending.add(c.connect().whenComplete((ack, e) -> {
                concurrency.release();
                if (e != null) {
                    connectFailures.increment();
                } else {
                    connectMicros.record((System.nanoTime() - t0) / 1000);
                }
            }));
        }
        for (var f : pending) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (Exception counted) {
                // counted as a failure above
            }
        }
        double connectSeconds = (System.nanoTime() - start) / 1e9;
        long ok = n - connectFailures.sum();
        System.out.printf(Locale.ROOT, "connected %d of %d in %.2f s (%.0f conn/s), %d failed; holding %d s%n",
                ok, n, connectSeconds, ok / connectSeconds, connectFailures.sum(), cmd.duration);
        Thread.sleep(cmd.duration * 1000L);
        System.out.printf(Locale.ROOT, "RESULT scenario=conn conns=%d connected=%d failed=%d conn_per_s=%.0f "
                        + "connect_p50_us=%d connect_p99_us=%d%n", n, ok, connectFailures.sum(), ok / connectSeconds,
                connectMicros.percentile(50), connectMicros.percentile(99));
        return connectFailures.sum() == 0 ? 0 : 2;
    }

    private void report(double seconds, long expected) {
        long unique = 0;
        long dup = 0;
        long reorder = 0;
        for (SequenceCheck c : checks.values()) {
            unique += c.unique();
            dup += c.duplicates();
            reorder += c.outOfOrder();
        }
        long lost = expected > 0 ? Math.max(0, expected - unique) : 0;
        long got = received.sum();
        System.out.printf(Locale.ROOT, "%s: %d sent (%.0f/s), %d received (%.0f/s), lost %d, duplicated %d, "
                        + "out of order %d; latency p50 %d us, p99 %d us, p99.9 %d us%n", cmd.scenario, sent.sum(),
                sent.sum() / seconds, got, got / seconds, lost, dup, reorder, latency.percentile(50),
                latency.percentile(99), latency.percentile(99.9));
        System.out.printf(Locale.ROOT, "RESULT scenario=%s qos=%d pubs=%d subs=%d size=%d sent=%d received=%d "
                        + "expected=%d lost=%d dup=%d reorder=%d pub_per_s=%.0f msgs_per_s=%.0f p50_us=%d p99_us=%d "
                        + "p999_us=%d%n", cmd.scenario, cmd.qos, publishers.size(), subscribers, cmd.size, sent.sum(),
                got, expected, lost, dup, reorder, sent.sum() / seconds, got / seconds, latency.percentile(50),
                latency.percentile(99), latency.percentile(99.9));
    }

    @Override
    public void close() {
        for (MqttClient c : clients) {
            try {
                c.disconnect().get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the run is over; a client that cannot say goodbye is closed anyway
            }
            c.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
