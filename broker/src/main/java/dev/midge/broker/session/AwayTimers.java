package dev.midge.broker.session;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a session schedules while its client is away: its expiry, and a will waiting out its delay
 * (spec 3.1.2.11.2, 3.1.3.2.2). Both are cancelled when the client returns [MQTT-3.1.3-9].
 * Owned by the session's event loop.
 */
final class AwayTimers {
    private ScheduledFuture<?> expiry;
    private LastWill pendingWill;
    private ScheduledFuture<?> willTimer;

    void expireAfter(EventLoop loop, long seconds, Runnable onExpiry) {
        expiry = loop.schedule(onExpiry, seconds, TimeUnit.SECONDS);
    }

    void delayWill(EventLoop loop, LastWill will, long delaySeconds, Runnable publish) {
        pendingWill = will;
        willTimer = loop.schedule(() -> {
            pendingWill = null;
            publish.run();
        }, delaySeconds, TimeUnit.SECONDS);
    }

    /** The will still waiting, taken (it goes out now, the session ending), or null. */
    LastWill takePendingWill() {
        LastWill w = pendingWill;
        pendingWill = null;
        if (willTimer != null) {
            willTimer.cancel(false);
            willTimer = null;
        }
        return w;
    }

    /**
     * The client is back (or the session moves or ends): nothing scheduled happens. Returns the
     * delayed will that will now never go out, or null.
     */
    LastWill cancel() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        if (willTimer != null) {
            willTimer.cancel(false);
            willTimer = null;
        }
        LastWill dropped = pendingWill;
        pendingWill = null;
        return dropped;
    }
}
