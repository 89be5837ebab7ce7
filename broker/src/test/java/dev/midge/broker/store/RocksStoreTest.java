package dev.midge.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.broker.session.Message;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.packet.Will;
import io.netty.channel.DefaultEventLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;

class RocksStoreTest {
    private static final DefaultEventLoop LOOP = new DefaultEventLoop();
    @TempDir
    Path dir;

    @AfterAll
    static void stopLoop() {
        LOOP.shutdownGracefully();
    }

    private static Message message(long id, String payload) {
        Publish p = new Publish("t/x", payload.getBytes(StandardCharsets.UTF_8), Qos.EXACTLY_ONCE, false, false, 0,
                Properties.builder().put(Property.CONTENT_TYPE, "text/plain").userProperty("k", "v").build());
        return Message.of(id, p, "publisher");
    }

    /** Collects what recovery hands back. */
    private static final class Collected implements Recovery {
        final List<String> events = new ArrayList<>();

        @Override
        public void session(String clientId, long expirySeconds, String username) {
            events.add("session " + clientId + " " + expirySeconds);
        }

        @Override
        public void subscription(String clientId, String filter, Subscription options, int subscriptionId) {
            events.add("sub " + clientId + " " + filter + " q" + options.qos().value() + " rap" + options.retainAsPublished()
                    + " id" + subscriptionId);
        }

        @Override
        public void queued(String clientId, long seq, Message m, Qos qos, boolean retain, List<Integer> ids,
                           int packetId, boolean released) {
            events.add("queued " + clientId + " " + seq + " " + new String(m.publish().payload(), StandardCharsets.UTF_8)
                    + " q" + qos.value() + " pid" + packetId + " rel" + released + " ids" + ids + " "
                    + m.publish().properties().string(Property.CONTENT_TYPE));
        }

        @Override
        public void waiting(String clientId, long seq) {
            events.add("waiting " + clientId + " " + seq);
        }

        @Override
        public void inboundQos2(String clientId, int packetId) {
            events.add("inbound " + clientId + " " + packetId);
        }

        @Override
        public void retained(String topic, Message m) {
            events.add("retained " + topic + " " + new String(m.publish().payload(), StandardCharsets.UTF_8));
        }

        @Override
        public void will(String clientId, long willId, String username, Will will) {
            events.add("will " + clientId + " #" + willId + " u" + username + " " + will.topic() + " "
                    + new String(will.payload(), StandardCharsets.UTF_8) + " q" + will.qos().value() + " r"
                    + will.retain() + " delay" + will.properties().fourByte(Property.WILL_DELAY_INTERVAL) + " "
                    + will.properties().string(Property.CONTENT_TYPE));
        }
    }

