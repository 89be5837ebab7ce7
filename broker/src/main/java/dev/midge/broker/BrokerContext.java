package dev.midge.broker;

import dev.midge.broker.auth.EnhancedAuthenticators;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.connection.ConnectionLog;
import dev.midge.broker.retain.RetainedMessages;
import dev.midge.broker.routing.Distributor;
import dev.midge.broker.routing.Router;
import dev.midge.broker.security.Authentication;
import dev.midge.broker.session.MemoryBudget;
import dev.midge.broker.session.SessionLifecycle;
import dev.midge.broker.session.SessionLimits;
import dev.midge.broker.session.SessionRegistry;
import dev.midge.broker.store.Store;
import dev.midge.broker.subscription.TopicTree;
import dev.midge.broker.sys.BrokerMetrics;

/**
 * The broker-wide objects every connection works with, built once by {@link Broker}. Each field
 * is thread-safe on its own terms (see each class).
 */
public record BrokerContext(BrokerConfig config, SessionRegistry sessions, TopicTree topics,
                            RetainedMessages retained, Router router, Distributor distributor,
                            Store store, EnhancedAuthenticators authenticators, Authentication authentication,
                            BrokerMetrics metrics, SessionLimits sessionLimits, SessionLifecycle lifecycle,
                            ConnectionLog log) {

    /** Builds the routing, session and accounting objects for {@code config} around the given ones. */
    static BrokerContext of(BrokerConfig config, EnhancedAuthenticators authenticators,
                            Authentication authentication, Store store) {
        TopicTree topics = new TopicTree();
        SessionRegistry sessions = new SessionRegistry();
        RetainedMessages retained = new RetainedMessages();
        Router router = new Router(topics, store);
        Distributor distributor = new Distributor(retained, router, store);
        int inflight = config.maxInflightMessages() == 0 ? 65535 : config.maxInflightMessages();
        int queued = config.maxQueuedMessages() == 0 ? Integer.MAX_VALUE : config.maxQueuedMessages();
        long queuedBytes = config.maxQueuedBytes() == 0 ? Long.MAX_VALUE : config.maxQueuedBytes();
        long budget = config.messageMemoryLimit() == 0 ? Long.MAX_VALUE : config.messageMemoryLimit();
        SessionLifecycle lifecycle = new SessionLifecycle(sessions, topics, router, distributor::publishWill);
        return new BrokerContext(config, sessions, topics, retained, router, distributor, store, authenticators,
                authentication, new BrokerMetrics(),
                new SessionLimits(inflight, queued, queuedBytes, new MemoryBudget(budget)),
                lifecycle, new ConnectionLog(config.verbose()));
    }
}
