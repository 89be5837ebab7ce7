package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interop with Debian's mosquitto_pub and mosquitto_sub. Skipped where they are not installed;
 * CI installs them.
 */
class MosquittoClientsIT {
    private TestBroker broker;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void requireMosquittoClients() {
        Assumptions.assumeTrue(new File("/usr/bin/mosquitto_sub").canExecute()
                        && new File("/usr/bin/mosquitto_pub").canExecute(),
                "mosquitto-clients is not installed");
    }

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        broker.close();
    }

    private Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        processes.add(p);
        return p;
    }

    private String port() {
        return Integer.toString(broker.port());
    }

    /** Runs a command to completion and returns its standard output. */
    private String run(String... command) throws Exception {
        Process p = start(command);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code of %s; stderr: %s", String.join(" ", command), err).isZero();
        return out;
    }

    private void awaitSubscriptions(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker.context().topics().size() == n);
    }

    @Test
    void mosquittoSub_receivesHiFromMosquittoPub() throws Exception {
        Process sub = start("mosquitto_sub", "-h", "127.0.0.1", "-p", port(), "-t", "greeting", "-C", "1",
                "-W", "15");
        awaitSubscriptions(1);
        run("mosquitto_pub", "-h", "127.0.0.1", "-p", port(), "-t", "greeting", "-m", "Hi!");
        assertThat(sub.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Hi!\n");
        assertThat(sub.exitValue()).isZero();
    }

    @Test
    void retainedQos2_publishedWhileOffline_receivedWithRetainFlag() throws Exception {
        run("mosquitto_pub", "-h", "127.0.0.1", "-p", port(), "-t", "config/mode", "-m", "eco", "-q", "2", "-r");
        String out = run("mosquitto_sub", "-h", "127.0.0.1", "-p", port(), "-t", "config/#", "-q", "2", "-C", "1",
                "-W", "10", "-F", "%r %q %t %p");
        assertThat(out).isEqualTo("1 2 config/mode eco\n");
    }

    @Test
    void persistentSubscriber_offline_receivesEveryQos1MessageInOrder() throws Exception {
        String[] sub = {"mosquitto_sub", "-h", "127.0.0.1", "-p", port(), "-c", "-q", "1", "-i", "mosq-persistent",
                "-t", "log/lines"};
        run(concat(sub, "-E"));
        int n = 100;
        String lines = IntStream.range(0, n).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
        Process pub = start("mosquitto_pub", "-h", "127.0.0.1", "-p", port(), "-t", "log/lines", "-q", "1", "-l");
        pub.getOutputStream().write(lines.getBytes(StandardCharsets.UTF_8));
        pub.getOutputStream().close();
        assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).isZero();
        String out = run(concat(sub, "-C", Integer.toString(n), "-W", "15"));
        assertThat(out).isEqualTo(lines);
    }

    @Test
    void mqtt5Clients_userPropertiesAndAssignedClientId() throws Exception {
        Process sub = start("mosquitto_sub", "-V", "mqttv5", "-h", "127.0.0.1", "-p", port(), "-t", "v5/#",
                "-C", "1", "-W", "15", "-F", "%t %p %P", "-d");
        awaitSubscriptions(1);
        run("mosquitto_pub", "-V", "mqttv5", "-h", "127.0.0.1", "-p", port(), "-t", "v5/x", "-m", "hello", "-q", "1",
                "-D", "publish", "user-property", "site", "north");
        assertThat(sub.waitFor(15, TimeUnit.SECONDS)).isTrue();
        String out = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("v5/x hello site:north");
        // the broker assigned the empty client id and told the client in CONNACK
        assertThat(out).containsPattern("Client auto-[0-9a-f-]+ received CONNACK \\(0\\)");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
