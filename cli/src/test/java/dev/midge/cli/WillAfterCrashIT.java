package dev.midge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wills survive a crash of the broker (SIGKILL): a will held for a connected client, or waiting
 * out its will delay, goes out after the restart as if the connection had been lost then, and
 * exactly once; a will its client discarded (normal DISCONNECT) or cancelled (by coming back
 * within the delay) never does. The clients are HiveMQ's.
 */
class WillAfterCrashIT {
    @TempDir
    Path dir;
    private ChildBroker broker;
    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        cleanup.forEach(c -> {
            try {
                c.run();
            } catch (RuntimeException ignored) {
                // the broker was killed under it
            }
        });
        if (broker != null) {
            broker.stop();
        }
    }

    private Mqtt5BlockingClient v5(String id, int port) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(port).buildBlocking();
        cleanup.add(() -> {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        });
        return c;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What the watcher receives within {@code millis}, as "topic=payload". */
    private static List<String> receive(Mqtt5BlockingClient.Mqtt5Publishes publishes, long millis)
            throws InterruptedException {
        List<String> got = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return got;
            }
            Optional<Mqtt5Publish> p = publishes.receive(left, TimeUnit.NANOSECONDS);
            p.ifPresent(m -> got.add(m.getTopic() + "=" + new String(m.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        }
    }

    @Test
    void sigkill_heldAndDelayedWillsGoOutOnceAfterRestart_discardedAndCancelledOnesNever() throws Exception {
        int port = ChildBroker.freePort();
        broker = ChildBroker.durable(dir, port, "");
        broker.start();

        Mqtt5BlockingClient watcher = v5("watcher", port);
        watcher.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        watcher.subscribeWith().topicFilter("wills/#").qos(MqttQos.AT_LEAST_ONCE).send();
        watcher.disconnect();

        // MQTT 3.1.1, clean session: its will goes out at once when the connection is lost
        Mqtt3BlockingClient clean = MqttClient.builder().useMqttVersion3().identifier("clean")
                .serverHost("127.0.0.1").serverPort(port).buildBlocking();
        clean.connectWith().cleanSession(true).willPublish().topic("wills/clean").payload(text("clean"))
                .qos(MqttQos.AT_LEAST_ONCE).applyWillPublish().send();
        // a normal DISCONNECT discards the will
        Mqtt3BlockingClient polite = MqttClient.builder().useMqttVersion3().identifier("polite")
                .serverHost("127.0.0.1").serverPort(port).buildBlocking();
        polite.connectWith().willPublish().topic("wills/polite").payload(text("polite")).applyWillPublish().send();
        polite.disconnect();
        // MQTT 5 sessions with a will delay: one never comes back, one comes back in time
        v5("delayed", port).connectWith().cleanStart(true).sessionExpiryInterval(300).willPublish()
                .topic("wills/delayed").payload(text("delayed")).qos(MqttQos.AT_LEAST_ONCE).delayInterval(2)
                .applyWillPublish().send();
        v5("back", port).connectWith().cleanStart(true).sessionExpiryInterval(300).willPublish()
                .topic("wills/back").payload(text("back")).qos(MqttQos.AT_LEAST_ONCE).delayInterval(60)
                .applyWillPublish().send();

        broker.kill();
        broker.start();
        Mqtt5BlockingClient back = v5("back", port);
        assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent())
                .isTrue();
        back.disconnect();

        watcher = v5("watcher", port);
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(watcher.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
                    .isTrue();
            // the held will at once, the delayed one after its 2 s; nothing else
            assertThat(receive(publishes, 5_000)).containsExactlyInAnyOrder("wills/clean=clean",
                    "wills/delayed=delayed");
            watcher.disconnect();
        }

        // published exactly once: another crash brings neither back
        Thread.sleep(300);
        broker.kill();
        broker.start();
        watcher = v5("watcher", port);
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            assertThat(receive(publishes, 2_500)).isEmpty();
        }
        assertThat(broker.output()).contains("and 0 wills from the store");
    }
}
