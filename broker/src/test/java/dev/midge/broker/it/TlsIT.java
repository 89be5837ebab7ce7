package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS listeners: server authentication, mutual TLS, identity as user name, CRL, certificate reload. */
class TlsIT {
    @TempDir
    Path dir;
    private TestBroker broker;
    private final List<Process> processes = new ArrayList<>();
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        for (Mqtt5BlockingClient c : clients) {
            try {
                c.disconnect();
            } catch (com.hivemq.client.mqtt.exceptions.MqttClientStateException alreadyGone) {
                // closed by the broker or the test: nothing to disconnect
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    private TestCertificates ca;
    private Path caFile;
    private Path certFile;
    private Path keyFile;

    private void serverCertificate(String cn) throws Exception {
        if (ca == null) {
            ca = new TestCertificates("Midge Test CA");
            caFile = TestCertificates.writePem(dir.resolve("ca.pem"), ca.ca);
        }
        TestCertificates.Issued server = ca.issue("CN=" + cn, true);
        // key first, then the certificate: the reload must not catch a mismatched pair for good
        keyFile = TestCertificates.writePem(dir.resolve("server.key"), server.key().getPrivate());
        certFile = TestCertificates.writePem(dir.resolve("server.pem"), server.certificate());
    }

    private static TrustManagerFactory trust(X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }

    private static KeyManagerFactory keys(TestCertificates.Issued client) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", client.key().getPrivate(), "pw".toCharArray(),
                new Certificate[] {client.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        return kmf;
    }

    private Mqtt5BlockingClient tlsClient(String id, KeyManagerFactory clientKeys) throws Exception {
        var ssl = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port()).sslConfig().trustManagerFactory(trust(ca.ca));
        if (clientKeys != null) {
            ssl = ssl.keyManagerFactory(clientKeys);
        }
        Mqtt5BlockingClient c = ssl.applySslConfig().buildBlocking();
        clients.add(c);
        return c;
    }

    private static Optional<String> receive(Mqtt5BlockingClient.Mqtt5Publishes in) throws InterruptedException {
        Optional<Mqtt5Publish> p = in.receive(5, TimeUnit.SECONDS);
        return p.map(m -> new String(m.getPayloadAsBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void serverAuthentication_hivemqAndMosquittoClientsOverMqtts() throws Exception {
        serverCertificate("localhost");
        broker = TestBroker.start(b -> {
            b.currentListener().tls(certFile, keyFile);
            return b;
        });
        Mqtt5BlockingClient sub = tlsClient("tls-sub", null);
        sub.connect();
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("tls/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient pub = tlsClient("tls-pub", null);
            pub.connect();
            pub.publishWith().topic("tls/a").qos(MqttQos.AT_LEAST_ONCE).payload("over tls".getBytes()).send();
            assertThat(receive(in)).contains("over tls");

            assumeTrue(Files.isExecutable(Path.of("/usr/bin/mosquitto_pub")), "mosquitto-clients not installed");
            String url = "mqtts://localhost:" + broker.port() + "/tls/m";
            Process p = new ProcessBuilder("/usr/bin/mosquitto_pub", "--cafile", caFile.toString(), "-L", url,
                    "-m", "from mosquitto_pub", "-q", "1").redirectErrorStream(true).start();
            processes.add(p);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
            assertThat(receive(in)).contains("from mosquitto_pub");

            Process s = new ProcessBuilder("/usr/bin/mosquitto_sub", "--cafile", caFile.toString(), "-L",
                    "mqtts://localhost:" + broker.port() + "/tls/back", "-C", "1").start();
            processes.add(s);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                pub.publishWith().topic("tls/back").payload("to mosquitto_sub".getBytes()).send();
                return s.waitFor(200, TimeUnit.MILLISECONDS);
            });
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("to mosquitto_sub\n");

            // a client that does not trust the CA is turned away by its own check; plain MQTT gets nothing
            Process untrusted = new ProcessBuilder("/usr/bin/mosquitto_pub", "--capath", "/nonexistent", "-L", url,
                    "-m", "x").redirectErrorStream(true).start();
            processes.add(untrusted);
            assertThat(untrusted.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(untrusted.exitValue()).isNotZero();
        }
    }

    @Test
    void idleTlsConnection_keepsItsChannel_andStillGetsMessages() throws Exception {
        serverCertificate("localhost");
        broker = TestBroker.start(b -> {
            b.currentListener().tls(certFile, keyFile);
            return b;
        });
        Mqtt5BlockingClient sub = tlsClient("tls-idle", null);
        sub.connect();
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("idle/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient quiet = tlsClient("tls-quiet", null);
            quiet.connect();
            Thread.sleep(600); // past the first look after CONNACK, when a plain TCP client sleeps
            // the TLS session's state lives in the pipeline: such a connection never sleeps
            assertThat(broker.broker.context().metrics().connectionsAsleep()).isZero();
            quiet.publishWith().topic("idle/a").qos(MqttQos.AT_LEAST_ONCE).payload("still here".getBytes()).send();
            assertThat(receive(in)).contains("still here");
        }
    }

    @Test
    void mutualTls_identityAsUsername_drivesTheAcl_andTheCrlRevokes() throws Exception {
        serverCertificate("localhost");
        TestCertificates.Issued device = ca.issue("CN=device-1,O=Fleet", false);
        TestCertificates.Issued revoked = ca.issue("CN=device-2", false);
        TestCertificates otherCa = new TestCertificates("Somebody else");
        TestCertificates.Issued stranger = otherCa.issue("CN=device-1", false);
        Path crl = TestCertificates.writePem(dir.resolve("crl.pem"), ca.crl(revoked.certificate()));
        Path acl = dir.resolve("acl");
        Files.writeString(acl, "user device-1\ntopic readwrite fleet/device-1/#\n");
        broker = TestBroker.start(b -> {
            b.allowAnonymous(false).aclFile(acl);
            b.currentListener().tls(certFile, keyFile).cafile(caFile).crlfile(crl).requireCertificate(true)
                    .useIdentityAsUsername(true);
            return b;
        });
        Mqtt5BlockingClient ok = tlsClient("device-1", keys(device));
        ok.connect();
        ok.publishWith().topic("fleet/device-1/temp").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();
        assertThatThrownBy(() -> ok.publishWith().topic("fleet/device-9/temp").qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[] {1}).send())
                .isInstanceOfSatisfying(Mqtt5PubAckException.class, e ->
                        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED));

        assertThatThrownBy(() -> tlsClient("no-cert", null).connect()).as("no client certificate")
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> tlsClient("revoked", keys(revoked)).connect()).as("revoked by the CRL")
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> tlsClient("stranger", keys(stranger)).connect()).as("another CA")
                .isInstanceOf(RuntimeException.class);
        assertThat(ok.getState().isConnected()).isTrue();
    }

    /** The subject of the certificate the broker presents to a new handshake. */
    private String presentedSubject() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, trust(ca.ca).getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", broker.port())) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    @Test
    void certificateReload_newHandshakesGetTheNewCertificate_connectedClientsStay() throws Exception {
        serverCertificate("server-one");
        broker = TestBroker.start(b -> {
            b.currentListener().tls(certFile, keyFile);
            return b;
        });
        assertThat(presentedSubject()).isEqualTo("CN=server-one");
        Mqtt5BlockingClient stay = tlsClient("stay", null);
        stay.connect();
        try (var in = stay.publishes(MqttGlobalPublishFilter.ALL)) {
            stay.subscribeWith().topicFilter("r/#").send();
            Thread.sleep(1100); // a new modification time even on coarse file systems
            serverCertificate("server-two");
            await().atMost(Duration.ofSeconds(15)).until(() -> presentedSubject().equals("CN=server-two"));
            assertThat(stay.getState().isConnected()).isTrue();
            Mqtt5BlockingClient fresh = tlsClient("fresh", null);
            fresh.connect();
            fresh.publishWith().topic("r/x").payload("after reload".getBytes()).send();
            assertThat(receive(in)).contains("after reload");
        }
    }

    @Test
    void brokenTlsFiles_stopStartupWithAReadableReason() throws Exception {
        serverCertificate("localhost");
        Files.writeString(keyFile, "not a key\n");
        assertThatThrownBy(() -> TestBroker.start(b -> {
            b.currentListener().tls(certFile, keyFile);
            return b;
        })).hasMessageContaining("TLS").hasMessageContaining("server.key");
    }
}
