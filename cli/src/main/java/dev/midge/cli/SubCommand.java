package dev.midge.cli;

import dev.midge.cli.client.ClientSharedOptions;
import dev.midge.cli.client.DebugLines;
import dev.midge.cli.client.MessagePrinter;
import dev.midge.cli.client.PropertyArgs;
import dev.midge.cli.client.ToolConnection;
import dev.midge.cli.client.ToolError;
import dev.midge.client.ClientOptions;
import dev.midge.client.MqttClient;
import dev.midge.client.PacketObserver;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import dev.midge.codec.wire.MalformedPacketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code midge sub}: mosquitto_sub's options and output. Reconnects when the connection is lost
 * (and resumes its session with -c); ends on -C, -W, -E, --retained-only or a signal.
 */
@Command(name = "sub", description = "Subscribe and print messages (mosquitto_sub's options).")
public final class SubCommand extends ClientTool {
    /** mosquitto_sub's exit code when -W runs out. */
    static final int TIMED_OUT = 27;

    @Mixin
    ClientSharedOptions shared;

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC")
    List<String> topics = new ArrayList<>();

    @Option(names = {"-T", "--filter-out"}, paramLabel = "TOPIC")
    List<String> filterOut = new ArrayList<>();

    @Option(names = {"-U", "--unsubscribe"}, paramLabel = "TOPIC")
    List<String> unsubscribe = new ArrayList<>();

    @Option(names = {"-v", "--verbose"})
    boolean verbose;

    @Option(names = {"-N"}, description = "no end of line after each message")
    boolean noEol;

    @Option(names = {"-R"}, description = "do not print stale (retained) messages")
    boolean noStale;

    @Option(names = {"-C"}, paramLabel = "COUNT")
    int count;

    @Option(names = {"-W"}, paramLabel = "SECONDS")
    int timeout;

    @Option(names = {"-E"}, description = "exit once subscribed")
    boolean exitAfterSubscribe;

    @Option(names = "--remove-retained")
    boolean removeRetained;

    @Option(names = "--retained-only")
    boolean retainedOnly;

    @Option(names = {"-F"}, paramLabel = "FORMAT")
    String format;

    @Option(names = "--pretty")
    boolean pretty;

    @Option(names = "--retain-as-published")
    boolean retainAsPublished;

    @Option(names = "--retain-handling", paramLabel = "N")
    Integer retainHandling;

    @Option(names = "--nl", description = "no local: not the messages this client publishes")
    boolean noLocal;

    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicInteger printed = new AtomicInteger();
    private volatile MqttClient client;

    @Override
    protected ClientSharedOptions shared() {
        return shared;
    }

    @Override
    protected int run() throws Exception {
        String urlTopic = shared.urlTopic();
        if (urlTopic != null) {
            topics.add(0, urlTopic);
        }
        if (topics.isEmpty() && unsubscribe.isEmpty()) {
            throw ToolError.usage("Error: You must specify a topic to subscribe to.");
        }
        for (String t : topics) {
            validateFilter(t, "subscription");
        }
        for (String t : filterOut) {
            validateFilter(t, "filter");
        }
        ClientOptions options = shared.toClientOptions();
        boolean v5 = options.version().isV5();
        if (!v5 && (noLocal || retainAsPublished || retainHandling != null)) {
            throw ToolError.usage("Error: --nl, --retain-as-published and --retain-handling need MQTT v5 (-V mqttv5).");
        }
        if (retainHandling != null && (retainHandling < 0 || retainHandling > 2)) {
            throw ToolError.usage("Error: --retain-handling must be 0, 1 or 2.");
        }
        Qos qos = shared.qos();
        List<Subscription> subscriptions = new ArrayList<>();
        for (String t : topics) {
            subscriptions.add(new Subscription(t, qos, noLocal, retainAsPublished,
                    retainHandling == null ? 0 : retainHandling));
        }
        Properties subscribeProps = shared.properties().of(PropertyArgs.Command.SUBSCRIBE);
        MessagePrinter printer = new MessagePrinter(format, verbose, !noEol, pretty, out, err);
        PacketObserver observer = ToolConnection.observer(shared, options, out);
        client = ToolConnection.connect(shared, options, observer, p -> onMessage(p, printer), false);
        client.autoReconnect(1000, connack -> subscribe(subscriptions, subscribeProps, observer));
        long deadline = timeout > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout) : Long.MAX_VALUE;
        if (!unsubscribe.isEmpty()) {
            client.unsubscribe(unsubscribe).get(30, TimeUnit.SECONDS);
        }
        subscribe(subscriptions, subscribeProps, observer);
        boolean finished = timeout > 0
                ? done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) : awaitForever();
        try {
            client.disconnect().get(10, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
        if (!finished) {
            if (!shared.quiet) {
                err.println("Timed out");
            }
            return TIMED_OUT;
        }
        return 0;
    }

    private boolean awaitForever() throws InterruptedException {
        done.await();
        return true;
    }

    private void subscribe(List<Subscription> subscriptions, Properties props, PacketObserver observer) {
        if (subscriptions.isEmpty()) {
            if (exitAfterSubscribe) {
                done.countDown();
            }
            return;
        }
        client.subscribe(subscriptions, props).whenComplete((suback, e) -> {
            if (e != null) {
                return; // the connection went; the reconnect subscribes again
            }
            if (observer instanceof DebugLines d) {
                StringBuilder line = new StringBuilder("Subscribed (mid: " + suback.packetId() + "): ");
                for (int i = 0; i < suback.reasonCodes().size(); i++) {
                    line.append(i == 0 ? "" : ", ").append(suback.reasonCodes().get(i));
                }
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            }
            if (allDenied(suback) && !shared.quiet) {
                err.println("All subscription requests were denied.");
            }
            if (exitAfterSubscribe) {
                done.countDown();
            }
        });
    }

    private static boolean allDenied(Suback suback) {
        return suback.reasonCodes().stream().allMatch(c -> c >= 0x80);
    }

    private void onMessage(Publish p, MessagePrinter printer) {
        if (done.getCount() == 0) {
            return;
        }
        if (retainedOnly && !p.retain()) {
            done.countDown();
            return;
        }
        if (noStale && p.retain()) {
            return;
        }
        for (String f : filterOut) {
            if (TopicFilter.of(f).matches(Topic.of(p.topic()))) {
                return;
            }
        }
        if (removeRetained && p.retain() && p.payload().length > 0) {
            client.publish(new Publish(p.topic(), new byte[0], Qos.AT_MOST_ONCE, true, false, 0, Properties.EMPTY));
        }
        printer.print(p);
        if (count > 0 && printed.incrementAndGet() >= count) {
            done.countDown();
        }
    }

    private static void validateFilter(String filter, String what) throws ToolError {
        try {
            TopicFilter.validate(filter);
        } catch (MalformedPacketException e) {
            throw ToolError.usage("Error: Invalid " + what + " topic '" + filter
                    + "', are all '+' and '#' wildcards correct?");
        }
    }
}
