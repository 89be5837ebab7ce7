package dev.midge.broker.it;

import static dev.midge.broker.it.V5.connect;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import dev.midge.broker.auth.ScramCredential;
import dev.midge.broker.auth.ScramCredentials;
import dev.midge.broker.auth.ScramMechanism;
import dev.midge.codec.packet.Auth;
import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MQTT 5 enhanced authentication with SCRAM-SHA-256 / -512 (spec 4.12). */
class EnhancedAuthIT {
    @TempDir
    Path dir;
    private TestBroker broker;

    @BeforeEach
    void start() throws IOException {
        Path file = dir.resolve("scram.creds");
        byte[] salt = "saltsaltsalt1234".getBytes();
        Files.write(file, List.of(
                "# SCRAM users",
                ScramCredentials.line("alice", ScramCredential.derive(ScramMechanism.SCRAM_SHA_256, "wonder", salt, 4096)),
                ScramCredentials.line("alice", ScramCredential.derive(ScramMechanism.SCRAM_SHA_512, "wonder", salt, 4096))));
        broker = TestBroker.start(b -> b.allowAnonymous(false).scramCredentialsFile(file));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static Properties auth(String method, byte[] data) {
        return Properties.builder().put(Property.AUTHENTICATION_METHOD, method)
                .put(Property.AUTHENTICATION_DATA, data).build();
    }

    /** Runs the whole exchange at CONNECT; returns the CONNACK. */
    private static Connack scramConnect(RawClient c, String method, ScramClient scram) throws Exception {
        c.send(connect("scram-" + method, true, auth(method, scram.clientFirst())));
        var first = c.receive();
        if (first instanceof Connack refused) {
            return refused;
        }
        Auth serverFirst = (Auth) first;
        assertThat(serverFirst.reasonCode()).isEqualTo(ReasonCode.CONTINUE_AUTHENTICATION);
        byte[] clientFinal = scram.clientFinal(serverFirst.properties().binary(Property.AUTHENTICATION_DATA));
        c.send(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, auth(method, clientFinal)));
        return c.receive(Connack.class);
    }

    @Test
    void scramSha256_rightPassword_connectedAndServerVerified() throws Exception {
        try (RawClient c = V5.client(broker)) {
            ScramClient scram = new ScramClient("SCRAM-SHA-256", "alice", "wonder");
            Connack ack = scramConnect(c, "SCRAM-SHA-256", scram);
            assertThat(ack.reasonCode()).isZero();
            assertThat(ack.properties().string(Property.AUTHENTICATION_METHOD)).isEqualTo("SCRAM-SHA-256");
            assertThat(scram.serverVerified(ack.properties().binary(Property.AUTHENTICATION_DATA))).isTrue();
            c.subscribe(1, "authed", Qos.AT_MOST_ONCE);
            c.send(V5.publish("authed", "in", Qos.AT_MOST_ONCE, 0, Properties.EMPTY));
            assertThat(V5.text(c.receive(Publish.class))).isEqualTo("in");
        }
    }

    @Test
    void scramSha512_rightPassword_connected() throws Exception {
        try (RawClient c = V5.client(broker)) {
            ScramClient scram = new ScramClient("SCRAM-SHA-512", "alice", "wonder");
            Connack ack = scramConnect(c, "SCRAM-SHA-512", scram);
            assertThat(ack.reasonCode()).isZero();
            assertThat(scram.serverVerified(ack.properties().binary(Property.AUTHENTICATION_DATA))).isTrue();
        }
    }

