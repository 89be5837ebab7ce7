package dev.midge.broker.session;

import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;

/**
 * A message on its way to one session: the routed message (shared by every subscriber), the QoS
 * it is delivered at and the retain flag it carries out.
 */
public record Delivery(Publish message, Qos qos, boolean retain) {
}
