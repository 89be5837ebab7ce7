package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import dev.midge.broker.Broker;
import dev.midge.broker.auth.Authenticator;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.store.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** max_connections per listener, and the password Authenticator SPI. */
class ListenerLimitsIT {
    private static Mqtt5BlockingClient client(int port, String id) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port)
                .buildBlocking();
    }

    @Test
    void maxConnections_refusesTheNextSocket_andAdmitsAgainWhenOneLeaves() {
        try (TestBroker broker = TestBroker.start(b -> {
            b.currentListener().maxConnections(2);
            return b;
        })) {
            Mqtt5BlockingClient a = client(broker.port(), "a");
            Mqtt5BlockingClient b = client(broker.port(), "b");
            a.connect();
            b.connect();
            assertThatThrownBy(() -> client(broker.port(), "c").connect()).isInstanceOf(RuntimeException.class);
            a.disconnect();
            Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
                Mqtt5BlockingClient c = client(broker.port(), "c");
                c.connect();
                c.disconnect();
                return true;
            });
            b.disconnect();
        }
    }

    @Test
    void authenticatorSpi_isAskedBeforeThePasswordFile() throws Exception {
        Authenticator onlyTokens = c -> {
            if (c.username().startsWith("token:")) {
                String token = new String(c.password(), StandardCharsets.UTF_8);
                return token.equals("valid-" + c.clientId()) ? Authenticator.Decision.ALLOW
                        : Authenticator.Decision.DENY;
            }
            return Authenticator.Decision.ABSTAIN;
        };
        BrokerConfig config = BrokerConfig.builder().listener("127.0.0.1", 0).allowAnonymous(false).sysInterval(0)
                .persistence(false).build();
        try (Broker broker = new Broker(config, List.of(), List.of(onlyTokens), new MemoryStore()).start()) {
            Mqtt5BlockingClient ok = client(broker.port(), "dev1");
            ok.connectWith().simpleAuth().username("token:x").password("valid-dev1".getBytes()).applySimpleAuth()
                    .send();
            ok.disconnect();
            assertThatThrownBy(() -> client(broker.port(), "dev2").connectWith().simpleAuth().username("token:x")
                    .password("valid-dev1".getBytes()).applySimpleAuth().send())
                    .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                            e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
            // abstained, no password file: any user name is accepted, as in Mosquitto
            Mqtt5BlockingClient plain = client(broker.port(), "dev3");
            plain.connectWith().simpleAuth().username("someone").applySimpleAuth().send();
            plain.disconnect();
        }
    }
}
