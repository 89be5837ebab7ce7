package dev.midge.broker.security;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after repeated failed logins from one source address, each
 * refusal is held back longer (doubling up to a cap). A success or ten quiet minutes forget the
 * address. Bounded: past {@link #MAX_ADDRESSES} tracked addresses the oldest knowledge is dropped.
 */
public final class LoginThrottle {
    static final int MAX_ADDRESSES = 100_000;
    private static final long FORGET_AFTER_MILLIS = 10 * 60_000L;
    private static final long FIRST_DELAY_MILLIS = 250;
    private static final long MAX_DELAY_MILLIS = 8_000;
    /** Failures forgiven before any delay (a mistyped password). */
    private static final int FREE_FAILURES = 2;

    private record Failures(int count, long lastMillis) {
    }

    private final ConcurrentHashMap<InetAddress, Failures> failures = new ConcurrentHashMap<>();

    /** Records a failure and returns how long the refusal should wait, in milliseconds. */
    public long failed(InetAddress source, long nowMillis) {
        if (source == null) {
            return 0;
        }
        if (failures.size() >= MAX_ADDRESSES) {
            failures.clear();
        }
        Failures f = failures.compute(source, (k, old) -> old == null || nowMillis - old.lastMillis > FORGET_AFTER_MILLIS
                ? new Failures(1, nowMillis) : new Failures(old.count + 1, nowMillis));
        return delayFor(f.count);
    }

    static long delayFor(int failures) {
        if (failures <= FREE_FAILURES) {
            return 0;
        }
        int doublings = Math.min(failures - FREE_FAILURES - 1, 16);
        return Math.min(FIRST_DELAY_MILLIS << doublings, MAX_DELAY_MILLIS);
    }

    public void succeeded(InetAddress source) {
        if (source != null) {
            failures.remove(source);
        }
    }
}
