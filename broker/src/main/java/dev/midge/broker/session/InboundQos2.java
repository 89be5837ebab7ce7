package dev.midge.broker.session;

import java.util.HashSet;
import java.util.Set;

/**
 * The inbound QoS 2 packet ids of one session that await PUBREL, written through to the store
 * when the session is persistent. Owner loop only. The set is created with the first id: most
 * sessions never receive QoS 2, and an empty HashSet costs 64 bytes per idle connection.
 */
public final class InboundQos2 {
    private final Session session;
    private Set<Integer> awaiting;

    InboundQos2(Session session) {
        this.session = session;
    }

    /**
     * Records an inbound QoS 2 packet id. Returns false when it is already awaiting PUBREL: the
     * PUBLISH is a retransmission and must not be delivered again [MQTT-4.3.3-2].
     */
    public boolean begin(int packetId) {
        session.assertOwner();
        if (awaiting == null) {
            awaiting = new HashSet<>();
        }
        boolean fresh = awaiting.add(packetId);
        if (fresh && session.persistent()) {
            // in the publisher's ack batch: after a crash the retransmission is still known
            session.store().putInboundQos2(session.clientId(), packetId);
        }
        return fresh;
    }

    /** PUBREL: the inbound QoS 2 flow is over; returns whether the id was known. */
    public boolean release(int packetId) {
        session.assertOwner();
        boolean known = awaiting != null && awaiting.remove(packetId);
        if (known && session.persistent()) {
            session.store().removeInboundQos2(session.clientId(), packetId);
        }
        return known;
    }

    /** Recovery at startup: the id was stored as awaiting PUBREL. */
    public void restore(int packetId) {
        session.assertOwner();
        if (awaiting == null) {
            awaiting = new HashSet<>();
        }
        awaiting.add(packetId);
    }

    public boolean awaits(int packetId) {
        session.assertOwner();
        return awaiting != null && awaiting.contains(packetId);
    }

    /** Received and not yet released, for the receive maximum. */
    public int count() {
        session.assertOwner();
        return awaiting == null ? 0 : awaiting.size();
    }

    void clear() {
        awaiting = null;
    }
}
