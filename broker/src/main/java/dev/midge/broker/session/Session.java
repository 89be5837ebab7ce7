package dev.midge.broker.session;

import dev.midge.broker.acl.ClientAccess;
import dev.midge.broker.store.Store;
import dev.midge.broker.sys.BrokerMetrics;
import dev.midge.codec.packet.Subscription;
import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The state the broker keeps for one client id: subscriptions, the outbound flow, inbound QoS 2
 * packet ids awaiting PUBREL, and while the client is away its expiry timer and delayed will.
 *
 * <p>Ownership (DESIGN.md rules 1-3): everything is read and changed on the {@link #owner()} event
 * loop only, which is the loop of the client's current connection (or of its last one while it is
 * offline). Other threads come in through one door, {@link #enqueue}. Takeover moves the session
 * to the new connection's loop with {@link #moveTo}; work that arrives at the old loop afterwards
 * is forwarded.
 */
public final class Session {
    /** Session expiry interval meaning "never expires" (spec 3.1.2.11.2). */
    public static final long NEVER_EXPIRES = 0xFFFFFFFFL;

    private final String clientId;
    private final Outbound outbound;
    private final Store store;
    private final MemoryBudget budget;
    // Atomic fields through updaters rather than AtomicLong / AtomicBoolean objects: 40 bytes less
    // per idle connection.
    private static final AtomicLongFieldUpdater<Session> STORE_SEQ =
            AtomicLongFieldUpdater.newUpdater(Session.class, "storeSeq");
    private static final AtomicReferenceFieldUpdater<Session, SessionInbox> INBOX =
            AtomicReferenceFieldUpdater.newUpdater(Session.class, SessionInbox.class, "inbox");
    /** Keys of this session's stored queue entries; taken by publishers' loops while routing. */
    private volatile long storeSeq;

    private volatile EventLoop owner;
    private volatile boolean online;
    /** Deliveries from other loops; created by the first one (48 bytes an idle session does without). */
    private volatile SessionInbox inbox;

    /** Written on the owner loop; read by routing on any loop (is the session persistent?). */
    private volatile long expirySeconds;
    /** What the client may read (checked on every delivery, from any loop); set at each CONNECT. */
    private volatile ClientAccess access = ClientAccess.UNRESTRICTED;

    // Owner-loop state below.
    private Peer peer;
    private boolean discarded;
    /** Empty and shared until the first subscription: most idle connections have none. */
    private Map<String, Subscription> subscriptions = Map.of();
    /** Both created on first use: most sessions never see QoS 2 or go away for a while. */
    private InboundQos2 inboundQos2;
    private AwayTimers away;

    /**
     * @param expirySeconds how long the session outlives its connection: 0 ends it with the
     *                      connection, {@link #NEVER_EXPIRES} keeps it (MQTT 3.x persistent sessions)
     */
    public Session(String clientId, long expirySeconds, SessionLimits limits, BrokerMetrics metrics, Store store,
                   EventLoop owner) {
        this.clientId = clientId;
        this.expirySeconds = expirySeconds;
        this.store = store;
        this.budget = limits.budget();
        this.outbound = new Outbound(clientId, store, limits, metrics, budget);
        this.owner = owner;
    }

    /** The next key for a stored queue entry of this session; any thread. */
    public long nextStoreSeq() {
        return STORE_SEQ.incrementAndGet(this);
    }

    /** Writes the session record when it outlives its connection (never for expiry 0). */
    public void persist() {
        if (persistent()) {
            store.putSession(clientId, expirySeconds, access.username());
        }
    }

    public String clientId() {
        return clientId;
    }

    public ClientAccess access() {
        return access;
    }

    /** Messages dropped for this client so far: queue limits, memory budget (any thread). */
    public long droppedMessages() {
        return outbound.droppedCount();
    }

    public void access(ClientAccess access) {
        this.access = access;
    }

    public long expirySeconds() {
        return expirySeconds;
    }

    /** A DISCONNECT may change the interval [MQTT-3.14.2-2]; the caller checks the 0 rule. */
    public void expirySeconds(long seconds) {
        assertOwner();
        boolean was = persistent();
        this.expirySeconds = seconds;
        if (persistent()) {
            store.putSession(clientId, seconds, access.username());
        } else if (was) {
            store.removeSession(clientId);
        }
    }

    /** False for a session that ends with its connection (clean session, expiry 0). */
    public boolean persistent() {
        return expirySeconds > 0;
    }

    public EventLoop owner() {
        return owner;
    }

    /** Whether a connection is bound; readable from any thread (shared-group member choice). */
    public boolean isOnline() {
        return online;
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

    Store store() {
        return store;
    }

    void assertOwner() {
        assert owner.inEventLoop() : "session " + clientId + " touched off its owner loop";
    }

    // ---- the door for other threads ------------------------------------------------------

    /**
     * Hands a message to this session from any thread; the owner loop delivers or queues it. Its
     * bytes count against the broker's budget from this moment (on the publisher's thread, so the
     * publisher's next message already sees them).
     */
    public void enqueue(Delivery delivery) {
        budget.hold(delivery.payloadBytes());
        SessionInbox q = inbox;
        if (owner.inEventLoop() && (q == null || q.isEmpty())) {
            acceptHeld(delivery);
            return;
        }
        if (q == null) {
            INBOX.compareAndSet(this, null, new SessionInbox());
            q = inbox;
        }
        if (q.addAndNeedsWake(delivery)) {
            SessionInbox drained = q;
            onOwner(() -> drained.drainTo(this::acceptHeld));
        }
    }

    /** Delivers now when the window and the socket allow, else queues within the limit. */
    public void accept(Delivery d) {
        assertOwner();
        budget.hold(d.payloadBytes());
        acceptHeld(d);
    }

    private void acceptHeld(Delivery d) {
        assertOwner();
        if (discarded) {
            budget.release(d.payloadBytes());
        } else {
            outbound.accept(d);
        }
    }

    // ---- connection lifecycle (owner loop) ------------------------------------------------

    /**
     * Binds the session to a newly accepted connection on the owner loop: cancels the expiry timer
     * and a delayed will [MQTT-3.1.3-9], resends what is in flight and sends what queued up.
     */
    public void attach(Peer p) {
        assertOwner();
        cancelAway();
        this.peer = p;
        this.online = true;
        outbound.attach(p);
        p.link().flush();
    }

    /**
     * Unbinds the connection, if it is still the current one; returns the deliveries that came
     * through shared subscriptions and were not acknowledged, for another member to take.
     */
    public List<Delivery> detach(Link link) {
        assertOwner();
        if (peer == null || peer.link() != link) {
            return List.of();
        }
        peer = null;
        online = false;
        outbound.detach();
        return outbound.takeShared();
    }

    public boolean isConnected() {
        return peer != null;
    }

    /** The connection the session is bound to, or null. */
    public Link link() {
        return peer == null ? null : peer.link();
    }

    /** Hands the session to another event loop (takeover). Called on the current owner. */
    public void moveTo(EventLoop newOwner) {
        assertOwner();
        cancelAway();
        this.owner = newOwner;
    }

    /** Marks the session as ended: later deliveries are ignored. */
    public void discard() {
        assertOwner();
        discarded = true;
        online = false;
        peer = null;
        cancelAway();
        outbound.clear();
        if (inboundQos2 != null) {
            inboundQos2.clear();
        }
        SessionInbox q = inbox;
        if (q != null) {
            q.drainTo(d -> budget.release(d.payloadBytes()));
        }
        if (store.durable()) {
            store.removeSession(clientId);
        }
    }

    /** A stored delivery that this session hands on (shared subscriptions) leaves its store queue. */
    public void release(Delivery d) {
        assertOwner();
        outbound.forget(d);
    }

    public boolean isDiscarded() {
        return discarded;
    }

    // ---- expiry and delayed will (owner loop) ----------------------------------------------------

    /** Arms the expiry timer of a session whose client went away. */
    public void expireAfter(long seconds, Runnable onExpiry) {
        assertOwner();
        away().expireAfter(owner, seconds, onExpiry);
    }

    /** Cancels the expiry timer and the delayed will, whose store record goes with it. */
    private void cancelAway() {
        LastWill dropped = away == null ? null : away.cancel();
        if (dropped != null) {
            store.removeWill(clientId, dropped.storeId());
        }
    }

    private AwayTimers away() {
        if (away == null) {
            away = new AwayTimers();
        }
        return away;
    }

    /** Keeps a will to publish after {@code delaySeconds} unless the client returns first. */
    public void delayWill(LastWill will, long delaySeconds, Runnable publish) {
        assertOwner();
        away().delayWill(owner, will, delaySeconds, publish);
    }

    /** The delayed will not yet published, taken (the session is ending: it goes out now). */
    public LastWill takePendingWill() {
        assertOwner();
        return away == null ? null : away.takePendingWill();
    }

    // ---- subscriptions (owner loop; the topic tree is updated by the caller) ------------------

    /** Records a subscription (in the store too, when persistent); returns the one it replaced, or null. */
    public Subscription putSubscription(String filter, Subscription options, int subscriptionId) {
        assertOwner();
        if (persistent()) {
            store.putSubscription(clientId, filter, options, subscriptionId);
        }
        return writableSubscriptions().put(filter, options);
    }

    private Map<String, Subscription> writableSubscriptions() {
        if (!(subscriptions instanceof HashMap)) {
            subscriptions = new HashMap<>();
        }
        return subscriptions;
    }

    public boolean removeSubscription(String filter) {
        assertOwner();
        boolean had = subscriptions.containsKey(filter) && subscriptions.remove(filter) != null;
        if (had && persistent()) {
            store.removeSubscription(clientId, filter);
        }
        return had;
    }

    public Map<String, Subscription> subscriptions() {
        assertOwner();
        return Map.copyOf(subscriptions);
    }

    // ---- outbound acknowledgements (owner loop) --------------------------------------------------

    /** PUBACK for an outbound QoS 1 message; false for an unknown id. */
    public boolean onPuback(int packetId) {
        assertOwner();
        return outbound.onPuback(packetId);
    }

    /** PUBREC for an outbound QoS 2 message; {@code error} when its reason code is 0x80 or more. */
    public boolean onPubrec(int packetId, boolean error) {
        assertOwner();
        return outbound.onPubrec(packetId, error);
    }

    public boolean onPubcomp(int packetId) {
        assertOwner();
        return outbound.onPubcomp(packetId);
    }

    /** The socket can take more: send what waits. */
    public void drainQueue() {
        assertOwner();
        outbound.drain();
    }

    // ---- inbound QoS 2 (owner loop) -------------------------------------------------------------

    public InboundQos2 inboundQos2() {
        if (inboundQos2 == null) {
            inboundQos2 = new InboundQos2(this);
        }
        return inboundQos2;
    }

    // ---- recovery at startup (owner loop) ---------------------------------------------------------

    /** Puts back a stored message that had gone out under {@code packetId}. */
    public void restoreInflight(Delivery d, int packetId, boolean released) {
        assertOwner();
        STORE_SEQ.accumulateAndGet(this, d.storeSeq(), Math::max);
        outbound.restoreInflight(d, packetId, released);
    }

    /** Recovery: {@code count} messages wait in the store from {@code fromSeq} to {@code toSeq}. */
    public void restoreBacklog(long fromSeq, long toSeq, int count) {
        assertOwner();
        STORE_SEQ.accumulateAndGet(this, toSeq, Math::max);
        outbound.restoreBacklog(fromSeq, toSeq, count);
    }

    /** Puts back a stored subscription (the topic tree is filled by the caller). */
    public void restoreSubscription(String filter, Subscription options) {
        assertOwner();
        writableSubscriptions().put(filter, options);
    }
}
