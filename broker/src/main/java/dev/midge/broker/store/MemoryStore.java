package dev.midge.broker.store;

import dev.midge.broker.session.Message;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.packet.Will;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code persistence false}: the state lives in the broker's objects only, so every write is as
 * durable as it will get the moment it is made, and there is nothing to recover. Not final:
 * test stores extend it to observe or delay durability.
 */
public class MemoryStore implements Store {
    private final AtomicLong messageIds = new AtomicLong();

    @Override
    public boolean atomically(Runnable body) {
        body.run();
        return false;
    }

    @Override
    public void afterWritesQueued(Runnable handOff) {
        handOff.run();
    }

    @Override
    public void afterDurable(EventLoop loop, Object waiter, Runnable then) {
        if (loop.inEventLoop()) {
            then.run();
        } else {
            loop.execute(then);
        }
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public long nextMessageId() {
        return messageIds.incrementAndGet();
    }

    @Override
    public void putSession(String clientId, long expirySeconds, String username) {
    }

    @Override
    public void removeSession(String clientId) {
    }

    @Override
    public void putSubscription(String clientId, String filter, Subscription options, int subscriptionId) {
    }

    @Override
    public void removeSubscription(String clientId, String filter) {
    }

    @Override
    public QueueEntry enqueue(String clientId, long seq, Message message, Qos qos, boolean retain,
                              List<Integer> subscriptionIds) {
        return null;
    }

    @Override
    public void markInflight(String clientId, long seq, int packetId, boolean released) {
    }

    @Override
    public void dequeue(String clientId, long seq, long messageId, boolean wentInflight, QueueEntry entry) {
    }

    @Override
    public void putInboundQos2(String clientId, int packetId) {
    }

    @Override
    public void removeInboundQos2(String clientId, int packetId) {
    }

    @Override
    public void putRetained(String topic, Message message) {
    }

    @Override
    public void removeRetained(String topic) {
    }

    @Override
    public long putWill(String clientId, String username, Will will) {
        return 0;
    }

    @Override
    public void removeWill(String clientId, long willId) {
    }

    @Override
    public void recover(Recovery into) {
    }

    @Override
    public List<Queued> readQueue(String clientId, long fromSeq, int max) {
        return List.of();
    }

    @Override
    public void releaseQueue(String clientId, long fromSeq) {
    }

    @Override
    public void close() {
    }
}
