package dev.midge.broker.subscription;

import dev.midge.broker.session.Session;
import dev.midge.codec.packet.Qos;

/** One session's subscription at one node of the topic tree. Immutable. */
public record Subscriber(Session session, Qos qos) {
}
