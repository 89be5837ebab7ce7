package dev.midge.broker.store;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When the writer should sync a batch that has durability barriers: at once when every client
 * that waited for a sync lately is waiting in this batch (nobody else is coming) or when the
 * broker's own outbound flow waits in it ({@link Store#OUTBOUND_FLOW}: a QoS 2 delivery window
 * stalls meanwhile), otherwise once {@code gatherNanos} have passed since the last sync began.
 *
 * <p>Why: each fsync on this class of machine (a VM whose disk flush goes through the host) lifts
 * every process's latency tail, not only the syncing one's, and costs CPU in the kernel. Syncing
 * whatever arrived during the previous sync, as plain group commit does, means up to ~2,400 syncs a
 * second for 8,000 QoS 1 messages a second from 16 publishers, 3 messages each. Gathering until
 * the publishers that are active have all asked brings that down to one sync per round of them,
 * while a lone publisher, or publishers that wait one acknowledgement at a time, still get theirs
 * at once: they are all in the batch as soon as they have asked.
 *
 * <p>Only the writer thread uses an instance.
 */
final class SyncGathering {
    private final long gatherNanos;
    /** Each waiter's last barrier, oldest first (re-inserted on every barrier). */
    private final LinkedHashMap<Object, Long> lastAsked = new LinkedHashMap<>();
    /** Waiters with a barrier in the batch being gathered. */
    private final Map<Object, Boolean> inBatch = new IdentityHashMap<>();
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
        lastAsked.remove(waiter);
        lastAsked.put(waiter, now);
        inBatch.put(waiter, Boolean.TRUE);
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

    /** A synced write of the batch began at {@code now}. */
    void syncing(long now) {
        lastSyncStart = now;
        urgent = false;
        inBatch.clear();
        forgetIdle(now);
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
