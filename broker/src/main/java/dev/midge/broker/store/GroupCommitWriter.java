package dev.midge.broker.store;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one writer thread. Event loops queue write operations and durability barriers;
 * the thread takes everything queued while it was busy into one WriteBatch, writes it, and only
 * then hands each barrier's callback back to its event loop: group commit, one sync per batch
 * however many clients wait. A batch with barriers may wait up to a couple of milliseconds for the
 * other clients that waited lately ({@link SyncGathering}), so that one sync serves a whole round of
 * them instead of each sync serving whoever arrived during the last one.
 *
 * <p>Only a batch with a barrier is synced. Writes nobody waits for (a subscriber's
 * acknowledgement deleting a queue entry, say) wake the thread only when it is idle, linger until
 * the next barrier or {@link #LINGER_NANOS}, and are written without sync: the next synced write
 * syncs the log they are in. That saves a wake-up and an fsync per delivered message; a crash can then undo
 * such a delete, which redelivers an acknowledged QoS 1 message (allowed) and resends a PUBREL
 * (harmless), never loses or duplicates what an acknowledgement promised.
 */
final class GroupCommitWriter {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final Object STOP = new Object();
    /** How long writes nobody waits for may stay queued. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int RUNNING = 0;
    private static final int GATHERING = 1;
    private static final int LINGERING = 2;
    private static final int IDLE = 3;

    private final RocksDB db;
    private final WriteOptions syncedWrite;
    private final WriteOptions plainWrite;
    private final long syncIntervalNanos;
    private final SyncGathering gathering;
    private final RoundCountdown round = new RoundCountdown();
    private final ConcurrentLinkedQueue<Object> pending = new ConcurrentLinkedQueue<>();
    /**
     * {@link #RUNNING}, {@link #GATHERING} (parked with barriers, until the clients its round waits
     * for have asked or the gathering window is over), {@link #LINGERING} (parked with writes
     * queued, until a barrier or their time is up) or {@link #IDLE} (parked with nothing queued:
     * any submission wakes it).
     */
    private volatile int state = RUNNING;
    /** The batch being built; the writer thread's own. */
    private final BatchEncoder encoder = new BatchEncoder();
    /** Operations collected by {@link #atomically} on this thread, queued as one. */
    private final ThreadLocal<List<Consumer<BatchEncoder>>> collecting = new ThreadLocal<>();
    /** Hand-offs that wait until the unit being collected on this thread is queued. */
    private final ThreadLocal<List<Runnable>> deferred = new ThreadLocal<>();
    private final Thread thread;
    /** Each event loop's pending wake-up of this thread, sent once its current pass is over. */
    private final FastThreadLocal<DeferredWake> deferredWake = new FastThreadLocal<>() {
        @Override
        protected DeferredWake initialValue() {
            return new DeferredWake();
        }
    };

    /** What {@link #write} did; after FAILED no acknowledgement of that batch may follow. */
    private enum Written { NOTHING, WRITES, FAILED }

    /** A durability barrier: run {@code then} on {@code loop} after the batch it is in. */
    private record Barrier(EventLoop loop, Object waiter, Runnable then) {
    }

    /**
     * @param syncIntervalMillis 0 to sync every batch that has a barrier before its callbacks
     *                           run; otherwise batches are written without sync and the log is
     *                           synced this often
     */
    GroupCommitWriter(RocksDB db, long syncIntervalMillis, long gatherMillis) {
        this.db = db;
        this.syncIntervalNanos = TimeUnit.MILLISECONDS.toNanos(syncIntervalMillis);
        this.gathering = new SyncGathering(TimeUnit.MILLISECONDS.toNanos(gatherMillis));
        this.syncedWrite = new WriteOptions().setSync(true);
        this.plainWrite = new WriteOptions().setSync(false);
        this.thread = new Thread(this::run, "midge-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    void submit(Consumer<BatchEncoder> op) {
        List<Consumer<BatchEncoder>> group = collecting.get();
        if (group != null) {
            group.add(op);
        } else {
            pending.add(op);
            wakeIf(IDLE);
        }
    }

    /** Returns true when {@code body} submitted writes (false: an ack after it waits for nothing new). */
    boolean atomically(Runnable body) {
        if (collecting.get() != null) {
            body.run(); // already inside a unit
            return true;
        }
        List<Consumer<BatchEncoder>> group = new ArrayList<>();
        List<Runnable> handOffs = new ArrayList<>();
        collecting.set(group);
        deferred.set(handOffs);
        try {
            body.run();
        } finally {
            collecting.remove();
            deferred.remove();
        }
        if (!group.isEmpty()) {
            // one element of the queue: never split across two batches
            pending.add((Consumer<BatchEncoder>) batch -> group.forEach(op -> op.accept(batch)));
            wakeIf(IDLE);
        }
        handOffs.forEach(Runnable::run);
        return !group.isEmpty();
    }

    void afterWritesQueued(Runnable handOff) {
        List<Runnable> handOffs = deferred.get();
        if (handOffs != null) {
            handOffs.add(handOff);
        } else {
            handOff.run();
        }
    }

    void afterDurable(EventLoop loop, Object waiter, Runnable then) {
        pending.add(new Barrier(loop, waiter, then));
        if (state == GATHERING && !round.countIn(waiter)) {
            return; // the round still waits for somebody else
        }
        wakeIf(GATHERING);
    }

    /** Writes what is queued, then stops the thread. */
    void stop() {
        pending.add(STOP);
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        syncedWrite.close();
        plainWrite.close();
    }

    /**
     * Unparks the thread when it is parked in {@code atLeast} or a deeper state. On an event loop
     * the unpark waits for the end of the loop's pass over its ready channels: flat out, a loop
     * queues a barrier for every PUBLISH it reads, and an unpark per barrier (a system call, and a
     * wake-up of the writer to find its round still incomplete) cost the loops a tenth of their
     * time. One per pass still reaches the writer within microseconds.
     */
    private void wakeIf(int atLeast) {
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        if (loop == null) {
            wakeNowIf(atLeast);
            return;
        }
        DeferredWake wake = deferredWake.get();
        if (wake.atLeast == 0) {
            try {
                loop.execute(wake);
            } catch (RejectedExecutionException shuttingDown) {
                wakeNowIf(atLeast);
                return;
            }
        }
        wake.atLeast = wake.atLeast == 0 ? atLeast : Math.min(wake.atLeast, atLeast);
    }

    private void wakeNowIf(int atLeast) {
        // pairs with park(): the queue is written before the state is read here, and the state
        // is written before the queue is read there, so one side always sees the other
        if (state >= atLeast) {
            LockSupport.unpark(thread);
        }
    }

    /** A loop's wake-up of the writer, queued behind the loop's current work; one loop's own. */
    private final class DeferredWake implements Runnable {
        /** The shallowest parked state to wake the writer from (not {@link #RUNNING}); 0 while none is pending. */
        int atLeast;

        @Override
        public void run() {
            int level = atLeast;
            atLeast = 0;
            wakeNowIf(level);
        }
    }

    private void run() {
        List<Object> batch = new ArrayList<>();
        int barriers = 0;
        long batchSince = 0;
        long lastSync = System.nanoTime();
        boolean unsynced = false;
        while (true) {
            int before = batch.size();
            long now = System.nanoTime();
            boolean stop = false;
            for (Object o; (o = pending.poll()) != null; ) {
                if (o == STOP) {
                    stop = true;
                    continue;
                }
                batch.add(o);
                if (o instanceof Barrier b) {
                    barriers++;
                    gathering.asked(b.waiter(), now);
                    round.countIn(b.waiter());
                }
            }
            if (before == 0 && !batch.isEmpty()) {
                batchSince = now;
            }
            boolean due = stop || barriers > 0 && gathering.due(now);
            if (due || (barriers == 0 && !batch.isEmpty() && now - batchSince >= LINGER_NANOS)) {
                boolean sync = due && syncIntervalNanos == 0; // a barrier or STOP: the lingering path has neither
                if (due) {
                    round.start(gathering.syncing(now));
                }
                barriers = 0;
                Written written = write(batch, sync, unsynced);
                if (written != Written.FAILED) {
                    unsynced = !sync && (unsynced || written == Written.WRITES);
                    if (sync) {
                        lastSync = now;
                    }
                    complete(batch);
                }
                batch.clear();
                if (stop) {
                    if (unsynced) {
                        syncLog();
                    }
                    return;
                }
                continue;
            }
            if (syncIntervalNanos > 0 && unsynced && now - lastSync >= syncIntervalNanos) {
                unsynced = !syncLog();
                lastSync = now;
                continue;
            }
            long wait = Long.MAX_VALUE;
            if (barriers > 0) {
                wait = gathering.patience(now); // until the rest of the active waiters ask, or their time is up
            } else if (!batch.isEmpty()) {
                wait = LINGER_NANOS - (now - batchSince);
            }
            if (syncIntervalNanos > 0 && unsynced) {
                wait = Math.min(wait, syncIntervalNanos - (now - lastSync));
            }
            park(barriers > 0 ? GATHERING : wait == Long.MAX_VALUE ? IDLE : LINGERING, wait);
        }
    }

    private void park(int parked, long nanos) {
        state = parked;
        if (pending.isEmpty()) {
            if (nanos == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, nanos);
            }
        }
        state = RUNNING;
    }

    private boolean syncLog() {
        try {
            db.flushWal(true);
            return true;
        } catch (RocksDBException e) {
            LOG.error("store sync failed: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Hands each loop the callbacks of its barriers in this batch as one task, in order: one
     * wake-up per loop per batch instead of one per acknowledgement.
     */
    private static void complete(List<Object> batch) {
        Map<EventLoop, List<Runnable>> byLoop = new LinkedHashMap<>();
        for (Object o : batch) {
            if (o instanceof Barrier b) {
                byLoop.computeIfAbsent(b.loop(), l -> new ArrayList<>()).add(b.then());
            }
        }
        byLoop.forEach((loop, callbacks) -> loop.execute(() -> callbacks.forEach(Runnable::run)));
    }

    /**
     * Applies the batch's writes, synced when {@code sync} (and then also syncing earlier
     * unsynced writes when this batch has none).
     */
    @SuppressWarnings("unchecked")
    private Written write(List<Object> batch, boolean sync, boolean unsynced) {
        try {
            encoder.reset();
            for (Object o : batch) {
                if (o instanceof Consumer<?> op) {
                    ((Consumer<BatchEncoder>) op).accept(encoder);
                }
            }
            if (encoder.count() > 0) {
                try (WriteBatch wb = encoder.toWriteBatch()) {
                    db.write(sync ? syncedWrite : plainWrite, wb);
                }
                return Written.WRITES;
            }
            if (sync && unsynced) {
                db.flushWal(true);
            }
            return Written.NOTHING;
        } catch (RocksDBException | RuntimeException e) {
            LOG.error("store write of {} operations failed; their acknowledgements are withheld: {}",
                    batch.size(), e.getMessage());
            return Written.FAILED;
        }
    }
}
