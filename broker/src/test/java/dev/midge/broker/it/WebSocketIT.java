package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.midge.broker.config.Listener;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebSocket listeners (ws and wss) with the HiveMQ client, which speaks MQTT over WebSockets as browsers do. */
class WebSocketIT {
    @TempDir
    Path dir;
    private TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Optional<String> receive(Mqtt5BlockingClient.Mqtt5Publishes in) throws InterruptedException {
        Optional<Mqtt5Publish> p = in.receive(5, TimeUnit.SECONDS);
        return p.map(m -> new String(m.getPayloadAsBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void ws_mqtt5AndMqtt311_onPathMqttAndRoot() throws Exception {
        broker = TestBroker.start(b -> {
            b.currentListener().protocol(Listener.Protocol.WEBSOCKETS);
            return b;
        });
        Mqtt5BlockingClient sub = MqttClient.builder().useMqttVersion5().identifier("ws-sub").serverHost("127.0.0.1")
                .serverPort(broker.port()).webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
        sub.connect();
        try (var in = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("ws/#").qos(MqttQos.EXACTLY_ONCE).send();
            Mqtt3BlockingClient pub = MqttClient.builder().useMqttVersion3().identifier("ws-pub")
                    .serverHost("127.0.0.1").serverPort(broker.port())
                    .webSocketConfig().serverPath("").applyWebSocketConfig().buildBlocking();
            pub.connect();
            byte[] big = new byte[200_000]; // spans many WebSocket frames and TCP reads
            big[199_999] = 'z';
            pub.publishWith().topic("ws/a").qos(MqttQos.EXACTLY_ONCE).payload("hello over ws".getBytes()).send();
            pub.publishWith().topic("ws/big").qos(MqttQos.AT_LEAST_ONCE).payload(big).send();
            assertThat(receive(in)).contains("hello over ws");
            Optional<Mqtt5Publish> large = in.receive(5, TimeUnit.SECONDS);
            assertThat(large).isPresent();
            assertThat(large.get().getPayloadAsBytes()).isEqualTo(big);
            pub.disconnect();
        }
        sub.disconnect();
    }

    @Test
    void wss_overTls() throws Exception {
        TestCertificates ca = new TestCertificates("WS CA");
        TestCertificates.Issued server = ca.issue("CN=localhost", true);
        Path key = TestCertificates.writePem(dir.resolve("k.pem"), server.key().getPrivate());
        Path cert = TestCertificates.writePem(dir.resolve("c.pem"), server.certificate());
        broker = TestBroker.start(b -> {
            b.currentListener().protocol(Listener.Protocol.WEBSOCKETS).tls(cert, key);
            return b;
        });
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca.ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier("wss").serverHost("localhost")
                .serverPort(broker.port()).sslConfig().trustManagerFactory(tmf).applySslConfig()
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
        c.connect();
        try (var in = c.publishes(MqttGlobalPublishFilter.ALL)) {
            c.subscribeWith().topicFilter("wss/#").send();
            c.publishWith().topic("wss/x").payload("secure ws".getBytes()).send();
            assertThat(receive(in)).contains("secure ws");
        }
        c.disconnect();
    }

    @Test
    void otherPaths_get404_andTheBrokerStaysUp() throws Exception {
        broker = TestBroker.start(b -> {
            b.currentListener().protocol(Listener.Protocol.WEBSOCKETS);
            return b;
        });
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /admin HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: mqtt\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 404");
        }
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier("after").serverHost("127.0.0.1")
                .serverPort(broker.port()).webSocketConfig().applyWebSocketConfig().buildBlocking();
        c.connect();
        c.disconnect();
    }
}
