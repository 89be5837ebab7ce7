package dev.midge.broker.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileReader;
import org.rocksdb.SstFileReaderIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what it can out of a store that RocksDB no longer opens (a damaged MANIFEST or
 * CURRENT, say) into the fresh one that replaces it: first the records of every table file,
 * oldest file first, then every write-ahead log, record by record and in order, up to the first
 * damaged record of each log. Logs hold the newest writes (puts and deletes); tables hold what
 * was flushed before them.
 *
 * <p>Best effort, and said so in the log: a table read from outside shows its live records but
 * not its deletions, so a record deleted in a newer table than the one holding it comes back,
 * which can deliver an acknowledged message once more. Both are better than starting empty.
 * Log records carry column family ids; the fresh store is created with the same families in the
 * same order, so they match.
 */
final class StoreSalvage {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSalvage.class);
    /** Write-ahead logs are written in blocks of this size; a record never crosses one. */
    private static final int BLOCK = 32 * 1024;
    private static final int HEADER = 7;
    private static final int RECYCLABLE_HEADER = 11;
    private static final int FULL = 1;
    private static final int FIRST = 2;
    private static final int MIDDLE = 3;
    private static final int LAST = 4;
    private static final int RECYCLABLE_FULL = 5;
    private static final int RECYCLABLE_LAST = 8;
    private static final int MASK_DELTA = 0xa282ead8;

    /** What was read back. */
    record Result(long tableRecords, long logBatches, int damagedFiles) {
    }

    private StoreSalvage() {
    }

    static Result salvage(Path damaged, RocksDB into, Map<String, ColumnFamilyHandle> families) throws IOException {
        long tableRecords = 0;
        long logBatches = 0;
        int damagedFiles = 0;
        try (WriteOptions options = new WriteOptions().setSync(false)) {
            for (Path table : numbered(damaged, ".sst")) {
                long n = copyTable(table, into, families, options);
                if (n < 0) {
                    damagedFiles++;
                } else {
                    tableRecords += n;
                }
            }
            for (Path log : numbered(damaged, ".log")) {
                LogReplay replay = replayLog(Files.readAllBytes(log), fileNumber(log, ".log"), into, options);
                logBatches += replay.batches;
                if (replay.damaged && replay.reused) {
                    // in a reused file the rest of an older record follows the file's own records
                    LOG.warn("Store salvage: {} ends at an unreadable record after {} write batches: the end of "
                            + "its own records in a reused log file, or damage (the two look alike).",
                            log.getFileName(), replay.batches);
                } else if (replay.damaged) {
                    damagedFiles++;
                    LOG.warn("Store salvage: {} is damaged after {} write batches; the rest of it is lost.",
                            log.getFileName(), replay.batches);
                }
            }
            into.flushWal(true);
        } catch (RocksDBException e) {
            throw new IOException("store salvage could not write to the fresh store: " + e.getMessage(), e);
        }
        return new Result(tableRecords, logBatches, damagedFiles);
    }

    /** RocksDB's numbered files with this suffix, oldest first. */
    private static List<Path> numbered(Path dir, String suffix) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> fileNumber(p, suffix) >= 0)
                    .sorted(Comparator.comparingLong(p -> fileNumber(p, suffix)))
                    .toList();
        }
    }

    /** The number of a file named NUMBER + suffix (000012.log), or -1 for any other file. */
    private static long fileNumber(Path p, String suffix) {
        String name = p.getFileName().toString();
        return name.matches("\\d+\\" + suffix)
                ? Long.parseLong(name.substring(0, name.length() - suffix.length())) : -1;
    }

    /** Copies a table's records into its family; -1 when the file cannot be read. */
    private static long copyTable(Path table, RocksDB into, Map<String, ColumnFamilyHandle> families,
                                  WriteOptions options) {
        try (Options readerOptions = new Options(); SstFileReader reader = new SstFileReader(readerOptions)) {
            reader.open(table.toString());
            String family = new String(reader.getTableProperties().getColumnFamilyName(), StandardCharsets.UTF_8);
            ColumnFamilyHandle handle = families.get(family);
            if (handle == null) {
                return 0;
            }
            long n = 0;
            try (ReadOptions read = new ReadOptions(); SstFileReaderIterator it = reader.newIterator(read);
                 WriteBatch wb = new WriteBatch()) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    wb.put(handle, it.key(), it.value());
                    n++;
                }
                it.status();
                into.write(options, wb);
            }
            return n;
        } catch (RocksDBException e) {
            LOG.warn("Store salvage: table {} is unreadable ({}).", table.getFileName(), e.getMessage());
            return -1;
        }
    }

    /** {@code reused}: the log has records in the format of reusable log files. */
    private record LogReplay(long batches, boolean damaged, boolean reused) {
    }

    /**
     * Replays a write-ahead log: physical records in 32 KB blocks (checksum, length, type,
     * payload), fragments joined into write batches, each applied as it was written. A recycled
     * log (the store reuses old log files) still holds its previous life's records after the new
     * ones; their headers carry that older log number, which ends the replay.
     */
    static LogReplay replayLog(byte[] log, long logNumber, RocksDB into, WriteOptions options) {
        long batches = 0;
        boolean reused = false;
        ByteArrayOutputStream fragments = null;
        int pos = 0;
        while (pos + HEADER <= log.length) {
            int leftInBlock = BLOCK - pos % BLOCK;
            if (leftInBlock < HEADER) {
                pos += leftInBlock; // block trailer
                continue;
            }
            int length = (log[pos + 4] & 0xFF) | (log[pos + 5] & 0xFF) << 8;
            int type = log[pos + 6] & 0xFF;
            if (type == 0 && length == 0) {
                break; // preallocated, never written
            }
            boolean recyclable = type >= RECYCLABLE_FULL && type <= RECYCLABLE_LAST;
            int header = recyclable ? RECYCLABLE_HEADER : HEADER;
            if (pos + header + length > log.length || header + length > leftInBlock || !checksumOk(log, pos, header,
                    length)) {
                return new LogReplay(batches, true, reused);
            }
            reused |= recyclable;
            if (recyclable && recordLogNumber(log, pos) != (int) logNumber) {
                break; // left over from the file's previous log: this log ends here
            }
            int logical = recyclable ? type - (RECYCLABLE_FULL - FULL) : type;
            int payload = pos + header;
            pos += header + length;
            if (logical == FULL) {
                batches += apply(Arrays.copyOfRange(log, payload, payload + length), into, options);
            } else if (logical == FIRST) {
                fragments = new ByteArrayOutputStream();
                fragments.write(log, payload, length);
            } else if (logical == MIDDLE || logical == LAST) {
                if (fragments == null) {
                    return new LogReplay(batches, true, reused);
                }
                fragments.write(log, payload, length);
                if (logical == LAST) {
                    batches += apply(fragments.toByteArray(), into, options);
                    fragments = null;
                }
            }
            // other types are metadata records (compression, timestamp sizes, predecessor log): no data
        }
        return new LogReplay(batches, false, reused);
    }

    /** The low 32 bits of the log number in a recyclable record's header. */
    private static int recordLogNumber(byte[] log, int pos) {
        return littleEndianInt(log, pos + 7);
    }

    /** The log's fixed-width integers are little-endian. */
    private static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    /** Applies one write batch as the log holds it (sequence, count, records); 1 when applied. */
    private static int apply(byte[] rep, RocksDB into, WriteOptions options) {
        try (WriteBatch wb = new WriteBatch(rep)) {
            into.write(options, wb);
            return 1;
        } catch (RocksDBException | RuntimeException e) {
            LOG.warn("Store salvage: a write batch of {} bytes could not be applied ({}).", rep.length, e.getMessage());
            return 0;
        }
    }

    /** The record's masked CRC-32C, over its type byte, the log number when recyclable, and its payload. */
    private static boolean checksumOk(byte[] log, int pos, int header, int length) {
        int stored = littleEndianInt(log, pos);
        int rot = stored - MASK_DELTA;
        int crc = rot >>> 17 | rot << 15;
        CRC32C c = new CRC32C();
        c.update(log, pos + 6, 1 + header - HEADER);
        c.update(log, pos + header, length);
        return (int) c.getValue() == crc;
    }
}
