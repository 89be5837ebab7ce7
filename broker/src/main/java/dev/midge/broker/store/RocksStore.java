package dev.midge.broker.store;

import dev.midge.broker.session.Message;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.packet.Will;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable store on RocksDB: one column family per kind of record (see {@link Records} for
 * the layout), written through the {@link GroupCommitWriter}, read back once at startup.
 */
public final class RocksStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(RocksStore.class);
    private static final String[] FAMILIES = {"sessions", "subscriptions", "messages", "queues", "inflight",
        "inbound", "retained", "wills"};

    static {
        RocksLibrary.load();
    }

    private final Path dir;
    private final LRUCache cache;
    private final WriteBufferManager writeBuffers;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    /** The queue family, for reading a session's queue; writes name each family by its id below. */
    private final ColumnFamilyHandle queuesHandle;
    private final int sessions;
    private final int subscriptions;
    private final int messages;
    private final int queues;
    private final int inflight;
    private final int inbound;
    private final int retained;
    private final int wills;

    private final MessageReferences references = new MessageReferences();
    private final AtomicLong messageIds = new AtomicLong();
    private final AtomicLong willIds = new AtomicLong();
    private final GroupCommitWriter writer;
    private final RocksReader reader;
    private volatile boolean closing;

    /**
     * @param syncIntervalMillis 0 to fsync every batch before its callbacks run; otherwise batches
     *                           are written without sync and the log is synced this often
     * @param gatherMillis       with syncIntervalMillis 0: how long a sync may wait for the other
     *                           clients that waited lately ({@link SyncGathering}; 0: never)
     * @param memoryBytes        block cache and write buffers together stay within this
     */
    public RocksStore(Path dir, long syncIntervalMillis, long gatherMillis, long memoryBytes) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        cache = new LRUCache(memoryBytes / 2);
        writeBuffers = new WriteBufferManager(memoryBytes / 2, cache);
        // Reused log files: a sync then writes into blocks the file already has instead of growing
        // it, one I/O instead of two (data and file size); +7 % durable QoS 1 here. Point-in-time
        // recovery (the default) tells a reused file's old records from new ones by log number.
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setWriteBufferManager(writeBuffers).setMaxOpenFiles(256).setRecycleLogFileNum(4);
        cfOptions = new ColumnFamilyOptions().setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
        db = openOrMoveAside();
        sessions = handles.get(1).getID();
        subscriptions = handles.get(2).getID();
        messages = handles.get(3).getID();
        queuesHandle = handles.get(4);
        queues = queuesHandle.getID();
        inflight = handles.get(5).getID();
        inbound = handles.get(6).getID();
        retained = handles.get(7).getID();
        wills = handles.get(8).getID();
        writer = new GroupCommitWriter(db, syncIntervalMillis, gatherMillis);
        reader = new RocksReader(db, handles, references);
    }

    private RocksDB openOrMoveAside() throws IOException {
        try {
            return open();
        } catch (RocksDBException e) {
            // A damaged store must not keep the broker down: keep it for inspection, start afresh
            // with what can be read out of it.
            Path aside = dir.resolveSibling(dir.getFileName() + ".corrupt-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            LOG.error("The store in {} cannot be opened ({}); moved it to {} and starting a fresh store with what "
                    + "can be read out of it.", dir, e.getMessage(), aside);
            handles.clear();
            Files.move(dir, aside);
            Files.createDirectories(dir);
            RocksDB fresh;
            try {
                fresh = open();
            } catch (RocksDBException again) {
                throw new IOException("cannot open a fresh store in " + dir + ": " + again.getMessage(), again);
            }
            Map<String, ColumnFamilyHandle> byName = new HashMap<>();
            for (int i = 0; i < FAMILIES.length; i++) {
                byName.put(FAMILIES[i], handles.get(i + 1));
            }
            try {
                StoreSalvage.Result salvaged = StoreSalvage.salvage(aside, fresh, byName);
                LOG.error("Store salvage from {}: {} table records and {} logged write batches read back, {} damaged "
                        + "files. Messages deleted before the damage may be delivered again.", aside,
                        salvaged.tableRecords(), salvaged.logBatches(), salvaged.damagedFiles());
            } catch (IOException | RuntimeException failed) {
                LOG.error("Store salvage from {} stopped ({}); starting with what it read until then.", aside,
                        failed.getMessage());
            }
            return fresh;
        }
    }

    private RocksDB open() throws RocksDBException {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (String f : FAMILIES) {
            descriptors.add(new ColumnFamilyDescriptor(f.getBytes(StandardCharsets.US_ASCII), cfOptions));
        }
        return RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
    }

    // ---- the writer ---------------------------------------------------------------------------

    private void op(Consumer<BatchEncoder> op) {
        writer.submit(op);
    }

    @Override
    public boolean atomically(Runnable body) {
        return writer.atomically(body);
    }

    @Override
    public void afterWritesQueued(Runnable handOff) {
        writer.afterWritesQueued(handOff);
    }

    @Override
    public void afterDurable(EventLoop loop, Object waiter, Runnable then) {
        writer.afterDurable(loop, waiter, then);
    }

    // ---- writes ------------------------------------------------------------------------------

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public long nextMessageId() {
        return messageIds.incrementAndGet();
    }

    @Override
    public void putSession(String clientId, long expirySeconds, String username) {
        byte[] key = Records.utf8(clientId);
        byte[] value = Records.session(expirySeconds, username);
        op(batch -> batch.put(sessions, key, value));
    }

    @Override
    public void removeSession(String clientId) {
        byte[] from = Records.sessionPrefix(clientId);
        byte[] to = Records.sessionPrefixEnd(clientId);
        byte[] key = Records.utf8(clientId);
        op(batch -> {
            batch.delete(sessions, key);
            batch.deleteRange(subscriptions, from, to);
            batch.deleteRange(queues, from, to);
            batch.deleteRange(inflight, from, to);
            batch.deleteRange(inbound, from, to);
        });
    }

    @Override
    public void putSubscription(String clientId, String filter, Subscription options, int subscriptionId) {
        byte[] key = Records.key(clientId, filter);
        byte[] value = Records.subscription(options, subscriptionId);
        op(batch -> batch.put(subscriptions, key, value));
    }

    @Override
    public void removeSubscription(String clientId, String filter) {
        byte[] key = Records.key(clientId, filter);
        op(batch -> batch.delete(subscriptions, key));
    }

    @Override
    public QueueEntry enqueue(String clientId, long seq, Message message, Qos qos, boolean retain,
                              List<Integer> subscriptionIds) {
        MessageReferences.Entry entry = references.enqueued(message);
        // records are laid out on the writer thread, only for entries that get written
        op(batch -> {
            MessageReferences.Claim claim = references.claim(entry);
            if (claim.body() != null) {
                batch.put(messages, Records.longKey(message.id()), claim.body());
            }
            if (!claim.entry()) {
                return;
            }
            byte[] key = Records.key(clientId, seq);
            byte[] value = Records.queued(message.id(), qos, retain, subscriptionIds);
            if (claim.inlineBody() != null) {
                batch.put(queues, key, value, claim.inlineBody()); // the entry, the body after it (Records.queued)
            } else {
                batch.put(queues, key, value);
            }
        });
        return entry;
    }

    @Override
    public void markInflight(String clientId, long seq, int packetId, boolean released) {
        byte[] key = Records.key(clientId, seq);
        byte[] value = Records.inflight(packetId, released);
        op(batch -> batch.put(inflight, key, value));
    }

    @Override
    public void dequeue(String clientId, long seq, long messageId, boolean wentInflight, QueueEntry entry) {
        MessageReferences.Removal removal = references.dequeued((MessageReferences.Entry) entry, messageId);
        if (removal.nothing() && !wentInflight) {
            return; // acknowledged before the writer got to it: neither written nor to be deleted
        }
        op(batch -> {
            byte[] key = Records.key(clientId, seq);
            if (removal.entry()) {
                batch.singleDelete(queues, key);
            }
            if (wentInflight) {
                batch.delete(inflight, key);
            }
            if (removal.body()) {
                batch.singleDelete(messages, Records.longKey(messageId));
            }
        });
    }

    @Override
    public void putInboundQos2(String clientId, int packetId) {
        byte[] key = Records.key(clientId, packetId);
        op(batch -> batch.put(inbound, key, new byte[0]));
    }

    @Override
    public void removeInboundQos2(String clientId, int packetId) {
        byte[] key = Records.key(clientId, packetId);
        op(batch -> batch.delete(inbound, key));
    }

    @Override
    public void putRetained(String topic, Message message) {
        byte[] body = Records.message(message);
        byte[] key = Records.utf8(topic);
        op(batch -> batch.put(retained, key, body));
    }

    @Override
    public void removeRetained(String topic) {
        byte[] key = Records.utf8(topic);
        op(batch -> batch.delete(retained, key));
    }

    @Override
    public long putWill(String clientId, String username, Will will) {
        long willId = willIds.incrementAndGet();
        byte[] key = Records.key(clientId, willId);
        byte[] value = Records.will(username, will);
        op(batch -> batch.put(wills, key, value));
        return willId;
    }

    @Override
    public void removeWill(String clientId, long willId) {
        byte[] key = Records.key(clientId, willId);
        op(batch -> batch.delete(wills, key));
    }

    // ---- reading -----------------------------------------------------------------------------

    @Override
    public void recover(Recovery into) {
        RocksReader.LastIds last = reader.recover(into);
        messageIds.set(last.messageId());
        willIds.set(last.willId());
    }

    @Override
    public List<Queued> readQueue(String clientId, long fromSeq, int max) {
        return reader.readQueue(clientId, fromSeq, max);
    }

    @Override
    public void releaseQueue(String clientId, long fromSeq) {
        byte[] end = Records.sessionPrefixEnd(clientId);
        List<byte[]> bodies = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        try (RocksIterator it = db.newIterator(queuesHandle)) {
            for (it.seek(Records.key(clientId, fromSeq)); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (Arrays.compareUnsigned(key, end) >= 0) {
                    break;
                }
                keys.add(key);
                long id = Records.queued(it.value()).messageId();
                if (references.released(id)) {
                    bodies.add(Records.longKey(id));
                }
            }
        }
        op(batch -> {
            for (byte[] k : keys) {
                batch.singleDelete(queues, k);
            }
            for (byte[] b : bodies) {
                batch.singleDelete(messages, b);
            }
        });
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        writer.stop();
        try {
            db.flushWal(true);
        } catch (RocksDBException e) {
            LOG.warn("final store sync failed: {}", e.getMessage());
        }
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        cfOptions.close();
        dbOptions.close();
        writeBuffers.close();
        cache.close();
    }
}
