package dev.midge.cli.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in microseconds, log-linear buckets (2 significant digits, up to ~1 hour), lock-free
 * so every event loop can record; percentiles within 1%.
 */
final class LatencyHistogram {
    private static final int SUB = 100;
    private static final int DECADES = 10;
    private final AtomicLongArray counts = new AtomicLongArray(SUB * DECADES);

    void record(long micros) {
        long v = Math.max(0, micros);
        int decade = 0;
        while (v >= SUB && decade < DECADES - 1) {
            v /= 10;
            decade++;
        }
        counts.incrementAndGet(decade * SUB + (int) Math.min(v, SUB - 1));
    }

    long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The value at percentile {@code p} (0-100), or 0 with no samples. */
    long percentile(double p) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * p / 100.0);
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                long scale = 1;
                for (int d = 0; d < i / SUB; d++) {
                    scale *= 10;
                }
                return (i % SUB) * scale;
            }
        }
        return 0;
    }

    void reset() {
        for (int i = 0; i < counts.length(); i++) {
            counts.set(i, 0);
        }
    }
}
