package dev.midge.broker.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.midge.broker.Broker;
import dev.midge.broker.BrokerContext;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.config.ConfigException;
import dev.midge.broker.config.Listener;
import dev.midge.broker.config.Security;
import dev.midge.broker.connection.MqttChannelInitializer;
import dev.midge.broker.connection.MqttConnection;
import dev.midge.broker.security.ListenerSecurity;
import dev.midge.broker.store.MemoryStore;
import dev.midge.broker.transport.ListenerContext;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The whole connection pipeline (decoder, CONNECT gate, session binding, every inbound handler)
 * in an EmbeddedChannel, fed fuzzed bytes in fuzzed chunks. Allowed outcomes: packets handled,
 * or the connection closed; an exception that escapes the pipeline, or one MqttConnection only
 * catches as "unexpected", is a finding.
 */
class PipelineFuzzTest {
    private static final BrokerContext BROKER;
    private static final ListenerContext LISTENER;
    private static final ListAppender<ILoggingEvent> WARNINGS = new ListAppender<>();

    static {
        try {
            BrokerConfig config = BrokerConfig.builder().listener("127.0.0.1", 0).allowAnonymous(true)
                    .sysInterval(0).persistence(false).maxPacketSize(64 * 1024).build();
            BROKER = new Broker(config, List.of(), List.of(), new MemoryStore()).context();
            Listener l = config.listeners().get(0);
            LISTENER = new ListenerContext(l, ListenerSecurity.load(Security.OPEN), null);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
        Logger log = (Logger) LoggerFactory.getLogger(MqttConnection.class);
        WARNINGS.start();
        log.addAppender(WARNINGS);
        log.setLevel(Level.WARN);
    }

    @FuzzTest(maxDuration = "10m")
    void pipeline(FuzzedDataProvider data) {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttChannelInitializer(BROKER, LISTENER));
        try {
            int chunks = data.consumeInt(1, 4);
            for (int i = 0; i < chunks && ch.isActive(); i++) {
                byte[] bytes = i == chunks - 1 ? data.consumeRemainingAsBytes() : data.consumeBytes(512);
                ch.writeInbound(Unpooled.wrappedBuffer(bytes));
                ch.runPendingTasks();
                ch.checkException();
            }
        } finally {
            ch.close();
            ch.runPendingTasks();
            ch.releaseInbound();
            ch.releaseOutbound();
        }
        if (!WARNINGS.list.isEmpty()) {
            ILoggingEvent e = WARNINGS.list.get(0);
            WARNINGS.list.clear();
            throw new AssertionError("unexpected error in the pipeline: " + e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : ": " + e.getThrowableProxy().getClassName() + ": "
                    + e.getThrowableProxy().getMessage()));
        }
    }
}
