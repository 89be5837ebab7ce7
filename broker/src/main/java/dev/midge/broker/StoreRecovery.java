package dev.midge.broker;

import dev.midge.broker.security.ListenerSecurity;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.LastWill;
import dev.midge.broker.session.Message;
import dev.midge.broker.session.Session;
import dev.midge.broker.store.Recovery;
import dev.midge.broker.subscription.SharedFilter;
import dev.midge.broker.subscription.Subscriber;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.packet.Will;
import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds sessions, subscriptions, queued and in-flight messages, inbound QoS 2 state and
 * retained messages from the store at startup, before any listener is bound. Each session is
 * given an event loop and filled on it (the ownership rule holds from the start); its expiry
 * timer starts anew, since its client is not connected.
 */
final class StoreRecovery implements Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRecovery.class);
    private final BrokerContext broker;
    private final EventLoopGroup loops;
    /** The security restored sessions are checked with until their clients reconnect. */
    private final ListenerSecurity security;
    private final Map<String, Restored> sessions = new LinkedHashMap<>();
    /** Wills of clients without a stored session: they go out once everything else is back. */
    private final List<Runnable> orphanWills = new ArrayList<>();
    private int wills;
    private int messages;
    private int retainedCount;

    /** What one session gets back, applied on its loop in one go. */
    private static final class Restored {
        final Session session;
        final List<Runnable> steps = new ArrayList<>();
        /** The will of a client connected or waiting out its will delay when the broker stopped. */
        LastWill will;
        long firstWaiting;
        long lastWaiting;
        int waiting;

        Restored(Session session) {
            this.session = session;
        }
    }

    StoreRecovery(BrokerContext broker, EventLoopGroup loops, ListenerSecurity security) {
        this.broker = broker;
        this.loops = loops;
        this.security = security;
    }

    void run() {
        long start = System.nanoTime();
        broker.store().recover(this);
        for (Restored r : sessions.values()) {
            Session s = r.session;
            s.owner().submit(() -> {
                r.steps.forEach(Runnable::run);
                if (r.waiting > 0) {
                    s.restoreBacklog(r.firstWaiting, r.lastWaiting, r.waiting);
                }
                broker.lifecycle().abandoned(s);
            }).syncUninterruptibly();
        }
        // after every session has its queue back: a will goes to subscribers like any message
        orphanWills.forEach(Runnable::run);
        for (Restored r : sessions.values()) {
            if (r.will != null) {
                Session s = r.session;
                s.owner().submit(() -> broker.lifecycle().willAfterLoss(s, r.will)).syncUninterruptibly();
            }
        }
        LOG.info("Recovered {} sessions, {} queued messages, {} retained messages and {} wills from the store in {} ms.",
                sessions.size(), messages, retainedCount, wills, (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public void session(String clientId, long expirySeconds, String username) {
        Session s = new Session(clientId, expirySeconds, broker.sessionLimits(), broker.metrics(), broker.store(),
                (EventLoop) loops.next());
        // until the client is back, messages for it are checked against the ACL under its last user name
        s.access(security.access(clientId, username));
        broker.sessions().putIfAbsent(s);
        sessions.put(clientId, new Restored(s));
    }

    @Override
    public void subscription(String clientId, String filter, Subscription options, int subscriptionId) {
        Restored r = sessions.get(clientId);
        if (r == null) {
            broker.store().removeSubscription(clientId, filter);
            return;
        }
        Subscriber subscriber = new Subscriber(r.session, options, subscriptionId);
        if (SharedFilter.isShared(filter)) {
            broker.topics().subscribeShared(SharedFilter.parse(filter), subscriber);
        } else {
            broker.topics().subscribe(TopicFilter.of(filter), subscriber);
        }
        r.steps.add(() -> r.session.restoreSubscription(filter, options));
    }

    @Override
    public void queued(String clientId, long seq, Message message, Qos qos, boolean retain,
                       List<Integer> subscriptionIds, int packetId, boolean released) {
        Restored r = sessions.get(clientId);
        if (r == null) {
            broker.store().dequeue(clientId, seq, message.id(), true, null);
            return;
        }
        messages++;
        Delivery d = new Delivery(message, qos, retain, subscriptionIds, null, seq, null);
        r.steps.add(() -> r.session.restoreInflight(d, packetId, released));
    }

    @Override
    public void waiting(String clientId, long seq) {
        Restored r = sessions.get(clientId);
        if (r == null) {
            broker.store().releaseQueue(clientId, seq);
            return;
        }
        messages++;
        if (r.waiting++ == 0) {
            r.firstWaiting = seq;
        }
        r.lastWaiting = seq;
    }

    @Override
    public void inboundQos2(String clientId, int packetId) {
        Restored r = sessions.get(clientId);
        if (r != null) {
            r.steps.add(() -> r.session.inboundQos2().restore(packetId));
        }
    }

    @Override
    public void will(String clientId, long willId, String username, Will will) {
        wills++;
        LastWill lastWill = new LastWill(will, willId);
        Restored r = sessions.get(clientId);
        if (r == null) {
            // its session ended with the connection: the will goes out now [MQTT-3.1.2-8]
            orphanWills.add(() -> broker.distributor().publishWill(lastWill, clientId,
                    security.access(clientId, username)));
        } else if (r.will != null) {
            // two connections' wills (a crash during a takeover): the newer one is the client's
            // now; the older one goes as a takeover sends it, at once or not at all
            LastWill older = r.will.storeId() < willId ? r.will : lastWill;
            r.will = older == r.will ? lastWill : r.will;
            orphanWills.add(() -> r.session.owner().submit(() -> broker.lifecycle().willAfterTakeover(r.session, older))
                    .syncUninterruptibly());
        } else {
            r.will = lastWill;
        }
    }

    @Override
    public void retained(String topic, Message message) {
        retainedCount++;
        broker.retained().retain(Topic.of(topic), message);
    }
}
