package dev.midge.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundCountdownTest {
    @TempDir
    Path dir;

    /** A client connection as far as the store sees it. */
    private static final class Client implements Store.Waiter {
        private final AtomicReference<Object> round = new AtomicReference<>();

        @Override
        public Object swapSyncRound(Object r) {
            return round.getAndSet(r);
        }
    }

    @Test
    void eachClientCountsOncePerRoundAndTheLastOneCompletesIt() {
        RoundCountdown round = new RoundCountdown();
        Client a = new Client();
        Client b = new Client();
        round.start(2);
        assertThat(round.countIn(a)).isFalse();
        assertThat(round.countIn(a)).isFalse(); // asking twice does not stand in for b
        assertThat(round.countIn(b)).isTrue();
        assertThat(round.countIn(b)).isFalse();
        round.start(2);
        assertThat(round.countIn(b)).isFalse(); // counted again in the new round
        assertThat(round.countIn(a)).isTrue();
    }

    @Test
    void beyondTheRoundEveryNewClientMayCompleteIt() {
        RoundCountdown round = new RoundCountdown();
        round.start(1);
        assertThat(round.countIn(new Client())).isTrue();
        assertThat(round.countIn(new Client())).isTrue(); // a client the round did not know of
    }

    @Test
    void waitersThatAreNotClientsAlwaysWake() {
        RoundCountdown round = new RoundCountdown();
        round.start(5);
        assertThat(round.countIn(Store.OUTBOUND_FLOW)).isTrue();
    }

    /**
     * The writer gathers for a long window here (2 s); when the last of the clients that waited in
     * the previous round asks from its event loop, the writer must be woken and sync at once, not
     * when the window ends.
     */
    @Test
    void theLastClientOfARoundWakesTheGatheringWriter() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        Client[] clients = {new Client(), new Client(), new Client()};
        try (RocksStore store = new RocksStore(dir.resolve("data"), 0, 2_000, 64L << 20)) {
            CountDownLatch first = new CountDownLatch(clients.length);
            loop.execute(() -> {
                for (Client c : clients) {
                    store.putSession("s", 60, null);
                    store.afterDurable(loop, c, first::countDown);
                }
            });
            assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
            // the next round: two clients ask one after the other, the third a little later
            CountDownLatch second = new CountDownLatch(clients.length);
            AtomicLong lastAsked = new AtomicLong();
            AtomicLong synced = new AtomicLong();
            loop.execute(() -> {
                store.putSession("s", 60, null);
                store.afterDurable(loop, clients[0], second::countDown);
                store.afterDurable(loop, clients[1], second::countDown);
            });
            loop.schedule(() -> {
                store.putSession("s", 60, null);
                lastAsked.set(System.nanoTime());
                store.afterDurable(loop, clients[2], () -> {
                    synced.set(System.nanoTime());
                    second.countDown();
                });
            }, 100, TimeUnit.MILLISECONDS);
            assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(synced.get() - lastAsked.get())).isLessThan(1_000);
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
