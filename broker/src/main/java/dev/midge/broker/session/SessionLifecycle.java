package dev.midge.broker.session;

import dev.midge.broker.routing.Router;
import dev.midge.broker.subscription.TopicTree;
import java.util.function.BiConsumer;

/**
 * What happens to a session when its connection ends and while its client is away: shared
 * messages handed to another group member, the will (now or after its delay), the session's
 * end or its expiry timer (spec 3.1.2.5, 3.1.2.11.2, 3.1.3.2.2). Runs on the session's owner loop.
 */
public final class SessionLifecycle {
    private final SessionRegistry registry;
    private final TopicTree tree;
    private final Router router;
    private final BiConsumer<LastWill, Session> willPublisher;

    public SessionLifecycle(SessionRegistry registry, TopicTree tree, Router router,
                            BiConsumer<LastWill, Session> willPublisher) {
        this.registry = registry;
        this.tree = tree;
        this.router = router;
        this.willPublisher = willPublisher;
    }

    /**
     * The session's connection {@code link} has closed. {@code will} is the will to publish, or null
     * when there is none or the client disconnected normally.
     */
    public void connectionLost(Session s, Link link, LastWill will) {
        if (s.link() != link || s.isDiscarded()) {
            discard(s, will);
            return; // taken over meanwhile: the new connection owns what happens next
        }
        for (Delivery d : s.detach(link)) {
            // spec 4.8.2: a member that leaves passes unacknowledged shared messages on
            if (router.deliverShared(d.sharedGroup(), d.message(), s)) {
                s.release(d);
            } else {
                s.accept(d);
            }
        }
        if (will != null) {
            willAfterLoss(s, will);
        }
        if (!s.persistent()) {
            end(s);
        } else if (s.expirySeconds() != Session.NEVER_EXPIRES) {
            s.expireAfter(s.expirySeconds(), () -> end(s));
        }
    }

    /**
     * Publishes the will of a client whose connection was lost now, or arms its delay. Also for a
     * session read back from the store whose client was connected, or whose will was delayed,
     * when the broker stopped: the will goes out as if the connection had just been lost.
     */
    public void willAfterLoss(Session s, LastWill will) {
        long delay = will.delaySeconds();
        if (delay == 0 || !s.persistent()) {
            // [MQTT-3.1.2-8] at the latest when the session ends
            willPublisher.accept(will, s);
        } else {
            s.delayWill(will, Math.min(delay, s.expirySeconds()), () -> willPublisher.accept(will, s));
        }
    }

    /**
     * The will of a connection a new one took over from: it goes out at once when it has no
     * delay; otherwise the client is back within the delay and it never does.
     */
    public void willAfterTakeover(Session s, LastWill will) {
        if (will != null && will.delaySeconds() == 0) {
            willPublisher.accept(will, s);
        } else {
            discard(s, will);
        }
    }

    /** A will that will not go out: its store record goes. */
    public void discard(Session s, LastWill will) {
        if (will != null) {
            s.store().removeWill(s.clientId(), will.storeId());
        }
    }

    /** A client that went away before its CONNACK: its session lives on only if it is persistent. */
    public void abandoned(Session s) {
        if (!s.persistent()) {
            end(s);
        } else if (s.expirySeconds() != Session.NEVER_EXPIRES && !s.isConnected()) {
            s.expireAfter(s.expirySeconds(), () -> end(s));
        }
    }

    /** Ends a session now (expiry, clean start): a will still delayed goes out first. */
    public void end(Session s) {
        if (s.isDiscarded()) {
            return;
        }
        LastWill pending = s.takePendingWill();
        if (pending != null) {
            willPublisher.accept(pending, s);
        }
        registry.end(s, tree);
    }
}
