package dev.midge.broker.session;

import io.netty.channel.Channel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker-wide budget for payload bytes held in session queues and inflight windows, so that
 * slow or absent subscribers cannot exhaust the heap. Full means: new QoS 0 messages are dropped,
 * MQTT 5 publishers get 0x97 (quota exceeded), MQTT 3.x publishers are paused (their socket is
 * not read) until the use falls below three quarters of the limit. Thread-safe.
 */
public final class MemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final Queue<Channel> paused = new ConcurrentLinkedQueue<>();

    /** @param limit bytes; Long.MAX_VALUE for no limit */
    public MemoryBudget(long limit) {
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    public long used() {
        return used.get();
    }

    public boolean isFull() {
        return used.get() >= limit;
    }

    /** Counts bytes now held (any thread). */
    public void hold(long bytes) {
        used.addAndGet(bytes);
    }

    /** Gives bytes back; resumes paused publishers once below the low watermark. */
    public void release(long bytes) {
        long now = used.addAndGet(-bytes);
        if (now < limit - limit / 4 && !paused.isEmpty()) {
            Channel ch;
            while ((ch = paused.poll()) != null) {
                Channel c = ch;
                c.eventLoop().execute(() -> c.config().setAutoRead(true));
            }
        }
    }

    /** Stops reading from a publisher's socket until the budget has room again. */
    public void pause(Channel publisher) {
        publisher.config().setAutoRead(false);
        paused.add(publisher);
        if (!isFull()) {
            release(0); // room came back meanwhile
        }
    }
}
