package dev.midge.broker.session;

import dev.midge.broker.sys.BrokerMetrics;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Pubrel;
import dev.midge.codec.packet.Qos;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The state the broker keeps for one client id: subscriptions, outbound messages in flight and
 * queued, inbound QoS 2 packet ids awaiting PUBREL.
 *
 * <p>Ownership (DESIGN.md rules 1-3): everything is read and changed on the {@link #owner()} event
 * loop only, which is the loop of the client's current connection (or of its last one while it is
 * offline). Other threads come in through one door, {@link #enqueue}. Takeover moves the session
 * to the new connection's loop with {@link #moveTo}; work that arrives at the old loop afterwards
 * is forwarded.
 */
public final class Session {
    private final String clientId;
    private final boolean persistent;
    private final SessionLimits limits;
    private final BrokerMetrics metrics;

    private volatile EventLoop owner;
    private final Queue<Delivery> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();

    // Owner-loop state below.
    private Channel channel;
    private boolean discarded;
    private final Map<String, Qos> subscriptions = new HashMap<>();
    private final LinkedHashMap<Integer, OutboundFlight> inflight = new LinkedHashMap<>();
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    private final Set<Integer> awaitingPubrel = new HashSet<>();
    private int nextPacketId = 1;
    private long dropped;

    public Session(String clientId, boolean persistent, SessionLimits limits, BrokerMetrics metrics,
                   EventLoop owner) {
        this.clientId = clientId;
        this.persistent = persistent;
        this.limits = limits;
        this.metrics = metrics;
        this.owner = owner;
    }

    public String clientId() {
        return clientId;
    }

    /** False for a clean session, which ends with its connection. */
    public boolean persistent() {
        return persistent;
    }

    public EventLoop owner() {
        return owner;
    }

    /** Runs {@code task} on the owner loop: now when called there, else forwarded (also across a move). */
    public void onOwner(Runnable task) {
        EventLoop loop = owner;
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(() -> onOwner(task));
        }
    }

    private void assertOwner() {
        assert owner.inEventLoop() : "session " + clientId + " touched off its owner loop";
    }

    // ---- the door for other threads ------------------------------------------------------

    /** Hands a message to this session from any thread; the owner loop delivers or queues it. */
    public void enqueue(Delivery delivery) {
        if (owner.inEventLoop() && inbox.isEmpty()) {
            accept(delivery);
            return;
        }
        inbox.add(delivery);
        if (wakeScheduled.compareAndSet(false, true)) {
            onOwner(this::drainInbox);
        }
    }

    private void drainInbox() {
        wakeScheduled.set(false);
        Delivery d;
        while ((d = inbox.poll()) != null) {
            accept(d);
        }
    }

    // ---- connection lifecycle (owner loop) ------------------------------------------------

    /**
     * Binds the session to a newly accepted connection on the owner loop. A resumed session sends
     * again, in order, every PUBLISH not yet acknowledged (DUP set) and every PUBREL not yet
     * completed [MQTT-4.4.0-1], then what queued up while the client was away.
     */
    public void attach(Channel ch) {
        assertOwner();
        this.channel = ch;
        for (OutboundFlight f : inflight.values()) {
            if (f.released) {
                ch.write(Pubrel.of(f.publish.packetId()));
            } else {
                ch.write(f.publish.withDup());
            }
        }
        drainQueue();
        ch.flush();
    }

    /** Unbinds the connection, if it is still the current one; state stays for a persistent session. */
    public void detach(Channel ch) {
        assertOwner();
        if (channel == ch) {
            channel = null;
        }
    }

    public boolean isConnected() {
        return channel != null;
    }

    public Channel channel() {
        return channel;
    }

    /** Hands the session to another event loop (takeover). Called on the current owner. */
    public void moveTo(EventLoop newOwner) {
        assertOwner();
        this.owner = newOwner;
    }

    /** Marks the session as ended: later deliveries are ignored. */
    public void discard() {
        assertOwner();
        discarded = true;
        channel = null;
        inflight.clear();
        queue.clear();
        awaitingPubrel.clear();
        inbox.clear();
    }

    public boolean isDiscarded() {
        return discarded;
    }

    // ---- subscriptions (owner loop; the topic tree is updated by the caller) ------------------

    /** Records a subscription; returns the QoS it replaced, or null. */
    public Qos putSubscription(String filter, Qos qos) {
        assertOwner();
        return subscriptions.put(filter, qos);
    }

    public boolean removeSubscription(String filter) {
        assertOwner();
        return subscriptions.remove(filter) != null;
    }

    public Map<String, Qos> subscriptions() {
        assertOwner();
        return Map.copyOf(subscriptions);
    }

    // ---- outbound flow (owner loop) ------------------------------------------------------------

    /** Delivers now when the window and the socket allow, else queues within the limit. */
    public void accept(Delivery d) {
        assertOwner();
        if (discarded) {
            return;
        }
        if (channel != null && queue.isEmpty() && canSendNow(d.qos())) {
            send(d);
            return;
        }
        if (d.qos() == Qos.AT_MOST_ONCE && channel == null) {
            // Like Mosquitto (queue_qos0_messages false): QoS 0 is not kept for offline clients.
            return;
        }
        if (queue.size() >= limits.maxQueued()) {
            dropped++;
            metrics.publishDropped();
            return;
        }
        queue.add(d);
    }

    private boolean canSendNow(Qos qos) {
        return channel.isWritable() && (qos == Qos.AT_MOST_ONCE || inflight.size() < limits.maxInflight());
    }

    private void send(Delivery d) {
        Publish out;
        if (d.qos() == Qos.AT_MOST_ONCE) {
            out = d.message().forDelivery(Qos.AT_MOST_ONCE, d.retain(), 0);
        } else {
            out = d.message().forDelivery(d.qos(), d.retain(), allocatePacketId());
            inflight.put(out.packetId(), new OutboundFlight(out));
        }
        channel.writeAndFlush(out, channel.voidPromise());
    }

    /** Sends queued messages while the socket is writable and the inflight window has room. */
    public void drainQueue() {
        assertOwner();
        while (channel != null && !queue.isEmpty() && canSendNow(queue.peek().qos())) {
            send(queue.poll());
        }
    }

    private int allocatePacketId() {
        // The window is far below 65535, so a free id is always found.
        while (true) {
            int id = nextPacketId;
            nextPacketId = id == 0xFFFF ? 1 : id + 1;
            if (!inflight.containsKey(id)) {
                return id;
            }
        }
    }

    /** PUBACK for an outbound QoS 1 message: it is done. Returns false for an unknown id. */
    public boolean onPuback(int packetId) {
        assertOwner();
        OutboundFlight f = inflight.get(packetId);
        if (f == null || f.publish.qos() != Qos.AT_LEAST_ONCE) {
            return false;
        }
        inflight.remove(packetId);
        drainQueue();
        return true;
    }

    /** PUBREC for an outbound QoS 2 message: answer PUBREL [MQTT-4.3.3-3]. Returns false if unknown. */
    public boolean onPubrec(int packetId) {
        assertOwner();
        OutboundFlight f = inflight.get(packetId);
        if (f == null || f.publish.qos() != Qos.EXACTLY_ONCE) {
            return false;
        }
        f.released = true;
        if (channel != null) {
            channel.writeAndFlush(Pubrel.of(packetId), channel.voidPromise());
        }
        return true;
    }

    /** PUBCOMP for an outbound QoS 2 message: it is done. Returns false for an unknown id. */
    public boolean onPubcomp(int packetId) {
        assertOwner();
        OutboundFlight f = inflight.get(packetId);
        if (f == null || !f.released) {
            return false;
        }
        inflight.remove(packetId);
        drainQueue();
        return true;
    }

    // ---- inbound QoS 2 (owner loop) -------------------------------------------------------------

    /**
     * Records an inbound QoS 2 packet id. Returns false when it is already awaiting PUBREL: the
     * PUBLISH is a retransmission and must not be delivered again [MQTT-4.3.3-2].
     */
    public boolean beginInboundQos2(int packetId) {
        assertOwner();
        return awaitingPubrel.add(packetId);
    }

    /** PUBREL: the inbound QoS 2 flow is over; returns whether the id was known. */
    public boolean releaseInboundQos2(int packetId) {
        assertOwner();
        return awaitingPubrel.remove(packetId);
    }

    // ---- observation -----------------------------------------------------------------------------

    public int inflightCount() {
        assertOwner();
        return inflight.size();
    }

    public int queuedCount() {
        assertOwner();
        return queue.size();
    }

    public long droppedCount() {
        assertOwner();
        return dropped;
    }
}
