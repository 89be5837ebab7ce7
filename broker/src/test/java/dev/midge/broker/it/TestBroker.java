package dev.midge.broker.it;

import dev.midge.broker.Broker;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.config.ConfigException;
import java.util.function.UnaryOperator;

/** A broker on an ephemeral loopback port for one test; close() stops it. */
final class TestBroker implements AutoCloseable {
    final Broker broker;

    private TestBroker(Broker broker) {
        this.broker = broker;
    }

    static TestBroker start() {
        return start(b -> b);
    }

    static TestBroker start(UnaryOperator<BrokerConfig.Builder> settings) {
        BrokerConfig config = settings.apply(BrokerConfig.builder()
                .listener("127.0.0.1", 0)
                .allowAnonymous(true)
                .sysInterval(0)
                .persistence(false)).build();
        try {
            return new TestBroker(new Broker(config).start());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return broker.port();
    }

    String tcpUrl() {
        return "tcp://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        broker.stop();
    }
}
