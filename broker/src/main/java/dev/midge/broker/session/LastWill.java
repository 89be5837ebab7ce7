package dev.midge.broker.session;

import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Will;

/**
 * A will the broker holds for a client, with the id of its store record ({@link
 * dev.midge.broker.store.Store#putWill}): the record goes when the will is published or discarded,
 * and a will whose record is still there after a crash is published then.
 */
public record LastWill(Will will, long storeId) {
    /** The will delay interval in seconds (spec 3.1.3.2.2); 0 when absent. */
    public long delaySeconds() {
        Long delay = will.properties().fourByte(Property.WILL_DELAY_INTERVAL);
        return delay == null ? 0 : delay;
    }
}
