package dev.midge.broker.sys;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Broker-wide counters, written by every event loop, read by the $SYS publisher. */
public final class BrokerMetrics {
    private final long startNanos = System.nanoTime();
    private final LongAdder packetsReceived = new LongAdder();
    private final LongAdder packetsSent = new LongAdder();
    private final LongAdder publishReceived = new LongAdder();
    private final LongAdder publishSent = new LongAdder();
    private final LongAdder publishDropped = new LongAdder();
    private final AtomicInteger clientsConnected = new AtomicInteger();
    private final AtomicInteger clientsMaximum = new AtomicInteger();
    private final AtomicInteger connectionsAsleep = new AtomicInteger();

    public void packetReceived(boolean publish) {
        packetsReceived.increment();
        if (publish) {
            publishReceived.increment();
        }
    }

    public void packetSent(boolean publish) {
        packetsSent.increment();
        if (publish) {
            publishSent.increment();
        }
    }

    public void publishDropped() {
        publishDropped.increment();
    }

    public void clientConnected() {
        int now = clientsConnected.incrementAndGet();
        clientsMaximum.accumulateAndGet(now, Math::max);
    }

    public void clientDisconnected() {
        clientsConnected.decrementAndGet();
    }

    /** An idle connection's channel was dropped; its socket sleeps. */
    public void connectionSlept() {
        connectionsAsleep.incrementAndGet();
    }

    /** A sleeping connection woke into a channel, or was closed asleep. */
    public void connectionWoke() {
        connectionsAsleep.decrementAndGet();
    }

    /** Connections whose sockets sleep without a channel now. */
    public int connectionsAsleep() {
        return connectionsAsleep.get();
    }

    public long uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }

    public long packetsReceived() {
        return packetsReceived.sum();
    }

    public long packetsSent() {
        return packetsSent.sum();
    }

    public long publishReceived() {
        return publishReceived.sum();
    }

    public long publishSent() {
        return publishSent.sum();
    }

    public long publishDroppedCount() {
        return publishDropped.sum();
    }

    public int clientsConnected() {
        return clientsConnected.get();
    }

    public int clientsMaximum() {
        return clientsMaximum.get();
    }
}
