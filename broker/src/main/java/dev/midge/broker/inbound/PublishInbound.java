package dev.midge.broker.inbound;

import dev.midge.broker.BrokerContext;
import dev.midge.broker.connection.MqttConnection;
import dev.midge.broker.session.Session;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Pubrec;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Will;
import dev.midge.codec.topic.Topic;
import io.netty.channel.Channel;

/**
 * An inbound PUBLISH: validate, QoS 2 de-duplication, retain, route, and the acknowledgement,
 * which goes out only once the store has made the message durable (DESIGN.md, PUBLISH path).
 */
public final class PublishInbound {
    private PublishInbound() {
    }

    public static void handle(MqttConnection conn, Publish publish) {
        BrokerContext broker = conn.broker();
        Session session = conn.session();
        int limit = broker.config().messageSizeLimit();
        boolean oversized = limit > 0 && publish.payload().length > limit;
        if (oversized) {
            // Mosquitto's message_size_limit: the message is dropped; QoS 1/2 flows still complete
            broker.log().event("Client {} sent a {} byte message above message_size_limit; dropped.",
                    conn.clientId(), publish.payload().length);
            broker.metrics().publishDropped();
        }
        switch (publish.qos()) {
            case AT_MOST_ONCE -> {
                if (!oversized) {
                    distribute(broker, Topic.of(publish.topic()), publish);
                }
            }
            case AT_LEAST_ONCE -> {
                if (!oversized) {
                    distribute(broker, Topic.of(publish.topic()), publish);
                }
                acknowledge(broker, conn.channel(), Puback.of(publish.packetId()));
            }
            case EXACTLY_ONCE -> {
                // [MQTT-4.3.3-2] a PUBLISH whose id still awaits PUBREL is a retransmission: no second delivery
                if (session.beginInboundQos2(publish.packetId()) && !oversized) {
                    distribute(broker, Topic.of(publish.topic()), publish);
                }
                acknowledge(broker, conn.channel(), Pubrec.of(publish.packetId()));
            }
        }
    }

    private static void acknowledge(BrokerContext broker, Channel channel, Object ack) {
        broker.durability().afterDurable(channel.eventLoop(),
                () -> channel.writeAndFlush(ack, channel.voidPromise()));
    }

    /** Retains (when flagged) and routes a message: client publishes, wills and $SYS alike. */
    public static void distribute(BrokerContext broker, Topic topic, Publish message) {
        if (message.retain()) {
            // [MQTT-3.3.1-5] store it as the topic's retained message (an empty payload clears it)
            broker.retained().retain(topic, message);
        }
        broker.router().route(topic, message);
    }

    /** Publishes a will message [MQTT-3.1.2-8]. */
    public static void distribute(BrokerContext broker, Will will) {
        Publish message = Publish.of(will.topic(), will.payload(), will.qos(), will.retain());
        distribute(broker, Topic.of(will.topic()), message);
    }
}
