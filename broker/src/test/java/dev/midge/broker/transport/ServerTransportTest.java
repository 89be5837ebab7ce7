package dev.midge.broker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.midge.broker.config.Listener;
import dev.midge.broker.config.Security;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ServerTransportTest {
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // fails, not hangs, if the wait is unbounded
    void shutdown_waitsForAHungLoopOnlyABoundedTime() throws Exception {
        ServerTransport transport = new ServerTransport(1, 1);
        CountDownLatch hung = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        transport.workers().execute(() -> {
            running.countDown();
            try {
                hung.await(); // a loop that never comes back by itself
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        try {
            long t0 = System.nanoTime();
            transport.shutdown();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            // 1 s for the acceptor group at most (it ends at once), 1 s for the hung worker group
            assertThat(tookMillis).isBetween(900L, 4_000L);
        } finally {
            hung.countDown();
        }
    }

    @Test
    void bareListener_handsEachClientToAnIoLoopAsADescriptorWithNagleOff_andStopsAtShutdown() throws Exception {
        record Accepted(int fd, boolean onLoop, boolean noDelay) {
        }
        Assumptions.assumeTrue(Epoll.isAvailable(), "bare sockets need epoll");
        ServerTransport transport = new ServerTransport(2);
        BlockingQueue<Accepted> accepted = new ArrayBlockingQueue<>(4);
        InetSocketAddress bound;
        try {
            bound = transport.bindBare(new Listener("127.0.0.1", 0, Security.OPEN), (EventLoop loop, int fd) -> {
                Socket s = new Socket(fd);
                try {
                    accepted.add(new Accepted(fd, loop.inEventLoop(), s.isTcpNoDelay()));
                    s.close();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 2; i++) {
                try (java.net.Socket client = new java.net.Socket("127.0.0.1", bound.getPort())) {
                    Accepted a = accepted.poll(5, TimeUnit.SECONDS);
                    assertThat(a).isNotNull();
                    assertThat(a.onLoop()).as("called on the loop that owns it").isTrue();
                    assertThat(a.noDelay()).as("TCP_NODELAY, inherited from the listener").isTrue();
                    assertThat(client.getInputStream().read()).as("closed by the receiver").isEqualTo(-1);
                }
            }
        } finally {
            transport.shutdown();
        }
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", bound.getPort()).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void bareListener_onAPortInUse_failsAsAnyServerWould() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "bare sockets need epoll");
        ServerTransport first = new ServerTransport(2);
        ServerTransport second = new ServerTransport(2);
        try {
            InetSocketAddress bound = first.bindBare(new Listener("127.0.0.1", 0, Security.OPEN), (loop, fd) -> { });
            // each listener shares its port with its own loops (SO_REUSEPORT), not with another broker
            assertThatThrownBy(() -> second.bindBare(new Listener("127.0.0.1", bound.getPort(), Security.OPEN),
                    (loop, fd) -> { })).isInstanceOf(IOException.class).hasMessageContaining("in use");
            try (java.net.ServerSocket plain = new java.net.ServerSocket()) {
                assertThatThrownBy(() -> plain.bind(bound)).isInstanceOf(IOException.class);
            }
        } finally {
            first.shutdown();
            second.shutdown();
        }
    }
}
