package dev.midge.broker.connection;

import io.netty.channel.EventLoop;

/**
 * Closes a connection that stays silent too long: first the connect timeout (no CONNECT yet),
 * then one and a half keep-alive periods [MQTT-3.1.2-24]. Filed in its loop's
 * {@link KeepAliveWheel}; reads only stamp a time, and the wheel checks it again when its slot
 * comes up. Not a pipeline handler and no scheduled task of its own: 40 bytes per connection.
 */
abstract class KeepAliveTimer {
    private final KeepAliveWheel wheel;
    /** Neighbours in the wheel's slot list; null while not filed. */
    private KeepAliveTimer prev;
    private KeepAliveTimer next;
    private long lastReadNanos;
    /** Up to 65,535 s x 1.5 fits an int of milliseconds. */
    private int timeoutMillis;
    /** Filed early for one {@link #quietCheck()} before the deadline. */
    private boolean quietCheckDue;

    KeepAliveTimer(EventLoop loop) {
        this(KeepAliveWheel.of(loop));
    }

    KeepAliveTimer(KeepAliveWheel wheel) {
        this.wheel = wheel;
    }

    /** The connection was silent for the whole timeout. */
    abstract void expired();

    /** The moment asked for by {@link #afterConnect(int, int)} has come. */
    void quietCheck() {
    }

    /** A new connection has {@code seconds} to send its CONNECT. */
    final void untilConnect(int seconds) {
        restart((int) Math.min(Integer.MAX_VALUE, seconds * 1000L));
    }

    /**
     * CONNECT accepted: [MQTT-3.1.2-24] silence for one and a half keep-alive periods closes it (0:
     * never); and {@link #quietCheck()} once, {@code quietCheckMillis} from now (0: no check).
     */
    final void afterConnect(int keepAliveSeconds, int quietCheckMillis) {
        restart(keepAliveSeconds * 1500);
        if (quietCheckMillis > 0) {
            stop();
            quietCheckDue = true;
            wheel.file(this, lastReadNanos + quietCheckMillis * 1_000_000L);
        }
    }

    /** Starts over with {@code timeoutMillis} of allowed silence from now; 0 never times out. */
    final void restart(int timeoutMillis) {
        stop();
        this.timeoutMillis = timeoutMillis;
        lastReadNanos = wheel.now();
        if (timeoutMillis > 0) {
            wheel.file(this, deadline());
        }
    }

    /** Something arrived from the client. */
    final void read() {
        lastReadNanos = wheel.now();
    }

    final void stop() {
        quietCheckDue = false;
        if (next != null) {
            wheel.unfile(this);
        }
    }

    /** Called by the wheel when this timer's slot comes up (it is no longer filed then). */
    final void check(long now) {
        if (timeoutMillis > 0 && now - deadline() >= 0) {
            expired();
            return;
        }
        if (quietCheckDue) {
            quietCheckDue = false;
            quietCheck();
        }
        if (timeoutMillis > 0 && next == null) {
            wheel.file(this, deadline());
        }
    }

    private long deadline() {
        return lastReadNanos + timeoutMillis * 1_000_000L;
    }

    // the wheel's slot lists: circular and doubly linked, around one sentinel per slot

    static KeepAliveTimer sentinel(KeepAliveWheel wheel) {
        KeepAliveTimer s = new KeepAliveTimer(wheel) {
            @Override
            void expired() {
                throw new IllegalStateException("a slot's sentinel never expires");
            }
        };
        s.prev = s;
        s.next = s;
        return s;
    }

    void linkBefore(KeepAliveTimer sentinel) {
        prev = sentinel.prev;
        next = sentinel;
        prev.next = this;
        sentinel.prev = this;
    }

    void unlink() {
        prev.next = next;
        next.prev = prev;
        prev = null;
        next = null;
    }

    /** On a sentinel: the first timer of its list, or null when empty. */
    KeepAliveTimer first() {
        return next == this ? null : next;
    }

    /** On a sentinel: moves every timer of {@code other}'s list to the end of this list. */
    void takeAll(KeepAliveTimer other) {
        if (other.next == other) {
            return;
        }
        KeepAliveTimer head = other.next;
        KeepAliveTimer tail = other.prev;
        other.next = other;
        other.prev = other;
        head.prev = prev;
        prev.next = head;
        tail.next = this;
        prev = tail;
    }
}
