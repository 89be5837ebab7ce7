package dev.midge.broker.session;

import dev.midge.codec.packet.Publish;

/**
 * One outbound QoS 1/2 message awaiting acknowledgement: the PUBLISH as sent (before any topic
 * alias), the delivery it came from, and for QoS 2 whether PUBREC has come (then PUBREL is what
 * is outstanding, awaiting PUBCOMP). Owned by the session's event loop.
 */
final class OutboundFlight {
    final Publish publish;
    final Delivery delivery;
    boolean released;
    /** Neighbours in send order, kept by {@link InflightWindow}. */
    OutboundFlight previous;
    OutboundFlight next;

    OutboundFlight(Publish publish, Delivery delivery) {
        this.publish = publish;
        this.delivery = delivery;
    }
}
