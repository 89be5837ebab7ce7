package dev.midge.broker.store;

import java.util.Arrays;
import org.rocksdb.WriteBatch;

/**
 * A write batch built in Java, in RocksDB's own serialized form, handed to RocksDB in one JNI
 * call ({@link #toWriteBatch}). Building it through RocksJava's {@code WriteBatch} costs a JNI
 * call per operation, each copying its key and value in and out of the Java heap: ~15 % of the
 * writer thread's CPU in a durable QoS 1 flood.
 *
 * <p>The form (RocksDB's {@code db/write_batch.cc}): a 12-byte header (sequence number, 8 bytes,
 * filled in by RocksDB; operation count, 4 bytes; both little-endian), then one record per
 * operation: a type byte, the column family id as a varint32 when it is not the default family,
 * then the key (and the value, or the range's end key) each as a varint32 length and its bytes.
 * {@code BatchEncoderTest} checks the bytes against RocksJava's {@code WriteBatch.data()}.
 * Used by the writer thread only.
 */
final class BatchEncoder {
    private static final int HEADER = 12;
    // value types (db/dbformat.h): the plain forms for the default family, the others with an id
    private static final byte DELETION = 0x0;
    private static final byte VALUE = 0x1;
    private static final byte SINGLE_DELETION = 0x7;
    private static final byte RANGE_DELETION = 0xF;
    private static final byte FAMILY_DELETION = 0x4;
    private static final byte FAMILY_VALUE = 0x5;
    private static final byte FAMILY_SINGLE_DELETION = 0x8;
    private static final byte FAMILY_RANGE_DELETION = 0xE;
    private static final byte[] NOTHING = {};

    private byte[] buf = new byte[64 * 1024];
    private int length = HEADER;
    private int count;

    void put(int family, byte[] key, byte[] value) {
        record(family, VALUE, FAMILY_VALUE);
        bytes(key);
        bytes(value);
    }

    /** A value in two parts, stored as one (a queue entry followed by its message's body). */
    void put(int family, byte[] key, byte[] valueHead, byte[] valueTail) {
        record(family, VALUE, FAMILY_VALUE);
        bytes(key);
        bytes(valueHead, valueTail);
    }

    void delete(int family, byte[] key) {
        record(family, DELETION, FAMILY_DELETION);
        bytes(key);
    }

    /** For keys written once and deleted once: the delete and the put then vanish together at the next flush. */
    void singleDelete(int family, byte[] key) {
        record(family, SINGLE_DELETION, FAMILY_SINGLE_DELETION);
        bytes(key);
    }

    /** Deletes the keys from {@code begin} (inclusive) to {@code end} (exclusive). */
    void deleteRange(int family, byte[] begin, byte[] end) {
        record(family, RANGE_DELETION, FAMILY_RANGE_DELETION);
        bytes(begin);
        bytes(end);
    }

    int count() {
        return count;
    }

    /** The batch as RocksDB takes it; the caller closes it. */
    WriteBatch toWriteBatch() {
        byte[] rep = Arrays.copyOf(buf, length);
        rep[8] = (byte) count;
        rep[9] = (byte) (count >>> 8);
        rep[10] = (byte) (count >>> 16);
        rep[11] = (byte) (count >>> 24);
        return new WriteBatch(rep);
    }

    /** Empties the batch for the next one; a buffer grown by a large batch is let go. */
    void reset() {
        if (buf.length > 4 * 1024 * 1024) {
            buf = new byte[64 * 1024];
        }
        length = HEADER;
        count = 0;
    }

    private void record(int family, byte plain, byte withFamily) {
        room(6);
        if (family == 0) {
            buf[length++] = plain;
        } else {
            buf[length++] = withFamily;
            varint(family);
        }
        count++;
    }

    private void bytes(byte[] b) {
        bytes(b, NOTHING);
    }

    /** One string of the record (length, then bytes) made of two parts. */
    private void bytes(byte[] head, byte[] tail) {
        int size = head.length + tail.length;
        room(5 + size);
        varint(size);
        System.arraycopy(head, 0, buf, length, head.length);
        System.arraycopy(tail, 0, buf, length + head.length, tail.length);
        length += size;
    }

    private void varint(int v) {
        while ((v & ~0x7F) != 0) {
            buf[length++] = (byte) (v & 0x7F | 0x80);
            v >>>= 7;
        }
        buf[length++] = (byte) v;
    }

    private void room(int more) {
        if (length + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }
}
