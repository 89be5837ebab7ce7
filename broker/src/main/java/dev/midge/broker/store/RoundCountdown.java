package dev.midge.broker.store;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of the clients that the writer's gathering round waits for have not asked for a sync
 * yet: the event loops wake a gathering writer only for the barrier that may complete its round,
 * instead of for every barrier (an unpark is a system call, and each wake-up of the writer found
 * its round still incomplete, flat out thousands of times a second).
 *
 * <p>The writer starts a round with the number of clients that waited lately ({@link SyncGathering});
 * each client is counted once per round, by its loop when the writer is parked gathering, or by the
 * writer when it takes the barrier from its queue (so that a barrier queued before the round began
 * is counted too). The count is a hint: an early wake-up only lets the writer check and park again,
 * and a late one is bounded by the gathering window. Shared by the loops and the writer.
 */
final class RoundCountdown {
    private volatile AtomicInteger missing = new AtomicInteger();

    /** The writer began a sync: a new round waits for {@code waiters} clients. */
    void start(int waiters) {
        missing = new AtomicInteger(waiters);
    }

    /**
     * Counts {@code waiter} in the current round, once; true when it may complete the round (or is
     * not a client the round can track).
     */
    boolean countIn(Object waiter) {
        if (!(waiter instanceof Store.Waiter client)) {
            return true;
        }
        AtomicInteger round = missing; // the round's identity too: each client keeps the last it was counted in
        if (client.swapSyncRound(round) == round) {
            return false;
        }
        return round.decrementAndGet() <= 0;
    }
}
