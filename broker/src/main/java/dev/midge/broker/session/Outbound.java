package dev.midge.broker.session;

import dev.midge.broker.store.Store;
import dev.midge.broker.sys.BrokerMetrics;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Pubrel;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.wire.PacketEncoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's messages towards its client: the inflight window (packet ids, QoS 1/2 awaiting
 * acknowledgement, at most min(max_inflight_messages, the client's receive maximum)), the queue
 * behind it, and topic aliases for the current connection. Owned by the session's event loop.
 */
final class Outbound {
    private static final Logger LOG = LoggerFactory.getLogger(Outbound.class);
    /**
     * What {@link #queue} is until something is added: never added to, so that an idle session
     * goes without a deque of its own.
     */
    private static final ArrayDeque<Delivery> NONE_QUEUED = new ArrayDeque<>(0);
    private final String clientId;
    private final Store store;
    private final SessionLimits limits;
    private final BrokerMetrics metrics;
    private final MemoryBudget budget;
    /** Payload bytes in the queue (max_queued_bytes) and in queue + inflight (the budget). */
    private long queuedBytes;
    private long heldBytes;
    /** {@link InflightWindow#NONE} until the first QoS 1/2 message goes out: idle sessions keep no table. */
    private InflightWindow inflight = InflightWindow.NONE;
    /** Messages waiting for the window or the socket, in order. */
    private ArrayDeque<Delivery> queue = NONE_QUEUED;
    /** Messages that were waiting in the store at startup; they go out before {@link #queue}. */
    private StoredBacklog backlog = StoredBacklog.NONE;
    /** Created when a client that takes aliases gets its first message (never for 3.x). */
    private OutboundTopicAliases aliases;
    /** Messages dropped for this client (written on the owner loop, read by anyone). */
    private volatile long dropped;
    /** Whether the current run of drops has been logged (once per run, as Mosquitto does). */
    private boolean droppingLogged;
    private Peer peer;
    private int nextPacketId = 1;

    Outbound(String clientId, Store store, SessionLimits limits, BrokerMetrics metrics, MemoryBudget budget) {
        this.clientId = clientId;
        this.store = store;
        this.limits = limits;
        this.metrics = metrics;
        this.budget = budget;
    }

    /** A delivery the caller has already counted in the budget arrives here. */
    private void entered(Delivery d) {
        heldBytes += d.payloadBytes();
    }

    /** A delivery leaves (sent at QoS 0, acknowledged, dropped, handed on): its bytes go back. */
    private void left(Delivery d) {
        heldBytes -= d.payloadBytes();
        budget.release(d.payloadBytes());
    }

    /** A stored delivery leaves this session: its store entry goes too. */
    void forget(Delivery d) {
        if (d.stored()) {
            // only QoS 2 deliveries record their packet id (the outbound write-ahead)
            store.dequeue(clientId, d.storeSeq(), d.message().id(), d.qos() == Qos.EXACTLY_ONCE, d.storeEntry());
        }
    }

    /** Recovery: a message that had gone out under {@code packetId} before the restart. */
    void restoreInflight(Delivery d, int packetId, boolean released) {
        budget.hold(d.payloadBytes());
        entered(d);
        Publish out = d.message().toSubscriber(d.qos(), d.retain(), packetId, d.subscriptionIds(), System.nanoTime());
        OutboundFlight f = new OutboundFlight(out, d);
        f.released = released;
        flights().remove(packetId); // one flight per id, as a map would keep
        flights().add(f);
    }

    /** Recovery: {@code count} messages waiting in the store, the first under {@code fromSeq}. */
    void restoreBacklog(long fromSeq, long toSeq, int count) {
        backlog = new StoredBacklog(store, budget, clientId, fromSeq, toSeq, count);
    }

    /** The next message to go out: the stored backlog first, then what queued up since. */
    private Delivery peekNext() {
        if (backlog.pageDue()) {
            heldBytes += backlog.pageIn();
        }
        Delivery stored = backlog.peek();
        return stored != null ? stored : queue.peek();
    }

    /** Binds a new connection: aliases start afresh [MQTT-3.3.2-7]; unacknowledged messages go again. */
    void attach(Peer p) {
        this.peer = p;
        aliases = null;
        if (inflight.size() > 0) {
            List<MqttPacket> resend = new ArrayList<>(inflight.size());
            // [MQTT-4.4.0-1] resend unacknowledged PUBLISH packets with DUP set, and PUBRELs, in order
            inflight.forEach(f -> resend.add(f.released ? Pubrel.of(f.publish.packetId()) : withAlias(f.publish.withDup())));
            Link link = p.link();
            // behind every write-ahead still on its way to disk, like the first transmissions
            store.afterDurable(link.eventLoop(), Store.OUTBOUND_FLOW, () -> {
                resend.forEach(link::write);
                link.flush();
            });
        }
        drain();
    }

    void detach() {
        peer = null;
    }

    /** Takes a delivery whose bytes the caller has counted in the budget already. */
    void accept(Delivery d) {
        entered(d);
        if (peer != null && queue.isEmpty() && backlog.isEmpty() && canSendNow(d.qos())) {
            send(d);
            return;
        }
        if (d.qos() == Qos.AT_MOST_ONCE && (peer == null || !peer.link().isOpen())) {
            // Like Mosquitto (queue_qos0_messages false): QoS 0 is not kept for offline clients,
            // nor for one whose connection is closing (the session is detached just after)
            left(d);
            return;
        }
        if (queue.size() + backlog.size() >= limits.maxQueued()
                || queuedBytes + d.payloadBytes() > limits.maxQueuedBytes()
                || d.qos() == Qos.AT_MOST_ONCE && budget.isFull()) {
            // max_queued_messages / max_queued_bytes; a full budget sheds QoS 0 first
            drop();
            left(d);
            forget(d);
            return;
        }
        queuedBytes += d.payloadBytes();
        if (queue == NONE_QUEUED) {
            queue = new ArrayDeque<>();
        }
        queue.add(d);
        droppingLogged = false; // room again: the next drop starts a new run
    }

    private void drop() {
        metrics.publishDropped();
        dropped++;
        if (!droppingLogged) {
            droppingLogged = true;
            LOG.warn("Outgoing messages are being dropped for client {}.", clientId);
        }
    }

    /** How many messages were dropped for this client (queue limits, memory budget). */
    long droppedCount() {
        return dropped;
    }

    private int window() {
        return Math.min(limits.maxInflight(), peer.receiveMaximum());
    }

    private boolean canSendNow(Qos qos) {
        return peer.link().isWritable() && (qos == Qos.AT_MOST_ONCE || inflight.size() < window());
    }

    private void send(Delivery d) {
        long now = System.nanoTime();
        if (d.message().expired(now)) {
            left(d);
            forget(d);
            return; // [MQTT-3.3.2-5] an expired message is not delivered
        }
        boolean qos0 = d.qos() == Qos.AT_MOST_ONCE;
        Publish out = d.message().toSubscriber(d.qos(), d.retain(), qos0 ? 0 : allocatePacketId(),
                d.subscriptionIds(), now);
        if (peer.maximumPacketSize() < Long.MAX_VALUE
                && PacketEncoder.size(out, peer.version()) > peer.maximumPacketSize()) {
            drop(); // [MQTT-3.1.2-25] never send a packet above the client's maximum packet size
            left(d);
            forget(d);
            return;
        }
        Publish wire = withAlias(out);
        Link link = peer.link();
        if (qos0) {
            left(d); // handed to the socket, which Netty's writability bounds
        } else {
            flights().add(new OutboundFlight(out, d));
        }
        if (d.stored() && d.qos() == Qos.EXACTLY_ONCE) {
            // Write-ahead: the packet id is durable before the client can see it, so that after a
            // crash the message goes out again under the same id (QoS 2 exactly once). QoS 1 needs
            // no such wait: sent again under another id after a crash, it is an allowed duplicate.
            store.markInflight(clientId, d.storeSeq(), out.packetId(), false);
            store.afterDurable(link.eventLoop(), Store.OUTBOUND_FLOW, () -> link.send(wire));
        } else {
            link.send(wire);
        }
    }

    private InflightWindow flights() {
        if (inflight == InflightWindow.NONE) {
            inflight = new InflightWindow();
        }
        return inflight;
    }

    /** Replaces a repeated topic by its alias when the client allows aliases (spec 3.3.2.3.4). */
    private Publish withAlias(Publish p) {
        if (peer.topicAliasMaximum() == 0 || !peer.version().isV5()) {
            return p;
        }
        if (aliases == null) {
            aliases = new OutboundTopicAliases(peer.topicAliasMaximum());
        }
        return aliases.apply(p);
    }

    /** Sends queued messages while the socket is writable and the inflight window has room. */
    void drain() {
        Delivery next;
        while (peer != null && (next = peekNext()) != null && canSendNow(next.qos())) {
            if (backlog.poll() == null) {
                queue.poll();
                queuedBytes -= next.payloadBytes();
            }
            send(next);
        }
    }

    private int allocatePacketId() {
        // The window is at most 65535 wide and checked before allocation, so a free id exists.
        while (true) {
            int id = nextPacketId;
            nextPacketId = id == 0xFFFF ? 1 : id + 1;
            if (!inflight.contains(id)) {
                return id;
            }
        }
    }

    boolean onPuback(int packetId) {
        OutboundFlight f = inflight.get(packetId);
        if (f == null || f.publish.qos() != Qos.AT_LEAST_ONCE) {
            return false;
        }
        inflight.remove(packetId);
        done(f);
        drain();
        return true;
    }

    /** An inflight message is over: its bytes and its store entry go. */
    private void done(OutboundFlight f) {
        left(f.delivery);
        forget(f.delivery);
    }

    /** PUBREC: answer PUBREL [MQTT-4.3.3-3], or end the flow when the reason code is an error. */
    boolean onPubrec(int packetId, boolean error) {
        OutboundFlight f = inflight.get(packetId);
        if (f == null || f.publish.qos() != Qos.EXACTLY_ONCE || f.released) {
            return false;
        }
        if (error) {
            // spec 4.3.3: a PUBREC with a reason code of 0x80 or more ends the flow
            inflight.remove(packetId);
            done(f);
            drain();
            return true;
        }
        f.released = true;
        if (peer == null) {
            return true;
        }
        Link link = peer.link();
        if (f.delivery.stored()) {
            // Write-ahead again: once the client has a PUBREL it may forget the message, so a
            // restart must resend PUBREL, never the PUBLISH (which would then be a new message).
            store.markInflight(clientId, f.delivery.storeSeq(), packetId, true);
            store.afterDurable(link.eventLoop(), Store.OUTBOUND_FLOW, () -> link.send(Pubrel.of(packetId)));
        } else {
            link.send(Pubrel.of(packetId));
        }
        return true;
    }

    boolean onPubcomp(int packetId) {
        OutboundFlight f = inflight.get(packetId);
        if (f == null || !f.released) {
            return false;
        }
        inflight.remove(packetId);
        done(f);
        drain();
        return true;
    }

    /**
     * Removes and returns the deliveries that came through a shared subscription and that the
     * client has not yet received for sure (queued, or sent and not acknowledged / PUBREC'd), so
     * that another member of the group gets them. Their bytes leave the budget with them; whoever
     * takes them next counts them again.
     */
    List<Delivery> takeShared() {
        List<Delivery> out = new ArrayList<>();
        inflight.removeIf(f -> {
            if (f.delivery.sharedGroup() == null || f.released) {
                return false;
            }
            out.add(f.delivery);
            left(f.delivery);
            return true;
        });
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext(); ) {
            Delivery d = it.next();
            if (d.sharedGroup() != null) {
                out.add(d);
                queuedBytes -= d.payloadBytes();
                left(d);
                it.remove();
            }
        }
        return out;
    }

    /** The session ends: everything it held is let go, in the store too. */
    void clear() {
        inflight.forEach(f -> forget(f.delivery));
        queue.forEach(this::forget);
        backlog.clear(this::forget);
        backlog = StoredBacklog.NONE;
        budget.release(heldBytes);
        heldBytes = 0;
        queuedBytes = 0;
        inflight = InflightWindow.NONE;
        queue.clear();
        aliases = null;
    }
}
