package dev.midge.broker.connection;

import dev.midge.broker.BrokerContext;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.wire.MqttDecoder;
import dev.midge.codec.wire.MqttEncoder;
import dev.midge.codec.wire.PacketDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of an MQTT connection, socket side first: flush consolidation (one flush per read
 * batch), decoder, encoder, the connect / keep-alive timer, packet counters, MqttConnection.
 */
public final class MqttChannelInitializer extends ChannelInitializer<Channel> {
    private final BrokerContext broker;
    private final PacketCounter counter;

    public MqttChannelInitializer(BrokerContext broker) {
        this.broker = broker;
        this.counter = new PacketCounter(broker.metrics());
    }

    @Override
    protected void initChannel(Channel ch) {
        int maxPacket = broker.config().effectiveMaxPacketSize();
        ch.pipeline()
                .addLast(new FlushConsolidationHandler(256, true))
                .addLast(new MqttDecoder(PacketDecoder.forServer(maxPacket)))
                // Until CONNECT is read, answers use 3.1.1 framing [MQTT-3.1.2-2].
                .addLast(new MqttEncoder(MqttVersion.MQTT_3_1_1))
                .addLast(MqttConnection.IDLE_HANDLER,
                        new IdleStateHandler(broker.config().connectTimeoutSeconds(), 0, 0, TimeUnit.SECONDS))
                .addLast(counter)
                .addLast(new MqttConnection(broker));
    }
}
