package dev.midge.broker.routing;

import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Session;
import dev.midge.broker.subscription.TopicTree;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.topic.Topic;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Routes a published message to every session with a matching subscription: one delivery per
 * session, at min(publish QoS, highest granted QoS among its matching subscriptions)
 * [MQTT-3.3.5-1], with the retain flag cleared for live forwarding [MQTT-3.3.1-9].
 * Runs on the publisher's event loop; the sessions take it from there.
 */
public final class Router {
    private final TopicTree tree;

    public Router(TopicTree tree) {
        this.tree = tree;
    }

    /** Returns the number of sessions the message was handed to. */
    public int route(Topic topic, Publish message) {
        Map<Session, Qos> targets = new IdentityHashMap<>();
        tree.match(topic, (session, granted) -> targets.merge(session, granted, Qos::max));
        for (Map.Entry<Session, Qos> e : targets.entrySet()) {
            Qos qos = Qos.min(message.qos(), e.getValue());
            e.getKey().enqueue(new Delivery(message, qos, false));
        }
        return targets.size();
    }
}
