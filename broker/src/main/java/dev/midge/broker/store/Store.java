package dev.midge.broker.store;

import dev.midge.broker.session.Message;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.packet.Will;
import io.netty.channel.EventLoop;
import java.util.List;

/**
 * Where broker state becomes durable (DESIGN.md rule 5). Event loops submit writes, which never
 * block; the store applies everything submitted so far in one batch with one sync, then runs the
 * {@link #afterDurable} callbacks of that batch on the loops that asked. PUBACK, PUBREC, CONNACK
 * and SUBACK are sent only from such a callback.
 *
 * <p>Only state that outlives a connection is written: sessions with an expiry interval, their
 * subscriptions, the messages queued or in flight for them, inbound QoS 2 packet ids, retained
 * messages. Writes for one session come from its owner loop, or (enqueue) from the publisher's
 * loop during routing, which is what makes the queue entry durable before the publisher's ack.
 */
public interface Store extends AutoCloseable {

    /**
     * Runs {@code body} on this thread and makes the writes it submits one atomic unit: after a
     * crash either all of them are there or none (an inbound QoS 2 packet id and the queue entries
     * of its message, say: one without the other is a lost or a duplicated message). Returns
     * whether the unit wrote anything: when it did not, an acknowledgement of it waits for nothing.
     */
    boolean atomically(Runnable body);

    /**
     * Runs {@code handOff} once the writes this thread submitted so far are queued to the store:
     * at once, or inside {@link #atomically} when the unit is queued. A delivery handed to another
     * loop before its queue entry is queued could be acknowledged, and its entry deleted, before
     * the entry is written, and then come back after a restart.
     */
    void afterWritesQueued(Runnable handOff);

    /**
     * The {@link #afterDurable} waiter for a write the broker's own outbound flow waits on (a QoS 2
     * write-ahead): its window stalls meanwhile, so the store syncs it without gathering.
     */
    Object OUTBOUND_FLOW = new Object();

    /**
     * A client's connection as the {@link #afterDurable} waiter: it carries the mark of the last
     * gathering round the store counted it in, so that the event loops can tell the store's
     * writer when a round may be complete without a shared map (one field per connection).
     */
    interface Waiter {
        /** Atomically sets the round mark and returns the previous one. */
        Object swapSyncRound(Object round);
    }

    /**
     * Runs {@code then} on {@code loop} once every write submitted so far is durable.
     * {@code waiter} is who waits for it (a client's connection, a {@link Waiter}, or
     * {@link #OUTBOUND_FLOW}): the store may hold a sync back briefly until every client that
     * waited lately is waiting again, so that one sync serves them all.
     */
    void afterDurable(EventLoop loop, Object waiter, Runnable then);

    /** False for the in-memory store: callers may skip preparing writes that would be dropped. */
    boolean durable();

    /** A fresh message identifier. */
    long nextMessageId();

    /**
     * Writes a session record; {@code username} (null when anonymous) is what its ACL rights are
     * checked with after a restart, before the client is back.
     */
    void putSession(String clientId, long expirySeconds, String username);

    /** Removes a session and everything stored under it. */
    void removeSession(String clientId);

    void putSubscription(String clientId, String filter, Subscription options, int subscriptionId);

    void removeSubscription(String clientId, String filter);

    /**
     * What {@link #enqueue} hands back, for {@link #dequeue} to find the entry again without a
     * lookup in a map every loop and the writer share; null from a store that keeps no such state.
     */
    interface QueueEntry {
    }

    /**
     * Queues a message for a session under {@code seq} (increasing per session); the message body
     * is written once, however many sessions it is queued for.
     */
    QueueEntry enqueue(String clientId, long seq, Message message, Qos qos, boolean retain,
                       List<Integer> subscriptionIds);

    /** Records the packet id a queued message went out with, and whether PUBREC has come. */
    void markInflight(String clientId, long seq, int packetId, boolean released);

    /**
     * The message under {@code seq} is done with (acknowledged, dropped, or expired);
     * {@code wentInflight} when {@link #markInflight} was called for it; {@code entry} what
     * {@link #enqueue} returned, or null for an entry read back from the store.
     */
    void dequeue(String clientId, long seq, long messageId, boolean wentInflight, QueueEntry entry);

    void putInboundQos2(String clientId, int packetId);

    void removeInboundQos2(String clientId, int packetId);

    void putRetained(String topic, Message message);

    void removeRetained(String topic);

    /**
     * Keeps the will of a connected client (and of one waiting out its will delay) until it is
     * published or discarded, so that a crash does not lose it; {@code username} is what the will
     * topic is checked against after a restart. Returns the record's id for {@link #removeWill}:
     * one client can have two at once while a new connection takes over from an old one.
     */
    long putWill(String clientId, String username, Will will);

    /** The will was published (in the same unit) or discarded. */
    void removeWill(String clientId, long willId);

    /** Reads everything back at startup, in key order (sessions before their queues). */
    void recover(Recovery into);

    /** One queued message read back from the store. */
    record Queued(long seq, Message message, Qos qos, boolean retain, List<Integer> subscriptionIds) {
    }

    /**
     * Up to {@code max} of a session's waiting messages with a key of at least {@code fromSeq},
     * in order, skipping those that had gone out (they were recovered in full).
     */
    List<Queued> readQueue(String clientId, long fromSeq, int max);

    /**
     * Lets go of a session's waiting messages from {@code fromSeq} on, that were never paged in:
     * their bodies go once nothing else refers to them.
     */
    void releaseQueue(String clientId, long fromSeq);

    @Override
    void close();
}
