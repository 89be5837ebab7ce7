package dev.midge.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The writer's batches are built in Java in RocksDB's serialized form: they must be byte for byte
 * what RocksJava's own WriteBatch builds for the same operations, and RocksDB must apply them.
 */
class BatchEncoderTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void library() {
        RocksLibrary.load();
    }

    @Test
    void randomOperations_sameBytesAsRocksJava() throws Exception {
        // RocksJava's batch names families by handle: a database with 130 of them, so that ids above
        // 127 (two varint bytes) occur too
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (int i = 1; i <= 130; i++) {
            descriptors.add(new ColumnFamilyDescriptor(utf8("f" + i)));
        }
        List<ColumnFamilyHandle> families = new ArrayList<>();
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
             RocksDB db = RocksDB.open(options, dir.toString(), descriptors, families)) {
            compareRandomBatches(families);
            families.forEach(ColumnFamilyHandle::close);
        }
    }

    private static void compareRandomBatches(List<ColumnFamilyHandle> families) throws Exception {
        Random random = new Random(20261129);
        for (int round = 0; round < 50; round++) {
            BatchEncoder encoder = new BatchEncoder();
            try (WriteBatch reference = new WriteBatch()) {
                int ops = 1 + random.nextInt(400);
                for (int i = 0; i < ops; i++) {
                    // family 0 takes the plain record types, others carry their id (ids above 127 take two varint bytes)
                    ColumnFamilyHandle handle = families.get(random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(130));
                    int family = handle.getID();
                    byte[] key = bytes(random, random.nextInt(4) == 0 ? 200 : 24);
                    byte[] value = bytes(random, random.nextInt(10) == 0 ? 20_000 : 100);
                    switch (random.nextInt(4)) {
                        case 0 -> {
                            encoder.put(family, key, value);
                            reference.put(handle, key, value);
                        }
                        case 1 -> {
                            encoder.delete(family, key);
                            reference.delete(handle, key);
                        }
                        case 2 -> {
                            encoder.singleDelete(family, key);
                            reference.singleDelete(handle, key);
                        }
                        default -> {
                            encoder.deleteRange(family, key, value);
                            reference.deleteRange(handle, key, value);
                        }
                    }
                }
                assertThat(encoder.count()).isEqualTo(reference.count());
                try (WriteBatch ours = encoder.toWriteBatch()) {
                    assertThat(ours.data()).as("round %d, %d operations", round, ops).isEqualTo(reference.data());
                }
            }
        }
    }

    @Test
    void valueInTwoParts_sameBytesAsOneValue() throws Exception {
        BatchEncoder twoParts = new BatchEncoder();
        BatchEncoder onePart = new BatchEncoder();
        twoParts.put(4, utf8("client\0seq"), utf8("entry"), new byte[300]);
        byte[] joined = new byte[5 + 300];
        System.arraycopy(utf8("entry"), 0, joined, 0, 5);
        onePart.put(4, utf8("client\0seq"), joined);
        try (WriteBatch a = twoParts.toWriteBatch(); WriteBatch b = onePart.toWriteBatch()) {
            assertThat(a.data()).isEqualTo(b.data());
        }
    }

    @Test
    void encodedBatches_appliedByRocksDb_reusedAfterReset() throws Exception {
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
             RocksDB db = RocksDB.open(options, dir.toString(), StoreLayout.descriptors(), handles);
             WriteOptions write = new WriteOptions()) {
            ColumnFamilyHandle queues = handles.get(4);
            int family = queues.getID();
            BatchEncoder encoder = new BatchEncoder();
            for (int i = 0; i < 1000; i++) { // ~1 MB: the buffer grows past its first 64 KB
                encoder.put(family, utf8("q" + i), new byte[1000]);
            }
            encoder.put(0, utf8("in-default"), utf8("v"));
            try (WriteBatch wb = encoder.toWriteBatch()) {
                db.write(write, wb);
            }
            encoder.reset();
            encoder.singleDelete(family, utf8("q1"));
            encoder.delete(family, utf8("q2"));
            encoder.deleteRange(family, utf8("q5"), utf8("q6")); // q5, q50..q59, q500..q599
            assertThat(encoder.count()).isEqualTo(3);
            try (WriteBatch wb = encoder.toWriteBatch()) {
                db.write(write, wb);
            }
            assertThat(db.get(queues, utf8("q0"))).hasSize(1000);
            assertThat(db.get(queues, utf8("q1"))).isNull();
            assertThat(db.get(queues, utf8("q2"))).isNull();
            assertThat(db.get(queues, utf8("q5"))).isNull();
            assertThat(db.get(queues, utf8("q555"))).isNull();
            assertThat(db.get(queues, utf8("q6"))).hasSize(1000);
            assertThat(db.get(queues, utf8("q999"))).hasSize(1000);
            assertThat(db.get(utf8("in-default"))).isEqualTo(utf8("v"));
            handles.forEach(ColumnFamilyHandle::close);
        }
    }

    private static byte[] bytes(Random random, int max) {
        byte[] b = new byte[random.nextInt(max + 1)];
        random.nextBytes(b);
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
