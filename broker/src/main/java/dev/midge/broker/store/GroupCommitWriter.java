package dev.midge.broker.store;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one writer thread. Event loops queue write operations and durability barriers;
 * the thread takes everything queued while it was busy into one WriteBatch, writes it (with
 * fsync when syncing every batch), and only then hands each barrier's callback back to its event
 * loop: group commit, one sync per batch however many clients wait.
 */
final class GroupCommitWriter {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final Object STOP = new Object();

    private final RocksDB db;
    private final WriteOptions writeOptions;
    private final long syncIntervalMillis;
    private final LinkedBlockingQueue<Object> pending = new LinkedBlockingQueue<>();
    /** Operations collected by {@link #atomically} on this thread, queued as one. */
    private final ThreadLocal<List<Consumer<WriteBatch>>> collecting = new ThreadLocal<>();
    /** Hand-offs that wait until the unit being collected on this thread is queued. */
    private final ThreadLocal<List<Runnable>> deferred = new ThreadLocal<>();
    private final Thread thread;

    /** A durability barrier: run {@code then} on {@code loop} after the batch it is in. */
    private record Barrier(EventLoop loop, Runnable then) {
    }

    /**
     * @param syncIntervalMillis 0 to sync every batch before its callbacks run; otherwise batches
     *                           are written without sync and the log is synced this often
     */
    GroupCommitWriter(RocksDB db, long syncIntervalMillis) {
        this.db = db;
        this.syncIntervalMillis = syncIntervalMillis;
        this.writeOptions = new WriteOptions().setSync(syncIntervalMillis == 0);
        this.thread = new Thread(this::run, "midge-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    void submit(Consumer<WriteBatch> op) {
        List<Consumer<WriteBatch>> group = collecting.get();
        if (group != null) {
            group.add(op);
        } else {
            pending.add(op);
        }
    }

    void atomically(Runnable body) {
        if (collecting.get() != null) {
            body.run(); // already inside a unit
            return;
        }
        List<Consumer<WriteBatch>> group = new ArrayList<>();
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
            pending.add((Consumer<WriteBatch>) wb -> group.forEach(op -> op.accept(wb)));
        }
        handOffs.forEach(Runnable::run);
    }

    void afterWritesQueued(Runnable handOff) {
        List<Runnable> handOffs = deferred.get();
        if (handOffs != null) {
            handOffs.add(handOff);
        } else {
            handOff.run();
        }
    }

    void afterDurable(EventLoop loop, Runnable then) {
        pending.add(new Barrier(loop, then));
    }

    /** Writes what is queued, then stops the thread. */
    void stop() {
        pending.add(STOP);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeOptions.close();
    }

    private void run() {
        long lastSync = System.nanoTime();
        List<Object> batch = new ArrayList<>();
        while (true) {
            try {
                Object first = syncIntervalMillis == 0 ? pending.take()
                        : pending.poll(syncIntervalMillis, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    pending.drainTo(batch);
                }
                boolean stop = batch.remove(STOP);
                boolean written = write(batch);
                if (syncIntervalMillis > 0 && System.nanoTime() - lastSync >= syncIntervalMillis * 1_000_000) {
                    db.flushWal(true);
                    lastSync = System.nanoTime();
                }
                if (written) {
                    complete(batch);
                }
                batch.clear();
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RocksDBException e) {
                LOG.error("store sync failed: {}", e.getMessage());
            }
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

    /** Applies the batch's writes; false when they could not be written (no ack may follow). */
    @SuppressWarnings("unchecked")
    private boolean write(List<Object> batch) {
        try (WriteBatch wb = new WriteBatch()) {
            for (Object o : batch) {
                if (o instanceof Consumer<?> op) {
                    ((Consumer<WriteBatch>) op).accept(wb);
                }
            }
            if (wb.count() > 0) {
                db.write(writeOptions, wb);
            }
            return true;
        } catch (RocksDBException | RuntimeException e) {
            LOG.error("store write of {} operations failed; their acknowledgements are withheld: {}",
                    batch.size(), e.getMessage());
            return false;
        }
    }
}
