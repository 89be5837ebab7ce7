package dev.midge.codec.packet;

import java.util.Objects;

/**
 * One topic filter of a SUBSCRIBE with its options (spec 3.8.3.1). The MQTT 5 options are
 * false / 0 in 3.x packets.
 */
public record Subscription(String filter, Qos qos, boolean noLocal, boolean retainAsPublished,
                           int retainHandling) {
    public Subscription {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(qos, "qos");
    }

    public static Subscription of(String filter, Qos qos) {
        return new Subscription(filter, qos, false, false, 0);
    }
}
