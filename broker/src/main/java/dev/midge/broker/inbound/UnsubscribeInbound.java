package dev.midge.broker.inbound;

import dev.midge.broker.BrokerContext;
import dev.midge.broker.connection.MqttConnection;
import dev.midge.broker.session.Session;
import dev.midge.broker.subscription.SharedFilter;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Unsuback;
import dev.midge.codec.packet.Unsubscribe;
import dev.midge.codec.topic.TopicFilter;
import java.util.ArrayList;
import java.util.List;

/** UNSUBSCRIBE: remove each filter the session has [MQTT-3.10.4-1], then UNSUBACK [MQTT-3.10.4-4]. */
public final class UnsubscribeInbound {
    private UnsubscribeInbound() {
    }

    public static void handle(MqttConnection conn, Unsubscribe unsubscribe) {
        BrokerContext broker = conn.broker();
        Session session = conn.session();
        broker.log().event("Received UNSUBSCRIBE from {}", conn.clientId());
        List<Integer> codes = new ArrayList<>(unsubscribe.filters().size());
        for (String f : unsubscribe.filters()) {
            boolean existed = session.removeSubscription(f);
            if (SharedFilter.isShared(f)) {
                SharedFilter shared = SharedFilter.parse(f);
                if (shared != null) {
                    broker.topics().unsubscribeShared(shared, session);
                }
            } else {
                broker.topics().unsubscribe(TopicFilter.of(f), session);
            }
            codes.add(existed ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED);
            broker.log().event("\t{}", f);
        }
        Unsuback unsuback = new Unsuback(unsubscribe.packetId(), codes, Properties.EMPTY);
        broker.store().afterDurable(conn.eventLoop(), conn, () -> conn.send(unsuback));
    }
}
