package dev.midge.broker.inbound;

import dev.midge.broker.BrokerContext;
import dev.midge.broker.connection.MqttConnection;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Session;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.topic.TopicFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * SUBSCRIBE: add or replace each subscription [MQTT-3.8.4-3], answer SUBACK with the granted QoS
 * per filter in order [MQTT-3.8.4-5], then send the retained messages that match [MQTT-3.3.1-6].
 */
public final class SubscribeInbound {
    private SubscribeInbound() {
    }

    public static void handle(MqttConnection conn, Subscribe subscribe) {
        BrokerContext broker = conn.broker();
        Session session = conn.session();
        broker.log().event("Received SUBSCRIBE from {}", conn.clientId());
        List<Integer> granted = new ArrayList<>(subscribe.subscriptions().size());
        List<TopicFilter> filters = new ArrayList<>(subscribe.subscriptions().size());
        for (Subscription s : subscribe.subscriptions()) {
            TopicFilter filter = TopicFilter.of(s.filter());
            session.putSubscription(filter.filter(), s.qos());
            broker.topics().subscribe(filter, session, s.qos());
            granted.add(s.qos().value());
            filters.add(filter);
            broker.log().event("\t{} (QoS {})", filter, s.qos().value());
        }
        conn.channel().write(new Suback(subscribe.packetId(), granted, Properties.EMPTY));
        for (int i = 0; i < filters.size(); i++) {
            Qos grantedQos = subscribe.subscriptions().get(i).qos();
            // [MQTT-3.3.1-8] retained messages go out with the retain flag set
            broker.retained().forEachMatching(filters.get(i), message ->
                    session.accept(new Delivery(message, Qos.min(message.qos(), grantedQos), true)));
        }
        conn.channel().flush();
    }
}
