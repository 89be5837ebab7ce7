package dev.midge.broker.transport;

import io.netty.channel.EventLoop;

/** Takes a socket accepted by {@link ServerTransport#bindBare}, on the I/O loop that is to own it. */
@FunctionalInterface
public interface BareSocketReceiver {
    /** {@code fd} is open, connected and non-blocking; the receiver owns it from here (and closes it). */
    void accepted(EventLoop loop, int fd);
}
