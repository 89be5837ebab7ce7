package dev.midge.broker.session;

import dev.midge.broker.subscription.SharedFilter;
import dev.midge.broker.subscription.TopicTree;
import dev.midge.codec.topic.TopicFilter;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every live session by client id. The map is the one place where two connections with the
 * same client id meet; what happens to the session itself runs on its owner loop.
 */
public final class SessionRegistry {
    /**
     * The map's initial capacity: with the first session it gets a table of 32,768 slots (128 KB),
     * first resized at 24,576 sessions. Grown from the default 16, a fresh broker's first storm of
     * 19,000 clients resized it eleven times while they waited, and the resizing loop got hot
     * enough for C2 to compile it three times during the storm (BENCHMARKS.md, session 14).
     */
    private static final int EXPECTED_SESSIONS = 16_384;

    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>(EXPECTED_SESSIONS);

    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    /** Installs {@code fresh} unless a session exists; returns the existing one or null. */
    public Session putIfAbsent(Session fresh) {
        return sessions.putIfAbsent(fresh.clientId(), fresh);
    }

    /**
     * Ends a session on its owner loop: unregisters it (if still registered), removes its
     * subscriptions from the topic tree and drops its state.
     */
    public void end(Session session, TopicTree tree) {
        sessions.remove(session.clientId(), session);
        for (String filter : session.subscriptions().keySet()) {
            if (SharedFilter.isShared(filter)) {
                tree.unsubscribeShared(SharedFilter.parse(filter), session);
            } else {
                tree.unsubscribe(TopicFilter.of(filter), session);
            }
        }
        session.discard();
    }

    public int size() {
        return sessions.size();
    }

    public Collection<Session> all() {
        return sessions.values();
    }
}
