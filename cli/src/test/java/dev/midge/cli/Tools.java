package dev.midge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.broker.Broker;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.subscription.Subscriber;
import dev.midge.broker.subscription.SharedGroup;
import dev.midge.broker.subscription.TopicTree;
import dev.midge.codec.topic.Topic;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the client tools for tests: Midge's as a child JVM ({@code java -cp ... Main sub ...}), the
 * way ./midge runs them, and Debian's mosquitto_* binaries; output goes to files in a temp dir.
 */
final class Tools implements AutoCloseable {
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private int counter;

    Tools(Path dir) {
        this.dir = dir;
    }

    static void requireMosquitto() {
        Assumptions.assumeTrue(new File("/usr/bin/mosquitto_sub").canExecute()
                && new File("/usr/bin/mosquitto_pub").canExecute(), "mosquitto-clients is not installed");
    }

    /** A started process and the files its output goes to. */
    record Run(Process process, Path out, Path err) {
        String stdout() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        int exit() throws InterruptedException {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("process ended").isTrue();
            return process.exitValue();
        }
    }

    Run midge(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return start(cmd, null);
    }

    Run mosquitto(String tool, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/" + tool));
        cmd.addAll(List.of(args));
        return start(cmd, null);
    }

    Run startWithInput(List<String> cmd, Path input) throws IOException {
        return start(cmd, input);
    }

    private Run start(List<String> cmd, Path input) throws IOException {
        int n = ++counter;
        Path out = dir.resolve("out-" + n + ".txt");
        Path err = dir.resolve("err-" + n + ".txt");
        ProcessBuilder b = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (input != null) {
            b.redirectInput(input.toFile());
        }
        Process p = b.start();
        processes.add(p);
        return new Run(p, out, err);
    }

    /** Waits until {@code count} sessions subscribe to filters that match {@code topic}. */
    static void awaitSubscribers(Broker broker, String topic, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> subscribers(broker, topic) >= count);
    }

    static int subscribers(Broker broker, String topic) {
        int[] n = {0};
        broker.context().topics().match(Topic.of(topic), new TopicTree.Visitor() {
            @Override
            public void subscriber(Subscriber s) {
                n[0]++;
            }

            @Override
            public void shared(SharedGroup group) {
            }
        });
        return n[0];
    }

    static Broker broker(UnaryOperator<BrokerConfig.Builder> settings) throws Exception {
        return new Broker(settings.apply(BrokerConfig.builder().listener("127.0.0.1", 0).allowAnonymous(true)
                .sysInterval(0).persistence(false)).build()).start();
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
