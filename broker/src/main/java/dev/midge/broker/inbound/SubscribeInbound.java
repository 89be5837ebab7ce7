package dev.midge.broker.inbound;

import dev.midge.broker.BrokerContext;
import dev.midge.broker.connection.MqttConnection;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Message;
import dev.midge.broker.session.Session;
import dev.midge.broker.subscription.SharedFilter;
import dev.midge.broker.subscription.Subscriber;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.topic.TopicFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * SUBSCRIBE: add or replace each subscription [MQTT-3.8.4-3] (a {@code $share/} filter joins a
 * shared group), answer SUBACK with one code per filter in order [MQTT-3.8.4-5], then send the
 * retained messages that match as the retain handling option says [MQTT-3.3.1-9..11].
 */
public final class SubscribeInbound {
    private SubscribeInbound() {
    }

    public static void handle(MqttConnection conn, Subscribe subscribe) {
        BrokerContext broker = conn.broker();
        Session session = conn.session();
        List<Integer> ids = subscribe.properties().subscriptionIdentifiers();
        if (ids.size() > 1) {
            // spec 3.8.2.1.2: at most one subscription identifier
            conn.disconnect(ReasonCode.PROTOCOL_ERROR, "SUBSCRIBE with more than one subscription identifier");
            return;
        }
        int subscriptionId = ids.isEmpty() ? 0 : ids.get(0);
        broker.log().event("Received SUBSCRIBE from {}", conn.clientId());
        List<Integer> codes = new ArrayList<>(subscribe.subscriptions().size());
        List<Runnable> retainedSends = new ArrayList<>();
        Qos maxQos = Qos.of(broker.config().maxQos());
        for (Subscription requested : subscribe.subscriptions()) {
            // spec 3.9.3: the server may grant a lower QoS than asked
            Subscription s = new Subscription(requested.filter(), Qos.min(requested.qos(), maxQos),
                    requested.noLocal(), requested.retainAsPublished(), requested.retainHandling());
            Subscriber subscriber = new Subscriber(session, s, subscriptionId);
            if (SharedFilter.isShared(s.filter())) {
                SharedFilter shared = SharedFilter.parse(s.filter());
                if (shared == null) {
                    codes.add(conn.isV5() ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.V3_SUBACK_FAILURE);
                    continue;
                }
                if (s.noLocal()) {
                    // [MQTT-3.8.3-4] no local on a shared subscription is a protocol error
                    conn.disconnect(ReasonCode.PROTOCOL_ERROR, "no local on a shared subscription");
                    return;
                }
                if (!conn.access().canSubscribe(shared.filter())) {
                    codes.add(denied(conn, s.filter()));
                    continue;
                }
                session.putSubscription(s.filter(), s, subscriptionId);
                broker.topics().subscribeShared(shared, subscriber);
                // spec 4.8.2: no retained messages are sent for a shared subscription
            } else {
                TopicFilter filter = TopicFilter.of(s.filter());
                if (!conn.access().canSubscribe(filter)) {
                    codes.add(denied(conn, s.filter()));
                    continue;
                }
                boolean existed = session.putSubscription(s.filter(), s, subscriptionId) != null;
                broker.topics().subscribe(filter, subscriber);
                if (s.retainHandling() == 0 || s.retainHandling() == 1 && !existed) {
                    retainedSends.add(() -> sendRetained(broker, session, filter, s, subscriptionId));
                }
            }
            codes.add(s.qos().value());
            broker.log().event("\t{} (QoS {})", s.filter(), s.qos().value());
        }
        Suback suback = new Suback(subscribe.packetId(), codes, Properties.EMPTY);
        // a persistent session's subscriptions are durable before SUBACK says they exist
        broker.store().afterDurable(conn.eventLoop(), conn, () -> {
            conn.write(suback);
            retainedSends.forEach(Runnable::run);
            conn.flush();
        });
    }

    /** SUBACK's code for a filter the ACL refuses: 0x87 (MQTT 5) or 0x80 (3.x). */
    private static int denied(MqttConnection conn, String filter) {
        conn.broker().log().event("Denied SUBSCRIBE from {} to '{}'", conn.clientId(), filter);
        return conn.isV5() ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_SUBACK_FAILURE;
    }

    private static void sendRetained(BrokerContext broker, Session session, TopicFilter filter, Subscription s,
                                     int subscriptionId) {
        List<Integer> ids = subscriptionId == 0 ? List.of() : List.of(subscriptionId);
        broker.retained().forEachMatching(filter, (Message message) -> {
            if (session.access().canRead(message.topic())) {
                // [MQTT-3.3.1-8] retained messages go out with the retain flag set
                session.accept(new Delivery(message, Qos.min(message.qos(), s.qos()), true, ids, null, 0, null));
            }
        });
    }
}
