package dev.midge.broker.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
}
