package dev.midge.broker.store;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * When the writer should sync (or, syncing on an interval, write) a batch that has durability barriers: at once when every client
 * that waited for a sync lately is waiting in this batch (nobody else is coming) or when the
 * broker's own outbound flow waits in it ({@link Store#OUTBOUND_FLOW}: a QoS 2 delivery window
 * stalls meanwhile), otherwise once {@code gatherNanos} have passed since the last sync began.
 *
 * <p>Why: on this machine (a VM whose disk flushes go through the host) every fsync lifts the
 * latency tail of everything running, not only of the process that syncs: another process doing
 * 250 fdatasyncs a second left an in-memory broker's p99 at 0.17-0.21 ms, 1,000 a second took it to
 * 0.85-4.3 ms (bench/fsync-latency.sh). Syncing whatever arrived during the previous sync, as plain
 * group commit does, meant ~2,900 syncs a second for 16 publishers at 500 QoS 1 messages a second
 * each, about 3 messages per sync; gathering a round of them makes it ~470. A lone client is
 * synced at once, and clients that each wait for one acknowledgement at a time as soon as the last
 * of them has asked.
 *
 * <p>With {@code persistence_sync interval} the batch is written without a sync, and gathered
 * the same way: a round of clients then costs one write and one wake-up of the writer instead of
 * one each (16 x 500 msgs/s: the writer's CPU 21-22 % -> 6-7 % of a core, its wake-ups 70 k -> 11 k
 * per 10 s run; flat out the same throughput for a quarter less writer CPU).
 *
 * <p>Only the writer thread uses an instance.
 */
final class SyncGathering {
    private final long gatherNanos;
    /** Each waiter's last barrier, oldest first (access order: a new barrier moves it to the end). */
    private final LinkedHashMap<Object, Long> lastAsked = new LinkedHashMap<>(64, 0.75f, true);
    /** Waiters with a barrier in the batch being gathered. */
    private final Set<Object> inBatch = new HashSet<>();
    private long lastSyncStart = Long.MIN_VALUE / 2;
    /** A barrier in the batch that the broker's own delivery waits on: no gathering. */
    private boolean urgent;

    /** @param gatherNanos 0 to sync every batch with a barrier at once (plain group commit) */
    SyncGathering(long gatherNanos) {
        this.gatherNanos = gatherNanos;
    }

    /** A barrier of {@code waiter} joined the batch. */
    void asked(Object waiter, long now) {
        if (gatherNanos == 0) {
            return; // plain group commit: nothing to track
        }
        if (waiter == Store.OUTBOUND_FLOW) {
            urgent = true;
            return;
        }
        lastAsked.put(waiter, now);
        inBatch.add(waiter);
    }

    /** Whether the batch, which has a barrier, is to be synced now. */
    boolean due(long now) {
        if (urgent || gatherNanos == 0 || now - lastSyncStart >= gatherNanos) {
            return true;
        }
        forgetIdle(now);
        return inBatch.size() >= lastAsked.size();
    }

    /** How long the writer may wait for more of the active waiters before {@link #due} says yes. */
    long patience(long now) {
        return Math.max(0, gatherNanos - (now - lastSyncStart));
    }

    /** The write of the batch (synced, unless syncing on an interval) began at {@code now}; returns how many waiters the next round waits for. */
    int syncing(long now) {
        lastSyncStart = now;
        urgent = false;
        inBatch.clear();
        forgetIdle(now);
        return lastAsked.size();
    }

    /** Waiters that asked longer ago than the gathering window are not waited for. */
    private void forgetIdle(long now) {
        for (Iterator<Long> it = lastAsked.values().iterator(); it.hasNext(); ) {
            if (now - it.next() < gatherNanos) {
                break;
            }
            it.remove();
        }
    }
}