    @Test
    void wrongPassword_badUserNameOrPassword() throws Exception {
        try (RawClient c = V5.client(broker)) {
            Connack ack = scramConnect(c, "SCRAM-SHA-256", new ScramClient("SCRAM-SHA-256", "alice", "wrong"));
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
    }

    @Test
    void unknownUser_sameAnswerAsWrongPassword() throws Exception {
        try (RawClient c = V5.client(broker)) {
            Connack ack = scramConnect(c, "SCRAM-SHA-256", new ScramClient("SCRAM-SHA-256", "mallory", "x"));
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
    }

    @Test
    void unknownMethod_badAuthenticationMethod() throws Exception {
        try (RawClient c = V5.client(broker)) {
            c.send(connect("gss", true, auth("GSSAPI", new byte[] {1})));
            assertThat(c.receive(Connack.class).reasonCode()).isEqualTo(ReasonCode.BAD_AUTHENTICATION_METHOD);
        }
    }

    @Test
    void reauthentication_onLiveConnection_successThenFailureDisconnects() throws Exception {
        try (RawClient c = V5.client(broker)) {
            assertThat(scramConnect(c, "SCRAM-SHA-256", new ScramClient("SCRAM-SHA-256", "alice", "wonder"))
                    .reasonCode()).isZero();
            ScramClient again = new ScramClient("SCRAM-SHA-256", "alice", "wonder");
            c.send(new Auth(ReasonCode.REAUTHENTICATE, auth("SCRAM-SHA-256", again.clientFirst())));
            Auth serverFirst = c.receive(Auth.class);
            c.send(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, auth("SCRAM-SHA-256",
                    again.clientFinal(serverFirst.properties().binary(Property.AUTHENTICATION_DATA)))));
            Auth done = c.receive(Auth.class);
            assertThat(done.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
            assertThat(again.serverVerified(done.properties().binary(Property.AUTHENTICATION_DATA))).isTrue();

            ScramClient wrong = new ScramClient("SCRAM-SHA-256", "alice", "nope");
            c.send(new Auth(ReasonCode.REAUTHENTICATE, auth("SCRAM-SHA-256", wrong.clientFirst())));
            Auth sf = c.receive(Auth.class);
            c.send(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, auth("SCRAM-SHA-256",
                    wrong.clientFinal(sf.properties().binary(Property.AUTHENTICATION_DATA)))));
            assertThat(c.receive(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void authWithoutMethodAtConnect_protocolError() throws Exception {
        try (TestBroker open = TestBroker.start(); RawClient c = V5.client(open)) {
            c.connect(connect("plain", true, Properties.EMPTY));
            c.send(new Auth(ReasonCode.REAUTHENTICATE, auth("SCRAM-SHA-256", new byte[] {1})));
            assertThat(c.receive(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void hivemqClient_enhancedAuthMechanism_connects() {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("hivemq-scram")
                .serverHost("127.0.0.1").serverPort(broker.port())
                .enhancedAuth(new HiveScram(new ScramClient("SCRAM-SHA-256", "alice", "wonder")))
                .buildBlocking();
        Mqtt5ConnAck ack = client.connect();
        assertThat(ack.getReasonCode().getCode()).isZero();
        client.disconnect();
    }

    /** SCRAM plugged into the HiveMQ client's enhanced authentication API. */
    private static final class HiveScram implements Mqtt5EnhancedAuthMechanism {
        private final ScramClient scram;

        HiveScram(ScramClient scram) {
            this.scram = scram;
        }

        @Override
        public MqttUtf8String getMethod() {
            return MqttUtf8String.of("SCRAM-SHA-256");
        }

        @Override
        public int getTimeout() {
            return 10;
        }

        @Override
        public CompletableFuture<Void> onAuth(Mqtt5ClientConfig config, Mqtt5Connect connect,
                                              Mqtt5EnhancedAuthBuilder builder) {
            builder.data(scram.clientFirst());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder builder) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }

        @Override
        public CompletableFuture<Boolean> onServerReAuth(Mqtt5ClientConfig config, Mqtt5Auth auth,
                                                         Mqtt5AuthBuilder builder) {
            return CompletableFuture.completedFuture(false);
        }

        @Override
        public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig config, Mqtt5Auth auth,
                                                     Mqtt5AuthBuilder builder) {
            try {
                builder.data(scram.clientFinal(bytes(auth.getData().orElseThrow())));
                return CompletableFuture.completedFuture(true);
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
            return CompletableFuture.completedFuture(
                    scram.serverVerified(bytes(connAck.getEnhancedAuth().orElseThrow().getData().orElseThrow())));
        }

        @Override
        public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
        }

        @Override
        public void onReAuthRejected(Mqtt5ClientConfig config, Mqtt5Disconnect disconnect) {
        }

        @Override
        public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {
        }

        @Override
        public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {
        }

        private static byte[] bytes(ByteBuffer b) {
            byte[] out = new byte[b.remaining()];
            b.duplicate().get(out);
            return out;
        }
    }
}
