package dev.midge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.midge.broker.Broker;
import dev.midge.client.ClientOptions;
import dev.midge.client.MqttClient;
import dev.midge.client.PacketObserver;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** midge pub / sub / rr / passwd against Debian's mosquitto broker and against Midge, TLS included. */
class ClientToolsIT {
    @TempDir
    Path dir;
    private Tools tools;
    private Broker broker;

    @BeforeEach
    void tools() {
        tools = new Tools(dir);
    }

    @AfterEach
    void close() {
        tools.close();
        if (broker != null) {
            broker.stop();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void await(Tools.Run run, String text) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> run.stdout().contains(text));
    }

    @Test
    void pubAndSub_againstDebiansMosquittoBroker() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mosquitto")), "mosquitto is not installed");
        int port = freePort();
        Path conf = Files.writeString(dir.resolve("m.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
        tools.startWithInput(List.of("/usr/sbin/mosquitto", "-c", conf.toString()), null);
        Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            new java.net.Socket("127.0.0.1", port).close();
            return true;
        });
        String p = Integer.toString(port);
        Tools.Run sub = tools.midge("sub", "-p", p, "-t", "m/#", "-v", "-q", "2", "-C", "3");
        Thread.sleep(1500); // mosquitto gives no way to see the subscription from outside
        assertThat(tools.midge("pub", "-p", p, "-t", "m/1", "-m", "q0").exit()).isZero();
        assertThat(tools.midge("pub", "-p", p, "-t", "m/2", "-m", "q1", "-q", "1").exit()).isZero();
        assertThat(tools.midge("pub", "-p", p, "-t", "m/3", "-m", "q2", "-q", "2", "-V", "5").exit()).isZero();
        assertThat(sub.exit()).isZero();
        assertThat(sub.stdout()).isEqualTo("m/1 q0\nm/2 q1\nm/3 q2\n");
    }

    @Test
    void pubStdinLines_repeat_andFile_againstMidge() throws Exception {
        broker = Tools.broker(b -> b);
        String p = Integer.toString(broker.port());
        Tools.Run sub = tools.midge("sub", "-p", p, "-t", "in/#", "-C", "6", "-q", "1");
        Tools.awaitSubscribers(broker, "in/x", 1);
        Path lines = Files.writeString(dir.resolve("lines.txt"), "first\nsecond\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertThat(tools.startWithInput(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "pub", "-p", p, "-t", "in/l", "-l", "-q", "1"), lines).exit()).isZero();
        assertThat(tools.midge("pub", "-p", p, "-t", "in/r", "-m", "again", "--repeat", "2", "-q", "2").exit())
                .isZero();
        Path file = Files.writeString(dir.resolve("payload.bin"), "from a file");
        Path options = Files.writeString(dir.resolve("pub.opts"), "# connection\n-p " + p + "\n-q 1\n");
        assertThat(tools.midge("pub", "-o", options.toString(), "-t", "in/f", "-f", file.toString()).exit()).isZero();
        assertThat(tools.midge("pub", "-p", p, "-t", "in/n", "-n", "-q", "1").exit()).isZero();
        assertThat(sub.exit()).isZero();
        assertThat(sub.stdout()).isEqualTo("first\nsecond\nagain\nagain\nfrom a file\n");
    }

    /** A CA and a server certificate for localhost, made with the openssl command line. */
    private Path[] certificates() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Path ca = dir.resolve("ca.pem");
        Path caKey = dir.resolve("ca.key");
        Path key = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Path cert = dir.resolve("server.pem");
        Path ext = Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "2", "-subj", "/CN=Tools CA");
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=localhost");
        run("openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
        return new Path[] {ca, cert, key};
    }

    private void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void tls_withCafileAndMqttsUrl_andATlsFailureExplained() throws Exception {
        Path[] c = certificates();
        broker = Tools.broker(b -> {
            b.currentListener().tls(c[1], c[2]);
            return b;
        });
        String url = "mqtts://localhost:" + broker.port() + "/secure/topic";
        Tools.Run sub = tools.midge("sub", "--cafile", c[0].toString(), "-L", url, "-C", "1", "-v");
        Tools.awaitSubscribers(broker, "secure/topic", 1);
        assertThat(tools.midge("pub", "--cafile", c[0].toString(), "-L", url, "-m", "sealed", "-q", "1").exit())
                .isZero();
        assertThat(sub.exit()).isZero();
        assertThat(sub.stdout()).isEqualTo("secure/topic sealed\n");
        // no CA that signed the server: TLS error, exit code 8, a readable reason
        Tools.Run untrusted = tools.midge("pub", "--tls-use-os-certs", "-L", url, "-m", "x");
        assertThat(untrusted.exit()).isEqualTo(8);
        assertThat(untrusted.stderr()).contains("TLS error").contains("Error: A TLS error occurred.")
                .doesNotContain("Exception");
        // and Debian's mosquitto_sub reads what midge pub sends over TLS
        if (Files.isExecutable(Path.of("/usr/bin/mosquitto_sub"))) {
            Tools.Run msub = tools.mosquitto("mosquitto_sub", "--cafile", c[0].toString(), "-L", url, "-C", "1");
            Tools.awaitSubscribers(broker, "secure/topic", 1);
            assertThat(tools.midge("pub", "--cafile", c[0].toString(), "-L", url, "-m", "to mosquitto").exit()).isZero();
            assertThat(msub.exit()).isZero();
            assertThat(msub.stdout()).isEqualTo("to mosquitto\n");
        }
    }

    @Test
    void unstableNetwork_persistentSubscriberGetsTheRetainedQos2MessageOnReconnect() throws Exception {
        broker = Tools.broker(b -> b);
        String p = Integer.toString(broker.port());
        Tools.Run first = tools.midge("sub", "-p", p, "-c", "-i", "field-unit", "-q", "2", "-t", "plant/#", "-E");
        assertThat(first.exit()).isZero(); // subscribed, session kept, gone
        assertThat(tools.midge("pub", "-p", p, "-t", "plant/valve", "-m", "closed", "-q", "2", "-r").exit()).isZero();
        Tools.Run back = tools.midge("sub", "-p", p, "-c", "-i", "field-unit", "-q", "2", "-t", "plant/#", "-C", "1",
                "-v");
        assertThat(back.exit()).isZero();
        assertThat(back.stdout()).isEqualTo("plant/valve closed\n");
    }

    @Test
    void sub_reconnectsWhenTheBrokerComesBack_andResumesItsSession() throws Exception {
        int port = freePort();
        broker = Tools.broker(b -> b);
        broker.stop();
        broker = new Broker(dev.midge.broker.config.BrokerConfig.builder().listener("127.0.0.1", port)
                .allowAnonymous(true).sysInterval(0).persistence(true).persistenceLocation(dir.resolve("data"))
                .build()).start();
        String p = Integer.toString(port);
        Tools.Run sub = tools.midge("sub", "-p", p, "-c", "-i", "roamer", "-q", "1", "-t", "r/#", "-C", "2", "-v");
        Tools.awaitSubscribers(broker, "r/x", 1);
        assertThat(tools.midge("pub", "-p", p, "-t", "r/1", "-m", "before", "-q", "1").exit()).isZero();
        await(sub, "r/1 before");
        broker.stop();
        broker = new Broker(dev.midge.broker.config.BrokerConfig.builder().listener("127.0.0.1", port)
                .allowAnonymous(true).sysInterval(0).persistence(true).persistenceLocation(dir.resolve("data"))
                .build()).start();
        Tools.awaitSubscribers(broker, "r/x", 1); // the stored subscription
        assertThat(tools.midge("pub", "-p", p, "-t", "r/2", "-m", "after", "-q", "1").exit()).isZero();
        assertThat(sub.exit()).isZero();
        assertThat(sub.stdout()).isEqualTo("r/1 before\nr/2 after\n");
    }

    @Test
    void rr_sendsResponseTopicAndCorrelationData_printsTheResponse() throws Exception {
        broker = Tools.broker(b -> b);
        AtomicReference<MqttClient> responder = new AtomicReference<>();
        MqttClient r = MqttClient.create(ClientOptions.of("127.0.0.1", broker.port(), "responder")
                .withVersion(dev.midge.codec.packet.MqttVersion.MQTT_5), PacketObserver.NONE, req -> {
                    String to = req.properties().string(Property.RESPONSE_TOPIC);
                    byte[] corr = req.properties().binary(Property.CORRELATION_DATA);
                    responder.get().publish(new Publish(to, ("pong:" + new String(req.payload(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8), Qos.AT_MOST_ONCE, false, false, 0,
                            Properties.builder().put(Property.CORRELATION_DATA, corr).build()));
                });
        responder.set(r);
        try (r) {
            r.connect().get(10, TimeUnit.SECONDS);
            r.subscribe(List.of(new Subscription("service/#", Qos.AT_MOST_ONCE, false, false, 0)))
                    .get(10, TimeUnit.SECONDS);
            Tools.Run rr = tools.midge("rr", "-p", Integer.toString(broker.port()), "-t", "service/echo",
                    "-e", "replies/me", "-m", "ping", "-W", "10");
            assertThat(rr.exit()).isZero();
            assertThat(rr.stdout()).isEqualTo("pong:ping\n");
            Tools.Run unanswered = tools.midge("rr", "-p", Integer.toString(broker.port()), "-t", "nobody/home",
                    "-e", "replies/me", "-m", "ping", "-W", "1");
            assertThat(unanswered.exit()).isEqualTo(27);
            assertThat(unanswered.stderr()).isEqualTo("Timed out\n");
        }
    }

    @Test
    void passwd_writesFilesTheBrokerAndMosquittoPasswdAgreeOn() throws Exception {
        Path file = dir.resolve("passwd");
        assertThat(tools.midge("passwd", "-c", "-b", file.toString(), "alice", "a-secret").exit()).isZero();
        assertThat(tools.midge("passwd", "-H", "argon2id", "-b", file.toString(), "bob", "b-secret").exit()).isZero();
        assertThat(tools.midge("passwd", "-H", "sha512", "-b", file.toString(), "carol", "c-secret").exit()).isZero();
        String text = Files.readString(file);
        assertThat(text).contains("alice:$7$101$").contains("bob:$argon2id$v=19$").contains("carol:$6$");
        if (Files.isExecutable(Path.of("/usr/bin/mosquitto_passwd"))) {
            // Debian's tool adds a user to Midge's file and leaves the other lines as they are
            run("/usr/bin/mosquitto_passwd", "-b", file.toString(), "dave", "d-secret");
            assertThat(Files.readString(file)).startsWith(text);
        }
        assertThat(tools.midge("passwd", "-D", file.toString(), "carol").exit()).isZero();
        Path plain = Files.writeString(dir.resolve("plain"), "# users\nerin:e-secret\n");
        assertThat(tools.midge("passwd", "-U", plain.toString()).exit()).isZero();
        assertThat(Files.readString(plain)).startsWith("# users\nerin:$7$");
        broker = Tools.broker(b -> b.allowAnonymous(false).passwordFile(file));
        String p = Integer.toString(broker.port());
        for (String[] userPass : new String[][] {{"alice", "a-secret"}, {"bob", "b-secret"}, {"dave", "d-secret"}}) {
            assertThat(tools.midge("pub", "-p", p, "-u", userPass[0], "-P", userPass[1], "-t", "t", "-m", "x").exit())
                    .as(userPass[0]).isZero();
        }
        Tools.Run gone = tools.midge("pub", "-p", p, "-u", "carol", "-P", "c-secret", "-t", "t", "-m", "x");
        assertThat(gone.exit()).isEqualTo(5);
        assertThat(gone.stderr()).startsWith("Connection error: Connection Refused: not authorised.");
    }

    @Test
    void bench_fanInQos1AndConn_reportNoLossAndAResultLine() throws Exception {
        broker = Tools.broker(b -> b.maxQueuedMessages(0));
        String p = Integer.toString(broker.port());
        Tools.Run fanin = tools.midge("bench", "fanin", "-p", p, "-c", "3", "-q", "1", "-d", "2");
        assertThat(fanin.exit()).isZero();
        String result = fanin.stdout().lines().filter(l -> l.startsWith("RESULT")).findFirst().orElseThrow();
        assertThat(result).contains("scenario=fanin", "qos=1", "pubs=3", "subs=1", " lost=0 ", " dup=0 ",
                " reorder=0 ");
        assertThat(fanin.stdout()).contains("   1s  sent/s", "   2s  sent/s");
        Tools.Run conn = tools.midge("bench", "conn", "-p", p, "-c", "200", "-d", "1");
        assertThat(conn.exit()).isZero();
        assertThat(conn.stdout()).contains("RESULT scenario=conn conns=200 connected=200 failed=0");
    }
}