    private static void sync(Store store) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        store.afterDurable(LOOP, "test", () -> done.complete(null));
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void writes_closeAndReopen_recoveredInKeyOrder() throws Exception {
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            store.putSession("c1", 300, null);
            store.putSubscription("c1", "t/#", new Subscription("t/#", Qos.EXACTLY_ONCE, false, true, 0), 7);
            Message m1 = message(store.nextMessageId(), "one");
            Message m2 = message(store.nextMessageId(), "two");
            store.atomically(() -> {
                store.putInboundQos2("c1", 99);
                store.enqueue("c1", 1, m1, Qos.EXACTLY_ONCE, false, List.of(7));
            });
            store.enqueue("c1", 2, m2, Qos.AT_LEAST_ONCE, true, List.of());
            store.markInflight("c1", 1, 42, true);
            store.putRetained("state", message(store.nextMessageId(), "kept"));
            store.putSession("gone", 60, null);
            store.enqueue("gone", 1, m2, Qos.AT_LEAST_ONCE, false, List.of());
            store.removeSession("gone");
            sync(store);
        }
        Collected c = new Collected();
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            store.recover(c);
            assertThat(store.nextMessageId()).isEqualTo(4);
            // the waiting message is read when asked for, the one in flight is skipped
            List<Store.Queued> page = store.readQueue("c1", 0, 10);
            assertThat(page).hasSize(1);
            assertThat(page.get(0).seq()).isEqualTo(2);
            assertThat(new String(page.get(0).message().publish().payload(), StandardCharsets.UTF_8)).isEqualTo("two");
            assertThat(page.get(0).retain()).isTrue();
        }
        // startup reads a waiting message's key only; one that had gone out is read in full
        assertThat(c.events).containsExactly(
                "session c1 300",
                "sub c1 t/# q2 raptrue id7",
                "queued c1 1 one q2 pid42 reltrue ids[7] text/plain",
                "waiting c1 2",
                "inbound c1 99",
                "retained state kept");
    }

    @Test
    void wills_keptUntilRemoved_readBackWithUserAndProperties_idsGoOnAfterRestart() throws Exception {
        Will delayed = new Will("w/a", "gone".getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE, true,
                Properties.builder().put(Property.WILL_DELAY_INTERVAL, 30L).put(Property.CONTENT_TYPE, "text/plain")
                        .build());
        Will plain = new Will("w/b", new byte[0], Qos.AT_MOST_ONCE, false, Properties.EMPTY);
        long kept;
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            kept = store.putWill("a", "alice", delayed);
            long discarded = store.putWill("b", null, plain);
            long newer = store.putWill("b", null, plain);
            assertThat(List.of(kept, discarded, newer)).doesNotHaveDuplicates();
            store.removeWill("b", discarded);
            sync(store);
        }
        Collected c = new Collected();
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            store.recover(c);
            assertThat(c.events).containsExactly(
                    "will a #" + kept + " ualice w/a gone q1 rtrue delay30 text/plain",
                    "will b #3 unull w/b  q0 rfalse delaynull null");
            // a will of the new run never reuses the id of one still stored
            assertThat(store.putWill("b", null, plain)).isGreaterThan(3);
        }
    }

    @Test
    void dequeue_lastReference_deletesMessageBody() throws Exception {
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            Message m = message(store.nextMessageId(), "shared");
            store.putSession("a", 60, null);
            store.putSession("b", 60, null);
            Store.QueueEntry a = store.enqueue("a", 1, m, Qos.AT_LEAST_ONCE, false, List.of());
            store.enqueue("b", 1, m, Qos.AT_LEAST_ONCE, false, List.of());
            store.dequeue("a", 1, m.id(), false, a);
            sync(store);
        }
        Collected c = new Collected();
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            store.recover(c);
            store.dequeue("b", 1, 1, false, null); // read back: no entry handed out
            sync(store);
        }
        assertThat(c.events).contains("waiting b 1").noneMatch(e -> e.startsWith("waiting a"));
        Collected after = new Collected();
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            store.recover(after);
        }
        assertThat(after.events).noneMatch(e -> e.startsWith("waiting") || e.startsWith("queued"));
    }

    @Test
    void entryAcknowledgedBeforeTheWriterTookIt_neitherItNorItsBodyIsWritten() throws Exception {
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            Message m = message(store.nextMessageId(), "fast");
            store.putSession("s", 60, null);
            // inside one unit nothing reaches the writer before the unit ends: the dequeue wins
            store.atomically(() -> {
                Store.QueueEntry e = store.enqueue("s", 1, m, Qos.AT_LEAST_ONCE, false, List.of());
                store.dequeue("s", 1, m.id(), false, e);
            });
            sync(store);
            assertThat(readOnly("sessions", "s")).isNotNull();
            // not a put and a delete: no record at all (the log, replayed on open, has none)
            assertThat(logRecords("queues")).isZero();
            assertThat(logRecords("messages")).isZero();
        }
    }

    @Test
    void entryThatIsTheOnlyReference_carriesTheBody_readBackAfterRestart_deletedWithOneRecord() throws Exception {
        Message m;
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            m = message(store.nextMessageId(), "alone");
            store.putSession("s", 60, null);
            store.enqueue("s", 1, m, Qos.AT_LEAST_ONCE, false, List.of(3));
            sync(store);
            assertThat(readOnly("queues", Records.key("s", 1L))).isNotNull();
            assertThat(logRecords("messages")).as("no record of its own").isZero();
        }
        Collected c = new Collected();
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            store.recover(c);
            assertThat(c.events).contains("waiting s 1");
            List<Store.Queued> page = store.readQueue("s", 1, 10);
            assertThat(page).hasSize(1);
            assertThat(new String(page.get(0).message().publish().payload(), StandardCharsets.UTF_8)).isEqualTo("alone");
            assertThat(page.get(0).subscriptionIds()).containsExactly(3);
            assertThat(store.nextMessageId()).isGreaterThan(m.id());
            store.dequeue("s", 1, m.id(), false, null);
            sync(store);
            assertThat(readOnly("queues", Records.key("s", 1L))).isNull();
        }
    }

    @Test
    void afterDurable_runsOnlyOnceTheWriteIsReadableFromDisk() throws Exception {
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            store.putSession("durable", 60, null);
            CompletableFuture<byte[]> seen = new CompletableFuture<>();
            store.afterDurable(LOOP, "test", () -> seen.complete(readOnly("sessions", "durable")));
            assertThat(seen.get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void writeNobodyWaitsFor_isWrittenAfterAShortLinger() throws Exception {
        try (RocksStore store = new RocksStore(dir, 0, 2, 16 << 20)) {
            store.putSession("lingering", 60, null);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (readOnly("sessions", "lingering") == null) {
                assertThat(System.nanoTime()).as("written without a barrier").isLessThan(deadline);
                Thread.sleep(10);
            }
        }
    }

    /** Opens the store's files read-only, as a process would after a crash, and reads one key. */
    private byte[] readOnly(String family, String key) {
        return readOnly(family, key.getBytes(StandardCharsets.UTF_8));
    }

    /** Records of one family in the log that a read-only open replays (puts and deletes alike). */
    private long logRecords(String family) {
        return withReadOnly(family, (db, h) -> db.getLongProperty(h, "rocksdb.num-entries-active-mem-table"));
    }

    private byte[] readOnly(String family, byte[] key) {
        return withReadOnly(family, (db, h) -> db.get(h, key));
    }

    private interface ReadOnlyQuery<T> {
        T run(RocksDB db, ColumnFamilyHandle family) throws Exception;
    }

    private <T> T withReadOnly(String family, ReadOnlyQuery<T> query) {
        List<ColumnFamilyDescriptor> d = StoreLayout.descriptors();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions o = new DBOptions(); RocksDB db = RocksDB.openReadOnly(o, dir.toString(), d, handles)) {
            T v = query.run(db, handles.get(StoreLayout.FAMILIES.indexOf(family) + 1));
            handles.forEach(ColumnFamilyHandle::close);
            return v;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void damagedManifest_storeMovedAside_loggedWritesSalvaged_upToADamagedTail() throws Exception {
        Path data = dir.resolve("data");
        Message m;
        try (RocksStore store = new RocksStore(data, 0, 2, 16 << 20)) {
            m = message(store.nextMessageId(), "kept");
            store.putSession("x", 60, "alice");
            store.putSubscription("x", "t/#", new Subscription("t/#", Qos.AT_LEAST_ONCE, false, false, 0), 0);
            store.enqueue("x", 1, m, Qos.AT_LEAST_ONCE, false, List.of());
            store.putRetained("state", message(store.nextMessageId(), "on"));
            store.putSession("gone", 60, null);
            store.removeSession("gone");
            sync(store);
        }
        damage(data, "MANIFEST");
        try (var logs = Files.list(data)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                Files.write(log, new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9}, StandardOpenOption.APPEND);
            }
        }
        Collected c = new Collected();
        try (RocksStore store = new RocksStore(data, 0, 2, 16 << 20)) {
            store.recover(c);
            assertThat(store.readQueue("x", 1, 10)).singleElement()
                    .satisfies(q -> assertThat(q.message().publish().payload()).isEqualTo("kept".getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(c.events).contains("session x 60", "sub x t/# q1 rapfalse id0", "waiting x 1", "retained state on")
                .noneMatch(e -> e.contains("gone"));
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("data.corrupt-"));
        }
    }

    @Test
    void damagedManifest_flushedTablesAndLogBothSalvaged() throws Exception {
        Path data = dir.resolve("data");
        try (RocksStore store = new RocksStore(data, 0, 2, 16 << 20)) {
            store.putSession("created", 60, null); // lays the store out as the broker does
            sync(store);
        }
        List<ColumnFamilyDescriptor> d = StoreLayout.descriptors();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions o = new DBOptions(); RocksDB db = RocksDB.open(o, data.toString(), d, handles);
             FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.put(handles.get(1), "flushed".getBytes(StandardCharsets.UTF_8), Records.session(30, null));
            db.flush(flush, handles.get(1));
            db.put(handles.get(1), "logged".getBytes(StandardCharsets.UTF_8), Records.session(40, null));
            handles.forEach(ColumnFamilyHandle::close);
        }
        damage(data, "MANIFEST");
        Collected c = new Collected();
        try (RocksStore store = new RocksStore(data, 0, 2, 16 << 20)) {
            store.recover(c);
        }
        assertThat(c.events).contains("session flushed 30", "session logged 40");
    }

    private static void damage(Path data, String prefix) throws IOException {
        try (var files = Files.list(data)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            }
        }
    }
}
