package dev.midge.cli.bench;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * What a benchmark message carries: publisher number, sequence number and the wall-clock time it
 * was sent (nanoseconds since the epoch, so that separate processes on one machine can measure
 * latency), then padding to the payload size.
 */
final class BenchPayload {
    static final int HEADER = 20;

    private BenchPayload() {
    }

    static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    static byte[] make(int publisher, long seq, int size) {
        return ByteBuffer.allocate(size).putInt(publisher).putLong(seq).putLong(nowNanos()).array();
    }

    static int publisher(byte[] p) {
        return ByteBuffer.wrap(p).getInt(0);
    }

    static long seq(byte[] p) {
        return ByteBuffer.wrap(p).getLong(4);
    }

    static long sentNanos(byte[] p) {
        return ByteBuffer.wrap(p).getLong(12);
    }
}
