package dev.midge.broker.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeepAliveWheelTest {
    private final EmbeddedChannel channel = frozen(new EmbeddedChannel());
    private final KeepAliveWheel wheel = new KeepAliveWheel(channel.eventLoop());
    private final List<String> expired = new ArrayList<>();
    private long nowMillis;

    private static EmbeddedChannel frozen(EmbeddedChannel ch) {
        ch.freezeTime();
        return ch;
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private KeepAliveTimer timer(String name) {
        return new KeepAliveTimer(wheel) {
            @Override
            void expired() {
                expired.add(name);
            }

            @Override
            void quietCheck() {
                expired.add(name + " looked at");
            }
        };
    }

    /** Moves the loop's clock and runs what is due on the loop: the wheel turns when its task says. */
    private void at(long millis) {
        channel.advanceTimeBy(millis - nowMillis, TimeUnit.MILLISECONDS);
        nowMillis = millis;
        channel.runScheduledPendingTasks();
    }

    @Test
    void silentTimer_expiresAtItsDeadline_neverBefore() {
        timer("a").restart(1500);
        at(1499);
        assertThat(expired).isEmpty();
        at(1500);
        assertThat(expired).containsExactly("a");
        assertThat(wheel.size()).isZero();
        at(5000);
        assertThat(expired).containsExactly("a");
    }

    @Test
    void afterConnect_looksOnceAtTheQuietCheck_thenExpiresAtTheKeepAliveDeadline() {
        timer("a").afterConnect(2, 250);
        at(249);
        assertThat(expired).isEmpty();
        at(350); // at most one tick late
        assertThat(expired).containsExactly("a looked at");
        assertThat(wheel.size()).as("filed again for the keep-alive").isEqualTo(1);
        at(2999);
        assertThat(expired).containsExactly("a looked at");
        at(3100);
        assertThat(expired).containsExactly("a looked at", "a");
    }

    @Test
    void afterConnect_withoutKeepAlive_looksOnce_andNeverExpires() {
        timer("a").afterConnect(0, 250);
        at(400);
        assertThat(expired).containsExactly("a looked at");
        assertThat(wheel.size()).isZero();
        at(1_000_000);
        assertThat(expired).containsExactly("a looked at");
    }

    @Test
    void stop_cancelsTheQuietCheck() {
        KeepAliveTimer t = timer("a");
        t.afterConnect(2, 250);
        t.stop();
        at(5000);
        assertThat(expired).isEmpty();
    }

    @Test
    void read_postponesTheDeadline() {
        KeepAliveTimer t = timer("a");
        t.restart(1500);
        at(1000);
        t.read();
        at(1500);
        at(2400);
        assertThat(expired).isEmpty();
        assertThat(wheel.size()).isEqualTo(1);
        at(2500);
        assertThat(expired).containsExactly("a");
    }

    @Test
    void stop_unfiles_andRestart_startsOver() {
        KeepAliveTimer a = timer("a");
        KeepAliveTimer b = timer("b");
        a.restart(1000);
        b.restart(1000);
        a.stop();
        a.stop(); // twice is harmless
        assertThat(wheel.size()).isEqualTo(1);
        at(500);
        b.restart(2000);
        at(1000);
        assertThat(expired).isEmpty();
        at(2500);
        assertThat(expired).containsExactly("b");
        assertThat(wheel.size()).isZero();
    }

    @Test
    void zeroTimeout_neverExpires() {
        timer("a").restart(0);
        assertThat(wheel.size()).isZero();
        at(1_000_000);
        assertThat(expired).isEmpty();
    }

    @Test
    void deadlineBeyondOneTurn_expiresOnTime() {
        timer("a").restart(98_302_500); // keep-alive 65,535 s
        timer("b").restart(90_000); // keep-alive 60 s
        for (long ms = 0; ms < 90_000; ms += 100) {
            at(ms);
        }
        assertThat(expired).isEmpty();
        at(90_000);
        assertThat(expired).containsExactly("b");
        at(98_302_499);
        assertThat(expired).containsExactly("b");
        at(98_302_500);
        assertThat(expired).containsExactly("b", "a");
    }

    @Test
    void expiryThatStopsAnotherDueTimer_leavesTheWheelConsistent() {
        KeepAliveTimer[] other = new KeepAliveTimer[1];
        KeepAliveTimer first = new KeepAliveTimer(wheel) {
            @Override
            void expired() {
                expired.add("first");
                other[0].stop(); // as closing one connection can end another (a takeover)
            }
        };
        first.restart(1000);
        other[0] = timer("second");
        other[0].restart(1000);
        KeepAliveTimer third = timer("third");
        third.restart(1000);
        at(1000);
        assertThat(expired).containsExactly("first", "third");
        assertThat(wheel.size()).isZero();
    }

    @Test
    void lateTurn_expiresEveryDueTimerOnce() {
        for (int i = 0; i < 100; i++) {
            timer("t" + i).restart(100 * (i + 1));
        }
        timer("later").restart(3_600_000);
        at(600_000); // the loop was stuck for ten minutes
        assertThat(expired).hasSize(100).doesNotHaveDuplicates();
        assertThat(wheel.size()).isEqualTo(1);
    }

    @Test
    void theWheelTurnsOnlyWhileTimersAreFiled() {
        assertThat(channel.runScheduledPendingTasks()).isEqualTo(-1);
        timer("a").restart(250);
        assertThat(channel.runScheduledPendingTasks()).isEqualTo(KeepAliveWheel.TICK_NANOS);
        at(250);
        assertThat(expired).isEmpty(); // filed under the tick at 300 ms: at most one tick late
        at(300);
        assertThat(expired).containsExactly("a");
        assertThat(channel.runScheduledPendingTasks()).isEqualTo(-1);
    }
}
