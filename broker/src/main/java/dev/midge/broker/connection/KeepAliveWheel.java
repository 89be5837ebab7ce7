package dev.midge.broker.connection;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive deadlines of one event loop's connections: a hashed wheel of {@link #TICK_NANOS}
 * slots, each a list of {@link KeepAliveTimer}s, turned by one task on the loop. It replaces a
 * scheduled task per connection (a Netty task object and a place in the loop's priority queue,
 * ~64 bytes, on every idle connection); a timer here is four references and two numbers.
 * <p>
 * A timer is filed under the tick of its deadline. A read only stamps the time, so when its slot
 * comes up a timer checks again and is filed anew if the client spoke meanwhile; a deadline beyond
 * one turn of the wheel is checked once per turn. A timer never fires early and at most one tick
 * late. Owned by its loop: every method runs there.
 */
final class KeepAliveWheel implements Runnable {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** 51.2 s per turn: the default 60 s keep-alive (90 s deadline) is looked at twice per period. */
    static final int SLOTS = 512;
    private static final int MASK = SLOTS - 1;

    private static final FastThreadLocal<KeepAliveWheel> OF_THREAD = new FastThreadLocal<>();

    private final EventLoop loop;
    /** The loop's clock (the system's, or a test's that it moves by hand). */
    private final Ticker clock;
    private final long origin;
    /** One sentinel per slot: each slot is a circular list, so a timer unlinks itself in O(1). */
    private final KeepAliveTimer[] slots = new KeepAliveTimer[SLOTS];
    /** The slot being expired, moved aside so that timers filed or stopped meanwhile stay consistent. */
    private final KeepAliveTimer due = KeepAliveTimer.sentinel(this);
    private long turnedTick;
    private int size;
    private ScheduledFuture<?> nextTurn;

    KeepAliveWheel(EventLoop loop) {
        this.loop = loop;
        this.clock = loop.ticker();
        this.origin = clock.nanoTime();
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = KeepAliveTimer.sentinel(this);
        }
    }

    /** The wheel of the calling loop's thread (a new one when that thread now runs another loop, as in tests). */
    static KeepAliveWheel of(EventLoop loop) {
        KeepAliveWheel wheel = OF_THREAD.get();
        if (wheel == null || wheel.loop != loop) {
            wheel = new KeepAliveWheel(loop);
            OF_THREAD.set(wheel);
        }
        return wheel;
    }

    long now() {
        return clock.nanoTime();
    }

    /** How many timers are filed. */
    int size() {
        return size;
    }

    void file(KeepAliveTimer timer, long deadlineNanos) {
        assert loop.inEventLoop();
        long tick = Math.max(tickOf(deadlineNanos + TICK_NANOS - 1), turnedTick + 1);
        timer.linkBefore(slots[(int) (tick & MASK)]);
        size++;
        if (nextTurn == null) {
            scheduleTurn();
        }
    }

    void unfile(KeepAliveTimer timer) {
        timer.unlink();
        size--;
    }

    /** Looks at every slot whose tick has come, oldest first. */
    @Override
    public void run() {
        // nextTurn stays set while turning, so that timers filed again meanwhile schedule nothing
        long now = clock.nanoTime();
        long tick = tickOf(now);
        long from = Math.max(turnedTick + 1, tick - MASK);
        for (long t = from; t <= tick; t++) {
            turnedTick = t;
            expire(slots[(int) (t & MASK)], now);
        }
        turnedTick = Math.max(turnedTick, tick);
        nextTurn = null;
        if (size > 0) {
            scheduleTurn();
        }
    }

    private void expire(KeepAliveTimer slot, long now) {
        due.takeAll(slot);
        KeepAliveTimer timer;
        while ((timer = due.first()) != null) {
            unfile(timer);
            timer.check(now); // may file it again, or close the connection
        }
    }

    private void scheduleTurn() {
        long nextTickAt = origin + (turnedTick + 1) * TICK_NANOS;
        long delay = Math.max(0, nextTickAt - clock.nanoTime());
        nextTurn = loop.schedule(this, delay, TimeUnit.NANOSECONDS);
    }

    private long tickOf(long nanos) {
        return Math.floorDiv(nanos - origin, TICK_NANOS);
    }
}
