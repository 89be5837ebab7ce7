package dev.midge.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;

/**
 * The store reuses old write-ahead log files (fewer I/Os per sync), so a log can end in records
 * of its previous life: whole ones with valid checksums, or the rest of one that the new records
 * cut into. Salvage replays a log only up to them and does not count that end as damage.
 */
class RecycledLogSalvageTest {
    private static final int OLD_BATCHES = 300;

    @TempDir
    Path dir;

    /**
     * @param newPrefix "new-" writes records as long as the old ones, so whole old records follow
     *                  (found by their log number); a longer prefix cuts into an old record
     */
    @ParameterizedTest
    @ValueSource(strings = {"new-", "new-record-"})
    void recycledLog_replayedUpToItsOwnRecords_previousLifeIgnored(String newPrefix) throws Exception {
        Path source = dir.resolve("source");
        Path damaged = Files.createDirectories(dir.resolve("damaged"));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions o = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setRecycleLogFileNum(4);
             RocksDB db = RocksDB.open(o, source.toString(), StoreLayout.descriptors(), handles);
             FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            ColumnFamilyHandle sessions = handles.get(1);
            for (int i = 0; i < OLD_BATCHES; i++) {
                db.put(sessions, key("old-" + i), Records.session(10, null));
            }
            db.flush(flush, handles); // a new log; the old one waits to be reused
            db.put(sessions, key("middle"), Records.session(20, null));
            db.flush(flush, handles); // the next log is the old file again
            for (int i = 1; i <= 3; i++) {
                db.put(sessions, key(newPrefix + i), Records.session(30, null));
            }
            db.flushWal(true);
            Path live = newestLog(source);
            assertThat(Files.size(live)).as("the live log is a reused file, longer than its three records")
                    .isGreaterThan(OLD_BATCHES * 20L);
            Files.copy(live, damaged.resolve(live.getFileName()));
            handles.forEach(ColumnFamilyHandle::close);
        }

        handles.clear();
        try (DBOptions o = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
             RocksDB fresh = RocksDB.open(o, dir.resolve("fresh").toString(), StoreLayout.descriptors(), handles)) {
            Map<String, ColumnFamilyHandle> byName = new HashMap<>();
            for (int i = 0; i < StoreLayout.FAMILIES.size(); i++) {
                byName.put(StoreLayout.FAMILIES.get(i), handles.get(i + 1));
            }
            StoreSalvage.Result result = StoreSalvage.salvage(damaged, fresh, byName);
            assertThat(result.logBatches()).isEqualTo(3);
            assertThat(result.damagedFiles()).isZero();
            assertThat(fresh.get(handles.get(1), key(newPrefix + 3))).isNotNull();
            assertThat(fresh.get(handles.get(1), key("old-" + (OLD_BATCHES - 1)))).isNull();
            handles.forEach(ColumnFamilyHandle::close);
        }
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Path newestLog(Path db) throws Exception {
        try (var files = Files.list(db)) {
            return files.filter(p -> p.getFileName().toString().matches("\\d+\\.log"))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
        }
    }
}
