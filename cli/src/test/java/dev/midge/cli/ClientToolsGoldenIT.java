package dev.midge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.broker.Broker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden tests: Debian's mosquitto_sub / mosquitto_pub and midge sub / midge pub run with the same
 * flags against the same broker and the same messages, and must print the same bytes (time stamps
 * and broker-assigned client ids aside) and exit with the same code.
 */
class ClientToolsGoldenIT {
    private static Broker broker;
    @TempDir
    Path dir;
    private Tools tools;
    private static int prefixes;

    @BeforeAll
    static void startBroker() throws Exception {
        Tools.requireMosquitto();
        broker = Tools.broker(b -> b);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    @BeforeEach
    void tools() {
        tools = new Tools(dir);
    }

    @AfterEach
    void close() {
        tools.close();
    }

    private String port() {
        return Integer.toString(broker.port());
    }

    /** A message for mosquitto_pub: its payload and extra flags. */
    private record Msg(String subtopic, String payload, String... flags) {
    }

    private static String normalize(String out) {
        return out.replaceAll("\"tst\":(\t?)\"[^\"]*\"", "\"tst\":$1\"T\"")
                .replaceAll("auto-[0-9A-Fa-f-]+", "ID");
    }

    /** Runs both subscribers with {@code flags}, publishes {@code messages} one by one, compares. */
    private void sameOutput(List<String> flags, List<Msg> messages) throws Exception {
        String prefix = "golden" + (++prefixes);
        List<String> args = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", port(), "-t", prefix + "/#",
                "-C", Integer.toString(messages.size())));
        args.addAll(flags);
        Tools.Run mosquitto = tools.mosquitto("mosquitto_sub", args.toArray(String[]::new));
        List<String> midgeArgs = new ArrayList<>(List.of("sub"));
        midgeArgs.addAll(args);
        Tools.Run midge = tools.midge(midgeArgs.toArray(String[]::new));
        Tools.awaitSubscribers(broker, prefix + "/x", 2);
        for (Msg m : messages) {
            List<String> pub = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", port(), "-t", prefix + "/" + m.subtopic()));
            pub.addAll(m.payload() == null ? List.of("-n") : List.of("-m", m.payload()));
            pub.addAll(List.of(m.flags()));
            assertThat(tools.mosquitto("mosquitto_pub", pub.toArray(String[]::new)).exit()).isZero();
            if (m.payload() != null && !m.payload().isEmpty()) {
                // one message at a time: both have printed it before the next goes out
                String marker = m.payload().substring(0, Math.min(3, m.payload().length()));
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> (flags.contains("-F")
                        || mosquitto.stdout().contains(marker) && midge.stdout().contains(marker))
                        && !mosquitto.stdout().isEmpty() && !midge.stdout().isEmpty());
            } else {
                Thread.sleep(300);
            }
        }
        int mosquittoExit = mosquitto.exit();
        int midgeExit = midge.exit();
        assertThat(normalize(midge.stdout())).as("midge sub %s", flags).isEqualTo(normalize(mosquitto.stdout()));
        assertThat(midgeExit).isEqualTo(mosquittoExit);
    }

    private static final List<Msg> MIXED = List.of(
            new Msg("a", "plain text", "-q", "1"),
            new Msg("b", ""),
            new Msg("c/d", "{\"a\": [1, 2.50, {\"b\": null}, [], {}], \"c\": \"x\\ty\", \"d\": 1e300, \"e\": -0.1}"),
            new Msg("e", "tab\tand ünïcødé", "-q", "2", "-r"));

    @Test
    void verbose_qos1() throws Exception {
        sameOutput(List.of("-v", "-q", "1"), MIXED);
    }

    @Test
    void plain_andNoEndOfLine() throws Exception {
        sameOutput(List.of(), MIXED);
        sameOutput(List.of("-N"), MIXED);
    }

    @Test
    void formats() throws Exception {
        sameOutput(List.of("-q", "2", "-F", "%t|%p|%q|%r|%l|%m|%x|%X|%%|%C|%R|%-8t|%8l|%05l|%.2t|\\t@@|\\\\"), MIXED);
    }

    @Test
    void jsonFormats_andPretty() throws Exception {
        sameOutput(List.of("-F", "%j"), MIXED);
        sameOutput(List.of("-F", "%J", "--pretty", "-V", "5", "-q", "1"), MIXED);
    }

    @Test
    void debugLines_subscriber() throws Exception {
        sameOutput(List.of("-d", "-q", "2", "-v"), MIXED);
        sameOutput(List.of("-d", "-q", "1", "-V", "mqttv5"), MIXED);
    }

    @Test
    void debugLines_publisher_everyQos() throws Exception {
        for (String[] extra : new String[][] {{"-q", "0"}, {"-q", "1"}, {"-q", "2", "-r"}, {"-q", "1", "-V", "5"}}) {
            List<String> args = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", port(), "-d", "-t", "golden/pub",
                    "-m", "payload of 37 bytes, more or less....."));
            args.addAll(List.of(extra));
            Tools.Run q = tools.mosquitto("mosquitto_pub", args.toArray(String[]::new));
            List<String> m = new ArrayList<>(List.of("pub"));
            m.addAll(args);
            Tools.Run g = tools.midge(m.toArray(String[]::new));
            assertThat(g.exit()).isEqualTo(q.exit());
            assertThat(normalize(g.stdout())).as("midge pub %s", List.of(extra)).isEqualTo(normalize(q.stdout()));
        }
    }

    @Test
    void errors_sameMessageAndExitCode() throws Exception {
        String[][] cases = {
                {"sub", "-p", port()},
                {"sub", "-p", port(), "-t", "a", "--bogus"},
                {"pub", "-p", port(), "-m", "x"},
                {"pub", "-p", port(), "-t", "a/#", "-m", "x"},
                {"sub", "-p", port(), "-t", "a/#/b"},
                {"sub", "-p", port(), "-t", "a", "-V", "7"},
        };
        for (String[] c : cases) {
            String[] rest = java.util.Arrays.copyOfRange(c, 1, c.length);
            Tools.Run q = tools.mosquitto("mosquitto_" + c[0], rest);
            Tools.Run g = tools.midge(c);
            assertThat(g.exit()).as("exit code of %s", List.of(c)).isEqualTo(q.exit());
            String first = q.stderr().lines().findFirst().orElse("");
            assertThat(g.stderr().lines().findFirst().orElse("")).as("first error line of %s", List.of(c))
                    .isEqualTo(first);
        }
    }
}
