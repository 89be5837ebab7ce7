package dev.midge.broker.subscription;

import dev.midge.broker.session.Session;
import dev.midge.codec.packet.Subscription;

/**
 * One session's subscription at one node of the topic tree: the options it subscribed with and
 * its subscription identifier (0 for none). Immutable.
 */
public record Subscriber(Session session, Subscription options, int subscriptionId) {
}
