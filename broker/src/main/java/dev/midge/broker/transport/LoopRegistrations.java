package dev.midge.broker.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import java.io.IOException;

/** Registering a descriptor without a channel ({@link ParkedSocket}, {@link ListeningSocket}) with an epoll loop. */
final class LoopRegistrations {
    private LoopRegistrations() {
    }

    /**
     * Registers {@code handle} with {@code loop} for {@code ops}; called on that loop, so the
     * registration is immediate.
     */
    static IoRegistration watch(EventLoop loop, EpollIoHandle handle, EpollIoOps ops) throws IOException {
        IoRegistration r = ((IoEventLoop) loop).register(handle).getNow();
        if (r == null) {
            throw new IOException("the event loop did not take the descriptor");
        }
        r.submit(ops);
        return r;
    }
}
