package dev.midge.broker.session;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;

/**
 * Deliveries handed to a session from other event loops, and whether a drain is already on its
 * way to the owner loop: one wake-up for any number of hand-offs. A session creates it with the
 * first such hand-off.
 */
final class SessionInbox extends ConcurrentLinkedQueue<Delivery> {
    private static final AtomicIntegerFieldUpdater<SessionInbox> WAKE_SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(SessionInbox.class, "wakeScheduled");
    /** 1 while a drain is on its way to the owner loop. */
    private volatile int wakeScheduled;

    /** Adds {@code d} from any thread; true when the caller has to schedule the drain. */
    boolean addAndNeedsWake(Delivery d) {
        add(d);
        return WAKE_SCHEDULED.compareAndSet(this, 0, 1);
    }

    /** On the owner loop: hands everything queued to {@code sink}, in order. */
    void drainTo(Consumer<Delivery> sink) {
        wakeScheduled = 0;
        Delivery d;
        while ((d = poll()) != null) {
            sink.accept(d);
        }
    }
}
