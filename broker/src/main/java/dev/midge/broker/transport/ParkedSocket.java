package dev.midge.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket of an idle connection, watched by its event loop without a Netty channel. A channel
 * with its pipeline, config, outbound buffer and cached addresses is ~1.2 KB of heap per
 * connection; a parked socket is this object and Netty's registration, ~100 B. The loop's epoll
 * set watches it for input (level-triggered); what arrives goes to {@link #arrived}, where the
 * owner decides whether to answer here or {@link #wake} the socket into a new channel on the same
 * loop. No MQTT here. Owned by its loop: every method runs there.
 */
public abstract class ParkedSocket extends FileDescriptor implements EpollIoHandle {
    private static final Logger LOG = LoggerFactory.getLogger(ParkedSocket.class);
    /** A ping is 2 bytes; anything else wakes the socket, so one small read is enough. */
    private static final int READ_AT_MOST = 1024;
    private static final EpollIoOps READABLE = EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLRDHUP);
    /**
     * Each loop reads its parked sockets into one buffer of its own: a ping answered asleep
     * leaves no garbage (19,000 sleeping clients ping ~4,000 times a second at a 5 s keep-alive).
     * Handed out unreleasable, so that a release meant for a copy cannot free it under the loop.
     */
    private static final FastThreadLocal<ByteBuf> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected ByteBuf initialValue() {
            return Unpooled.unreleasableBuffer(ByteBufAllocator.DEFAULT.directBuffer(READ_AT_MOST, READ_AT_MOST));
        }

        @Override
        protected void onRemoval(ByteBuf buf) {
            buf.unwrap().release(); // as the loop's thread ends
        }
    };

    private IoRegistration registration;

    /**
     * A bare descriptor, not Netty's {@code Socket}, whose constructor asks the kernel for the
     * socket's address family: a system call per accepted client that only an address look-up
     * needs ({@link #remoteAddress}).
     */
    protected ParkedSocket(int fd) {
        super(fd);
    }

    /** The peer's address, asked of the kernel (for logs and password checks, not per packet). */
    public final InetSocketAddress remoteAddress() {
        return new Socket(intValue()).remoteAddress();
    }

    /** The local address the peer reached, asked of the kernel. */
    public final InetSocketAddress localAddress() {
        return new Socket(intValue()).localAddress();
    }

    /** Whether {@code ch}'s socket can be parked: an epoll channel, which has a descriptor to take. */
    public static boolean canPark(Channel ch) {
        return ch instanceof EpollSocketChannel && ch.eventLoop() instanceof IoEventLoop;
    }

    /** The descriptor of a channel that {@link #canPark} (deregistered by the caller, still open). */
    public static int descriptor(Channel ch) {
        return ((UnixChannel) ch).fd().intValue();
    }

    /** Starts watching the socket on {@code loop} (the caller's loop, so the registration is immediate). */
    public final void watch(EventLoop loop) throws Exception {
        assert loop.inEventLoop();
        registration = LoopRegistrations.watch(loop, this, READABLE);
    }

    /**
     * Stops watching and hands the socket over to a new channel, not yet registered: the caller
     * sets up its pipeline and registers it with the same loop.
     */
    public final EpollSocketChannel wake() {
        cancel();
        EpollSocketChannel ch = new EpollSocketChannel(intValue());
        ch.config().setRecvByteBufAllocator(ServerTransport.RECEIVE_SIZING);
        return ch;
    }

    /**
     * Writes what the socket takes of {@code bytes} now, leaving its indices alone; how many (0
     * also when it failed: a woken channel meets the error).
     */
    public final int writeNow(ByteBuf bytes) {
        try {
            if (bytes.hasMemoryAddress()) {
                return Math.max(0, writeAddress(bytes.memoryAddress(), bytes.readerIndex(), bytes.writerIndex()));
            }
            ByteBuffer nio = bytes.nioBuffer();
            return Math.max(0, write(nio, nio.position(), nio.limit()));
        } catch (IOException e) {
            return 0;
        }
    }

    /** A copy of what {@link #arrived} was given, for the caller to keep (and release). */
    protected static ByteBuf keep(ByteBuf arrived) {
        return ByteBufAllocator.DEFAULT.directBuffer(arrived.readableBytes()).writeBytes(arrived, arrived.readerIndex(),
                arrived.readableBytes());
    }

    /**
     * Bytes came ({@code bytes}: the loop's read buffer, valid during this call only; {@link #keep}
     * copies it), or the socket reached its end or an error ({@code bytes} null; a channel woken
     * now meets it again on its first read).
     */
    protected abstract void arrived(ByteBuf bytes);

    /** The loop closed the socket while it was parked (the loop is shutting down). */
    protected abstract void closedByLoop();

    @Override
    public final FileDescriptor fd() {
        return this;
    }

    @Override
    public final void handle(IoRegistration r, IoEvent event) {
        ByteBuf buf = SCRATCH.get().clear();
        int n;
        try {
            if (buf.hasMemoryAddress()) {
                n = readAddress(buf.memoryAddress(), 0, READ_AT_MOST);
            } else {
                ByteBuffer nio = buf.internalNioBuffer(0, READ_AT_MOST);
                n = read(nio, nio.position(), nio.limit());
            }
        } catch (IOException e) {
            n = -1;
        }
        if (n == 0) {
            return; // nothing after all (the next readiness comes back here)
        }
        try {
            arrived(n < 0 ? null : buf.writerIndex(n));
        } catch (RuntimeException | Error e) {
            if (registration == null) {
                throw e; // handed over to a channel already: the socket is the channel's
            }
            // Still parked, so still readable: the same fault would come back on every turn of
            // the loop, which pauses a second after each. This one connection ends instead.
            LOG.warn("Closing a parked socket after a fault in its handling", e);
            try {
                close();
            } catch (IOException closing) {
                LOG.debug("Closing the parked socket failed", closing);
            }
        }
    }

    /** Netty closes every registered handle when the loop shuts down. */
    @Override
    public final void close() throws IOException {
        boolean wasWatched = registration != null;
        cancel();
        super.close();
        if (wasWatched) {
            closedByLoop();
        }
    }

    private void cancel() {
        IoRegistration r = registration;
        registration = null;
        if (r != null) {
            r.cancel();
        }
    }
}
