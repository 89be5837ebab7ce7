package dev.midge.broker.routing;

import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Message;
import dev.midge.broker.session.Session;
import dev.midge.broker.store.Store;
import dev.midge.broker.subscription.SharedGroup;
import dev.midge.broker.subscription.Subscriber;
import dev.midge.broker.subscription.TopicTree;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.topic.Topic;
import java.util.List;

/**
 * Routes a message to every session with a matching subscription: one delivery per session, at
 * min(publish QoS, highest granted QoS among its matching subscriptions) [MQTT-3.3.5-1], carrying
 * the identifiers of all of them [MQTT-3.3.4-3], retain flag cleared for live forwarding unless
 * one of them asked for retain-as-published [MQTT-3.3.1-12] [MQTT-3.3.1-13]; plus one delivery
 * per matching shared group, to one of its members. Runs on the publisher's event loop.
 */
public final class Router {
    private final TopicTree tree;
    private final Store store;

    public Router(TopicTree tree, Store store) {
        this.tree = tree;
        this.store = store;
    }

    /** Returns the number of sessions the message was handed to. */
    public int route(Topic topic, Message message) {
        Targets targets = new Targets();
        tree.match(topic, new TopicTree.Visitor() {
            @Override
            public void subscriber(Subscriber s) {
                if (s.options().noLocal() && s.session().clientId().equals(message.origin())) {
                    return; // [MQTT-3.8.3-3] not back to the publisher
                }
                if (!s.session().access().canRead(topic)) {
                    return; // the ACL in force now denies this receiver (acl_file)
                }
                targets.add(s);
            }

            @Override
            public void shared(SharedGroup group) {
                targets.add(group);
            }
        });
        for (int i = 0; i < targets.size(); i++) {
            Targets.Target t = targets.get(i);
            deliver(t.session, message, Qos.min(message.qos(), t.qos), t.retainAsPublished && message.retain(),
                    t.ids == null ? List.of() : t.ids, null);
        }
        int handed = targets.size();
        for (SharedGroup group : targets.groups()) {
            if (deliverShared(group, message, null)) {
                handed++;
            }
        }
        return handed;
    }

    /**
     * Hands one delivery to a session. For a session that outlives its connection, a QoS 1/2
     * delivery is written to the store here, on the publisher's loop, so that it is in the batch
     * the publisher's acknowledgement waits for (DESIGN.md rule 5).
     */
    private void deliver(Session session, Message message, Qos qos, boolean retain, List<Integer> ids,
                         SharedGroup group) {
        if (qos != Qos.AT_MOST_ONCE && session.persistent() && store.durable()) {
            long seq = session.nextStoreSeq();
            Store.QueueEntry entry = store.enqueue(session.clientId(), seq, message, qos, retain, ids);
            Delivery d = new Delivery(message, qos, retain, ids, group, seq, entry);
            // the entry must be queued to the store before the session can acknowledge it away
            store.afterWritesQueued(() -> session.enqueue(d));
        } else {
            session.enqueue(new Delivery(message, qos, retain, ids, group, 0, null));
        }
    }

    /**
     * Hands a message to one member of a shared group other than {@code except}; used for new
     * messages and for those a leaving member did not acknowledge. Returns false when the group has
     * no other member.
     */
    public boolean deliverShared(SharedGroup group, Message message, Session except) {
        // members the ACL in force denies this topic are passed over
        Subscriber member = group.pick(except, s -> s.access().canRead(message.topic()));
        if (member == null) {
            return false;
        }
        List<Integer> ids = member.subscriptionId() == 0 ? List.of() : List.of(member.subscriptionId());
        deliver(member.session(), message, Qos.min(message.qos(), member.options().qos()),
                member.options().retainAsPublished() && message.retain(), ids, group);
        return true;
    }
}
