package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * password_file written by Debian's mosquitto_passwd, checked by HiveMQ (MQTT 5), Paho (3.1.1)
 * and mosquitto_pub / mosquitto_sub; reload; the growing delay after repeated failures.
 */
class PasswordAuthIT {
    @TempDir
    Path dir;
    private Path passwd;
    private TestBroker broker;
    private final List<Process> processes = new ArrayList<>();

    private static String exec(String... cmd) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(cmd[0])), cmd[0] + " is not installed (Debian package mosquitto)");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.exitValue() + ":" + out;
    }

    @BeforeEach
    void start() throws Exception {
        passwd = dir.resolve("passwd");
        assertThat(exec("/usr/bin/mosquitto_passwd", "-c", "-b", passwd.toString(), "alice", "secret-a")).startsWith("0:");
        assertThat(exec("/usr/bin/mosquitto_passwd", "-H", "sha512", "-b", passwd.toString(), "bob", "secret-b"))
                .startsWith("0:");
        broker = TestBroker.start(b -> b.allowAnonymous(false).passwordFile(passwd));
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        broker.close();
    }

    private Mqtt5BlockingClient v5(String id) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
    }

    private Mqtt5ConnAckReasonCode connectV5(String user, String password) {
        Mqtt5BlockingClient c = v5("pw-" + user);
        try {
            var connect = c.connectWith();
            if (user != null) {
                connect.simpleAuth().username(user).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
            }
            Mqtt5ConnAckReasonCode code = connect.send().getReasonCode();
            c.disconnect();
            return code;
        } catch (Mqtt5ConnAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    @Test
    void mqtt5_rightPasswordIn_wrongOrUnknownOut_anonymousOut() {
        assertThat(connectV5("alice", "secret-a")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(connectV5("bob", "secret-b")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(connectV5("alice", "secret-b")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connectV5("mallory", "secret-a")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connectV5(null, null)).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void mqtt311_wrongPassword_isConnackFive() throws Exception {
        var paho = new org.eclipse.paho.client.mqttv3.MqttClient(broker.tcpUrl(), "paho-pw", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName("alice");
        o.setPassword("nope".toCharArray());
        assertThatThrownBy(() -> paho.connect(o)).isInstanceOf(MqttException.class)
                .extracting(e -> ((MqttException) e).getReasonCode()).isEqualTo(5);
        o.setPassword("secret-a".toCharArray());
        paho.connect(o);
        assertThat(paho.isConnected()).isTrue();
        paho.disconnect();
        paho.close();
    }

    @Test
    void mosquittoClients_withUserAndPassword() throws Exception {
        String port = Integer.toString(broker.port());
        Process sub = new ProcessBuilder("/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-u", "alice",
                "-P", "secret-a", "-t", "pw/t", "-C", "1").start();
        processes.add(sub);
        Thread.sleep(500);
        assertThat(exec("/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-u", "bob", "-P", "secret-b",
                "-t", "pw/t", "-m", "hello")).isEqualTo("0:");
        assertThat(sub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        String refused = exec("/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-u", "bob", "-P", "wrong",
                "-t", "pw/t", "-m", "x");
        assertThat(refused).doesNotStartWith("0:").contains("not authorised");
    }

    @Test
    void reload_addsAndRemovesUsers_withoutDroppingConnectedClients() throws Exception {
        Mqtt5BlockingClient alice = v5("stay");
        alice.connectWith().simpleAuth().username("alice").password("secret-a".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        assertThat(connectV5("carol", "secret-c")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(exec("/usr/bin/mosquitto_passwd", "-b", passwd.toString(), "carol", "secret-c")).startsWith("0:");
        assertThat(exec("/usr/bin/mosquitto_passwd", "-D", passwd.toString(), "bob")).startsWith("0:");
        assertThat(connectV5("carol", "secret-c")).as("not before the reload")
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        broker.broker.reload();
        assertThat(connectV5("carol", "secret-c")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(connectV5("bob", "secret-b")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        // a broken file keeps the last good one in force
        Files.writeString(passwd, "carol:\n", java.nio.file.StandardOpenOption.APPEND);
        broker.broker.reload();
        assertThat(connectV5("carol", "secret-c")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(alice.getState().isConnected()).isTrue();
        alice.disconnect();
    }

    @Test
    void repeatedFailures_fromOneAddress_areAnsweredMoreSlowly() {
        long[] millis = new long[5];
        for (int i = 0; i < millis.length; i++) {
            long t0 = System.nanoTime();
            assertThat(connectV5("alice", "guess" + i)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
            millis[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        // two free failures, then 250 ms, 500 ms, 1 s before the refusal goes out
        assertThat(millis[3]).isGreaterThanOrEqualTo(450);
        assertThat(millis[4]).isGreaterThanOrEqualTo(950);
        // the right password still gets in, and clears the address's record
        assertThat(connectV5("alice", "secret-a")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        long t0 = System.nanoTime();
        assertThat(connectV5("alice", "guess")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(millis[4]);
    }
}
