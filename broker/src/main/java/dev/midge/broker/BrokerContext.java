package dev.midge.broker;

import dev.midge.broker.auth.EnhancedAuthenticators;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.connection.ConnectionLog;
import dev.midge.broker.retain.RetainedMessages;
import dev.midge.broker.routing.Distributor;
import dev.midge.broker.routing.Router;
import dev.midge.broker.security.Authentication;
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
}
