package dev.midge.broker.session;

import dev.midge.broker.store.Store;
import dev.midge.broker.subscription.SharedGroup;
import dev.midge.codec.packet.Qos;
import java.util.List;

/**
 * A message on its way to one session: the message (shared by every subscriber), the QoS it is
 * delivered at, the retain flag it carries out, the identifiers of the subscriptions it matched,
 * and the shared group it came through (null for a plain subscription), so that a member that
 * leaves can hand it on. {@code storeSeq} is its key in the store's queue of the session, or 0
 * when it is not stored (QoS 0, or a session that ends with its connection); {@code storeEntry}
 * what the store handed back for it (null when read back from the store, or not stored).
 */
public record Delivery(Message message, Qos qos, boolean retain, List<Integer> subscriptionIds,
                       SharedGroup sharedGroup, long storeSeq, Store.QueueEntry storeEntry) {

    public static Delivery of(Message message, Qos qos, boolean retain) {
        return new Delivery(message, qos, retain, List.of(), null, 0, null);
    }

    public boolean stored() {
        return storeSeq != 0;
    }

    /** What it counts against the queue limits and the broker's memory budget. */
    public int payloadBytes() {
        return message.publish().payload().length;
    }
}
