package dev.midge.broker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.Socket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A parked socket on a real epoll loop: what it hands its owner, and a fault in the owner. */
class ParkedSocketTest {
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private Socket listening;
    private java.net.Socket client;

    @BeforeEach
    void start() {
        assumeTrue(Epoll.isAvailable(), "epoll");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = group.next();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (listening != null) {
            listening.close();
        }
        if (group != null) {
            assertThat(group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS))
                    .as("the loop ends").isTrue();
        }
    }

    /** Records what arrives; throws on the first arrival when asked to. */
    private static final class Recording extends ParkedSocket {
        final List<String> arrivals = new CopyOnWriteArrayList<>();
        final AtomicInteger closedByLoop = new AtomicInteger();
        final CountDownLatch arrived = new CountDownLatch(2);
        final boolean fault;

        Recording(int fd, boolean fault) {
            super(fd);
            this.fault = fault;
        }

        @Override
        protected void arrived(ByteBuf bytes) {
            arrivals.add(bytes == null ? "<end>" : bytes.toString(StandardCharsets.US_ASCII));
            arrived.countDown();
            if (bytes != null) {
                bytes.release(); // a slip the loop's buffer survives (it is unreleasable)
            }
            if (fault) {
                throw new IllegalStateException("a bug in the owner");
            }
        }

        @Override
        protected void closedByLoop() {
            closedByLoop.incrementAndGet();
        }
    }

    /** The server side of a loopback TCP connection, parked; {@link #client} is the other side. */
    private Recording parkAcceptedSocket(boolean fault) throws Exception {
        listening = Socket.newSocketStream();
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listening.listen(1);
        client = new java.net.Socket(InetAddress.getLoopbackAddress(), listening.localAddress().getPort());
        int fd = -1;
        for (int i = 0; i < 500 && fd < 0; i++) {
            fd = listening.accept(new byte[32]); // -1 until the connection is there (non-blocking)
            if (fd < 0) {
                Thread.sleep(10);
            }
        }
        assertThat(fd).as("accepted").isNotNegative();
        Recording socket = new Recording(fd, fault);
        loop.submit(() -> {
            socket.watch(loop);
            return null;
        }).sync();
        return socket;
    }

    private void write(String text) throws Exception {
        client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
    }

    @Test
    void eachReadingReachesTheOwner_throughTheLoopsOneBuffer() throws Exception {
        Recording socket = parkAcceptedSocket(false);
        write("ab");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> socket.arrivals.size() == 1); // two readings
        write("cde");
        assertThat(socket.arrived.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(socket.arrivals).containsExactly("ab", "cde");
    }

    @Test
    void aFaultInTheOwner_endsThatSocketOnce_andTheLoopGoesOnAtOnce() throws Exception {
        Recording socket = parkAcceptedSocket(true);
        write("x");
        // the loop is not held up: Netty pauses a loop for a second after an exception escapes it
        long t0 = System.nanoTime();
        Thread.sleep(50);
        loop.submit(() -> { }).sync();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(700);
        write("y");
        Thread.sleep(200);
        assertThat(socket.arrivals).as("the faulty socket is no longer read").containsExactly("x");
        assertThat(socket.closedByLoop).hasValue(1);
    }
}
