package dev.midge.broker.store;

import dev.midge.broker.session.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The read side of {@link RocksStore}: recovery at startup (which also rebuilds the message
 * reference counts) and paging a session's waiting messages in. Reads only; all writes go
 * through the store's writer.
 */
final class RocksReader {
    private final RocksDB db;
    private final ColumnFamilyHandle sessions;
    private final ColumnFamilyHandle subscriptions;
    private final ColumnFamilyHandle messages;
    private final ColumnFamilyHandle queues;
    private final ColumnFamilyHandle inflight;
    private final ColumnFamilyHandle inbound;
    private final ColumnFamilyHandle retained;
    private final ColumnFamilyHandle wills;
    private final MessageReferences references;

    RocksReader(RocksDB db, List<ColumnFamilyHandle> handles, MessageReferences references) {
        this.db = db;
        this.sessions = handles.get(1);
        this.subscriptions = handles.get(2);
        this.messages = handles.get(3);
        this.queues = handles.get(4);
        this.inflight = handles.get(5);
        this.inbound = handles.get(6);
        this.retained = handles.get(7);
        this.wills = handles.get(8);
        this.references = references;
    }

    /** The largest ids recovery saw, where the store's counters go on from. */
    record LastIds(long messageId, long willId) {
    }

    /** Hands every record to {@code into}. */
    LastIds recover(Recovery into) {
        long maxId = 0;
        try (RocksIterator it = db.newIterator(sessions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] v = it.value();
                into.session(new String(it.key(), StandardCharsets.UTF_8), ByteBuffer.wrap(v).getLong(),
                        Records.sessionUsername(v));
            }
        }
        try (RocksIterator it = db.newIterator(subscriptions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                ByteBuffer suffix = Records.suffixOf(key);
                String filter = StandardCharsets.UTF_8.decode(suffix).toString();
                into.subscription(Records.clientIdOf(key), filter, Records.subscription(filter, it.value()),
                        Records.subscriptionId(it.value()));
            }
        }
        Map<Long, Message> bodies = new HashMap<>();
        try (RocksIterator it = db.newIterator(queues)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                Records.Queued q = Records.queued(it.value());
                maxId = Math.max(maxId, q.messageId());
                references.recovered(q.messageId());
                byte[] flight = get(inflight, key);
                String clientId = Records.clientIdOf(key);
                long seq = Records.suffixOf(key).getLong();
                if (flight == null) {
                    // waiting: paged in when it is about to go out, so startup reads keys only
                    into.waiting(clientId, seq);
                    continue;
                }
                Message m = q.body() != null ? Records.message(q.body())
                        : bodies.computeIfAbsent(q.messageId(), this::readMessage);
                if (m != null) {
                    into.queued(clientId, seq, m, q.qos(), q.retain(), q.subscriptionIds(),
                            ByteBuffer.wrap(flight).getShort() & 0xFFFF, flight[2] != 0);
                }
            }
        }
        try (RocksIterator it = db.newIterator(inbound)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                into.inboundQos2(Records.clientIdOf(it.key()), Records.suffixOf(it.key()).getShort() & 0xFFFF);
            }
        }
        try (RocksIterator it = db.newIterator(retained)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                Message m = Records.message(it.value());
                maxId = Math.max(maxId, m.id());
                into.retained(new String(it.key(), StandardCharsets.UTF_8), m);
            }
        }
        try (RocksIterator it = db.newIterator(messages)) {
            it.seekToLast();
            if (it.isValid()) {
                maxId = Math.max(maxId, ByteBuffer.wrap(it.key()).getLong());
            }
        }
        long maxWillId = 0;
        try (RocksIterator it = db.newIterator(wills)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                long willId = Records.suffixOf(it.key()).getLong();
                maxWillId = Math.max(maxWillId, willId);
                Records.StoredWill w = Records.will(it.value());
                into.will(Records.clientIdOf(it.key()), willId, w.username(), w.will());
            }
        }
        return new LastIds(maxId, maxWillId);
    }

    List<Store.Queued> readQueue(String clientId, long fromSeq, int max) {
        List<Store.Queued> out = new ArrayList<>();
        byte[] end = Records.sessionPrefixEnd(clientId);
        try (RocksIterator it = db.newIterator(queues)) {
            for (it.seek(Records.key(clientId, fromSeq)); it.isValid() && out.size() < max; it.next()) {
                byte[] key = it.key();
                if (Arrays.compareUnsigned(key, end) >= 0) {
                    break;
                }
                if (get(inflight, key) != null) {
                    continue; // recovered in full at startup
                }
                Records.Queued q = Records.queued(it.value());
                Message m = q.body() != null ? Records.message(q.body()) : readMessage(q.messageId());
                if (m != null) {
                    out.add(new Store.Queued(Records.suffixOf(key).getLong(), m, q.qos(), q.retain(), q.subscriptionIds()));
                }
            }
        }
        return out;
    }

    private Message readMessage(long id) {
        byte[] v = get(messages, Records.longKey(id));
        return v == null ? null : Records.message(v);
    }

    private byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("store read failed: " + e.getMessage(), e);
        }
    }
}
