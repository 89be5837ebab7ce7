package dev.midge.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.transport.ServerTransport;
import io.netty.channel.epoll.Epoll;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The broker's own loopback clients after start: they run, leave nothing behind, and give way. */
class ConnectWarmUpTest {
    @BeforeEach
    void linuxOnly() {
        assumeTrue(Epoll.isAvailable(), "the warm-up runs the bare-socket path, which needs epoll");
    }

    private static Broker start(int warmUpConnections) throws Exception {
        return new Broker(BrokerConfig.builder().listener("127.0.0.1", 0).allowAnonymous(true).sysInterval(0)
                .persistence(false).warmUpConnections(warmUpConnections).build()).start();
    }

    @Test
    void warmUp_completesItsClients_leavesNoTraceInTheBroker_andClosesItsListener() throws Exception {
        try (Broker broker = start(60)) {
            ConnectWarmUp warmUp = broker.warmUp();
            assertThat(warmUp.await()).isEqualTo(60);
            BrokerContext context = broker.context();
            assertThat(context.metrics().packetsReceived()).isZero();
            assertThat(context.metrics().clientsMaximum()).isZero();
            assertThat(context.sessions().size()).isZero();
            InetSocketAddress used = warmUp.address();
            assertThat(used.getPort()).isNotEqualTo(broker.port());
            assertThatThrownBy(() -> new Socket(used.getAddress(), used.getPort()).close())
                    .isInstanceOf(ConnectException.class);
            // and the broker itself serves a client as usual (Paho, MQTT 3.1.1)
            MqttClient paho = new MqttClient("tcp://127.0.0.1:" + broker.port(), "after-warm-up", new MemoryPersistence());
            paho.connect(new MqttConnectOptions());
            paho.disconnect();
            paho.close();
            assertThat(context.metrics().clientsMaximum()).isEqualTo(1);
        }
    }

    @Test
    void warmUp_givesWayOnceARealClientHasCome() throws Exception {
        ServerTransport transport = new ServerTransport(2);
        try {
            AtomicInteger asked = new AtomicInteger();
            ConnectWarmUp warmUp = new ConnectWarmUp(transport, 1000, 2, () -> asked.incrementAndGet() > 10);
            warmUp.start();
            assertThat(warmUp.await()).isLessThanOrEqualTo(10);
            assertThat(asked.get()).isGreaterThan(10);
        } finally {
            transport.shutdown();
        }
    }

    @Test
    void warmUp_endsOnceARealClientHasConnected() throws Exception {
        try (Broker broker = start(10_000)) {
            ConnectWarmUp warmUp = broker.warmUp();
            MqttClient paho = new MqttClient("tcp://127.0.0.1:" + broker.port(), "real", new MemoryPersistence());
            paho.connect(new MqttConnectOptions());
            int atConnack = warmUp.completed();
            // each warm-up client may finish the exchange it had begun when the CONNECT came
            assertThat(warmUp.await()).isLessThanOrEqualTo(atConnack + 2 * Runtime.getRuntime().availableProcessors());
            paho.disconnect();
            paho.close();
        }
    }

    @Test
    void stop_duringTheWarmUp_endsIt() throws Exception {
        Broker broker = start(10_000);
        ConnectWarmUp warmUp = broker.warmUp();
        broker.stop();
        assertThat(broker.warmUp()).isNull();
        assertThat(warmUp.await()).isLessThan(10_000);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("midge-warm-up"));
    }

    @Test
    void noWarmUp_whenNoneIsConfigured_orNoListenerTakesBareSockets() throws Exception {
        try (Broker broker = start(0)) {
            assertThat(broker.warmUp()).isNull();
        }
        // every client gets a channel at once: the warm-up's path is not theirs
        try (Broker broker = new Broker(BrokerConfig.builder().listener("127.0.0.1", 0).allowAnonymous(true)
                .sysInterval(0).persistence(false).sleepIdleConnections(false).warmUpConnections(60).build()).start()) {
            assertThat(broker.warmUp()).isNull();
        }
    }
}
