package dev.midge.broker.transport;

import dev.midge.broker.config.Listener;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP listeners and the event loops behind them: epoll on Linux, NIO elsewhere. One I/O loop per
 * core. Listeners whose clients get a Netty channel at once (TLS, WebSocket, NIO) accept on one
 * acceptor thread; plain TCP listeners on Linux accept on every I/O loop ({@link #bindBare}). No
 * MQTT rules here.
 */
public final class ServerTransport {
    /**
     * One receive-buffer sizing policy for every connection (each keeps a small sizing state):
     * otherwise Netty gives every channel an allocator object of its own. One read per connection
     * per event, as Netty's allocators do by default, so a busy client cannot hold up its loop.
     */
    static final RecvByteBufAllocator RECEIVE_SIZING = new ReceiveSizing(1);
    private static final int BACKLOG = 1024;
    /** Loops end within 2 s of a stop (quiet period 0, timeout 2 s); this bounds the wait for them. */
    private static final long LOOPS_END_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(ServerTransport.class);

    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> channelType;
    private final List<Channel> bound = new ArrayList<>();
    private final List<ListeningSocket> listening = new ArrayList<>();
    private final long loopsEndSeconds;

    public ServerTransport(int ioThreads) {
        this(ioThreads, LOOPS_END_SECONDS);
    }

    ServerTransport(int ioThreads, long loopsEndSeconds) {
        this.loopsEndSeconds = loopsEndSeconds;
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.channelType = Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.acceptors = new MultiThreadIoEventLoopGroup(1, io);
        this.workers = new MultiThreadIoEventLoopGroup(ioThreads, io);
    }

    public String transportName() {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    public EventLoopGroup workers() {
        return workers;
    }

    /** Binds a listener and returns the address it is bound to (the real port when 0 was asked). */
    public InetSocketAddress bind(Listener listener, ChannelInitializer<Channel> initializer)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_SIZING)
                .childHandler(initializer);
        Channel ch = b.bind(addressOf(listener)).sync().channel();
        bound.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    /** Whether {@link #bindBare} works here (epoll). */
    public boolean acceptsBare() {
        return Epoll.isAvailable();
    }

    /**
     * Binds a plain TCP listener whose clients reach {@code receiver} as bare sockets, not channels
     * (see {@link ListeningSocket}). Each I/O loop accepts on a socket of its own, all sharing the
     * port (SO_REUSEPORT, the kernel spreads the clients): no hand-off from an acceptor thread, and
     * its wake-up of the loop, per client. Returns the address bound.
     */
    public InetSocketAddress bindBare(Listener listener, BareSocketReceiver receiver) throws Exception {
        InetSocketAddress address = ListeningSocket.claim(addressOf(listener));
        try {
            for (EventExecutor executor : workers) {
                EventLoop loop = (EventLoop) executor;
                ListeningSocket socket = ListeningSocket.bind(address, BACKLOG, fd -> receiver.accepted(loop, fd));
                synchronized (listening) {
                    listening.add(socket);
                }
                loop.submit(() -> {
                    socket.watch(loop);
                    return null;
                }).sync();
            }
        } catch (Exception e) {
            unbindBare(address); // the loops that did listen stop
            throw e;
        }
        return address;
    }

    /**
     * Closes the listening sockets {@link #bindBare} opened on {@code address} (one per loop);
     * the connections they accepted stay.
     */
    public void unbindBare(InetSocketAddress address) {
        List<ListeningSocket> closing = new ArrayList<>();
        synchronized (listening) {
            listening.removeIf(socket -> socket.address().equals(address) && closing.add(socket));
        }
        closing.forEach(this::closeOnItsLoop);
    }

    /** The listener's host (every address when none) and port. */
    private static InetSocketAddress addressOf(Listener listener) {
        return listener.host() == null
                ? new InetSocketAddress(listener.port())
                : new InetSocketAddress(listener.host(), listener.port());
    }

    private void closeOnItsLoop(ListeningSocket socket) {
        EventLoop loop = socket.loop();
        if (loop == null) {
            try {
                socket.close(); // never watched
            } catch (IOException e) {
                LOG.debug("Closing a listening socket failed", e);
            }
            return;
        }
        loop.submit(() -> {
            socket.close();
            return null;
        }).awaitUninterruptibly(loopsEndSeconds, TimeUnit.SECONDS);
    }

    /**
     * Closes the listeners, then every connection, and waits for the loops to end, a bounded
     * time: a loop whose thread died or hangs cannot report its end, and the stop must still go
     * on to close the store.
     */
    public void shutdown() {
        for (Channel ch : bound) {
            ch.close().awaitUninterruptibly(loopsEndSeconds, TimeUnit.SECONDS);
        }
        synchronized (listening) {
            for (ListeningSocket socket : listening) {
                closeOnItsLoop(socket);
            }
        }
        for (EventLoopGroup group : List.of(acceptors, workers)) {
            Future<?> ended = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            if (!ended.awaitUninterruptibly(loopsEndSeconds, TimeUnit.SECONDS)) {
                LOG.warn("An event loop did not end within {} s; the stop goes on without it.", loopsEndSeconds);
            }
        }
    }
}
