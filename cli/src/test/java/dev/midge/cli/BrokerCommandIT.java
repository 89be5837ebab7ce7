package dev.midge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.client.ClientOptions;
import dev.midge.client.MqttClient;
import dev.midge.client.PacketObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code midge broker} as a separate JVM, the way ./midge runs it: startup line, config errors, SIGTERM. */
class BrokerCommandIT {
    @TempDir
    Path dir;
    private Process process;

    @AfterEach
    void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private Process midge(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] command = new String[args.length + 4];
        command[0] = java;
        command[1] = "-cp";
        command[2] = System.getProperty("java.class.path");
        command[3] = Main.class.getName();
        System.arraycopy(args, 0, command, 4, args.length);
        // the working directory is the temp dir: the default store ./midge-data lands there
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile()).start();
        return process;
    }

    private String output() throws IOException {
        return Files.readString(dir.resolve("out.log"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void broker_startsOnLocalhost_servesClients_stopsOnSigterm() throws Exception {
        int port = freePort();
        Process p = midge("broker", "-p", Integer.toString(port), "-v");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> output().contains("running on"));
        assertThat(output()).contains("127.0.0.1:" + port).contains("anonymous access is on")
                .contains("local only");
        try (MqttClient c = MqttClient.create(ClientOptions.of("127.0.0.1", port, "cli-test"), PacketObserver.NONE,
                m -> { })) {
            assertThat(c.connect().get(5, TimeUnit.SECONDS).reasonCode()).isZero();
            c.disconnect().get(5, TimeUnit.SECONDS);
        }
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> output().contains("New client connected from 127.0.0.1:"));
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(output()).contains("midge stopped.");
    }

    @Test
    void broker_malformedConfigLine_exitsNamingFileAndLine() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "# a comment\nlistener abc\n");
        Process p = midge("broker", "-c", conf.toString());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(output()).contains(conf + ":2: port: 'abc' is not a number");
    }

    @Test
    void broker_configWithListener_anonymousOffExplained() throws Exception {
        int port = freePort();
        Path conf = dir.resolve("listener.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nautosave_interval 1800\n");
        midge("broker", "-c", conf.toString());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> output().contains("running on"));
        assertThat(output()).contains("anonymous access is off")
                .contains("allow_anonymous defaults to false once a listener is configured")
                .contains(conf + ":2: 'autosave_interval' is a Mosquitto option Midge does not support yet");
    }

    private static int connectAs(int port, String user, String password) throws Exception {
        ClientOptions o = ClientOptions.of("127.0.0.1", port, "cli-" + user)
                .withCredentials(user, password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (MqttClient c = MqttClient.create(o, PacketObserver.NONE, m -> { })) {
            int code = c.connect().get(10, TimeUnit.SECONDS).reasonCode();
            c.disconnect().get(5, TimeUnit.SECONDS);
            return code;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof dev.midge.client.MqttClientException refused && refused.reasonCode() > 0) {
                return refused.reasonCode();
            }
            throw e;
        }
    }

    @Test
    void broker_sighupReloadsThePasswordFile_pidFileAndLogFileAsConfigured() throws Exception {
        Path passwd = dir.resolve("passwd");
        Path hashTool = Path.of("/usr/bin/mosquitto_passwd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(hashTool), "mosquitto_passwd not installed");
        assertThat(new ProcessBuilder(hashTool.toString(), "-c", "-b", passwd.toString(), "ann", "pw-ann").start()
                .waitFor()).isZero();
        int port = freePort();
        Path conf = dir.resolve("auth.conf");
        Path log = dir.resolve("midge.log");
        Path pid = dir.resolve("midge.pid");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\npassword_file " + passwd + "\npid_file " + pid
                + "\nlog_dest file " + log + "\nlog_type all\n");
        Process p = midge("broker", "-c", conf.toString());
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> Files.exists(log) && Files.readString(log).contains("running on"));
        assertThat(Files.readString(pid).strip()).isEqualTo(Long.toString(p.pid()));
        assertThat(connectAs(port, "ann", "pw-ann")).isZero();
        assertThat(connectAs(port, "ben", "pw-ben")).isEqualTo(5);
        assertThat(new ProcessBuilder(hashTool.toString(), "-b", passwd.toString(), "ben", "pw-ben").start()
                .waitFor()).isZero();
        new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("Reloaded password file"));
        assertThat(connectAs(port, "ben", "pw-ben")).isZero();
        assertThat(p.isAlive()).isTrue();
        p.destroy();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.exists(pid)).as("pid file removed at exit").isFalse();
        assertThat(Files.readString(log)).contains("New client connected").contains("midge stopped.");
    }
}
