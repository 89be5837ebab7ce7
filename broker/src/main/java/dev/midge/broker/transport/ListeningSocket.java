package dev.midge.broker.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listener that hands each accepted socket to an event loop as a bare descriptor, without
 * building a Netty channel for it: the receiver parks it ({@link ParkedSocket}) and builds a
 * channel only if the connection turns out to need one. Netty's server channel builds a channel,
 * a pipeline and a config for every client and looks up both of its addresses, garbage for a
 * client that connects and goes quiet. Watched by the I/O loop it hands its clients to
 * (level-triggered); no MQTT here.
 */
final class ListeningSocket extends Socket implements EpollIoHandle {
    private static final Logger LOG = LoggerFactory.getLogger(ListeningSocket.class);
    /** Accepts per readiness, as Netty's server channel reads at most 16 times per event. */
    private static final int ACCEPTS_PER_EVENT = 16;
    /** After a failed accept (out of descriptors), accepting pauses this long instead of spinning. */
    private static final long PAUSE_AFTER_FAILURE_MILLIS = 1000;

    /** Receives an accepted socket; called on the loop that watches the listener. */
    interface Receiver {
        void accepted(int fd);
    }

    private final Receiver receiver;
    private final InetSocketAddress address;
    /** Where accept() writes the peer's address; not read (the receiver asks the socket if it needs it). */
    private final byte[] peer = new byte[26];
    private IoRegistration registration;
    private EventLoop loop;

    private ListeningSocket(int fd, InetSocketAddress address, Receiver receiver) {
        super(fd);
        this.address = address;
        this.receiver = receiver;
    }

    /**
     * Checks that {@code address} is free, as binding a listener without SO_REUSEPORT would, and
     * returns it with the port the kernel chose if it asked for 0. The listeners themselves share
     * their port with SO_REUSEPORT, which would otherwise let a second broker of the same user join
     * the first one's port, each getting half of the clients, instead of failing.
     */
    static InetSocketAddress claim(InetSocketAddress address) throws IOException {
        Socket probe = new Socket(newSocketStream0());
        try {
            probe.setReuseAddress(true);
            probe.bind(address);
            return probe.localAddress();
        } finally {
            probe.close();
        }
    }

    /** Binds and listens on {@code address} (shared with SO_REUSEPORT), not yet watched. */
    static ListeningSocket bind(InetSocketAddress address, int backlog, Receiver receiver) throws IOException {
        ListeningSocket s = new ListeningSocket(newSocketStream0(), address, receiver);
        try {
            s.setReuseAddress(true);
            // Linux copies the listener's TCP options to each socket it accepts: one setsockopt
            // here instead of one per client.
            s.setTcpNoDelay(true);
            s.setReusePort(true);
            s.bind(address);
            s.listen(backlog);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Starts accepting on {@code loop} (called there), which then owns the clients it accepts. */
    void watch(EventLoop loop) throws IOException {
        this.loop = loop;
        registration = LoopRegistrations.watch(loop, this, EpollIoOps.EPOLLIN);
    }

    @Override
    public FileDescriptor fd() {
        return this;
    }

    @Override
    public void handle(IoRegistration r, IoEvent event) {
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
            int fd;
            try {
                fd = accept(peer);
            } catch (IOException e) {
                // EMFILE and the like. The socket stays readable, so the loop would come straight
                // back here: pause (as Netty's acceptor does); the backlog keeps the clients.
                LOG.warn("Accepting a connection failed, pausing accepts for {} ms: {}", PAUSE_AFTER_FAILURE_MILLIS,
                        e.getMessage());
                r.submit(EpollIoOps.NONE);
                loop.schedule(this::resume, PAUSE_AFTER_FAILURE_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            if (fd == -1) {
                return; // none waiting
            }
            receiver.accepted(fd);
        }
    }

    /** The address it was bound to. */
    InetSocketAddress address() {
        return address;
    }

    /** The loop that accepts on this socket (null before {@link #watch}). */
    EventLoop loop() {
        return loop;
    }

    private void resume() {
        IoRegistration r = registration;
        if (r != null) {
            r.submit(EpollIoOps.EPOLLIN);
        }
    }

    /** Stops accepting and closes the socket (also called by the loop as it shuts down). */
    @Override
    public void close() throws IOException {
        IoRegistration r = registration;
        registration = null;
        if (r != null) {
            r.cancel();
        }
        super.close();
    }
}
