package dev.midge.broker.connection;

import io.netty.channel.Channel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that stays silent too long: first the connect timeout (no CONNECT yet),
 * then one and a half keep-alive periods [MQTT-3.1.2-24]. One task scheduled on the connection's
 * event loop, re-armed for the time left when it fires early; reads only stamp a time. Not a
 * pipeline handler: a handler, its context and its timer objects cost about 200 bytes more per
 * idle connection.
 */
final class KeepAliveTimer implements Runnable {
    private final Channel channel;
    private final MqttConnection connection;
    private long timeoutNanos;
    private long lastReadNanos;
    private ScheduledFuture<?> task;

    KeepAliveTimer(Channel channel, MqttConnection connection) {
        this.channel = channel;
        this.connection = connection;
    }

    /** Starts over with {@code timeoutNanos} of allowed silence from now; 0 never times out. */
    void restart(long timeoutNanos) {
        stop();
        this.timeoutNanos = timeoutNanos;
        lastReadNanos = System.nanoTime();
        if (timeoutNanos > 0) {
            task = channel.eventLoop().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Something arrived from the client. */
    void read() {
        lastReadNanos = System.nanoTime();
    }

    void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    @Override
    public void run() {
        task = null;
        if (!channel.isActive()) {
            return;
        }
        long silent = System.nanoTime() - lastReadNanos;
        if (silent >= timeoutNanos) {
            connection.silentTooLong();
        } else {
            task = channel.eventLoop().schedule(this, timeoutNanos - silent, TimeUnit.NANOSECONDS);
        }
    }
}
