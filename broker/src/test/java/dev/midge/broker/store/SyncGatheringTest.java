package dev.midge.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SyncGatheringTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long US = TimeUnit.MICROSECONDS.toNanos(1);
    private final SyncGathering gathering = new SyncGathering(2 * MS);
    private long t = 1_000 * MS;

    /** Three clients each waited for the sync that begins at {@link #t}. */
    private void roundOfThree() {
        gathering.asked("a", t - 300 * US);
        gathering.asked("b", t - 200 * US);
        gathering.asked("c", t - 100 * US);
        assertThat(gathering.due(t)).isTrue(); // every recent waiter is in: no reason to wait
        gathering.syncing(t);
    }

    @Test
    void aLoneWaiterIsSyncedAtOnce() {
        gathering.asked("a", t);
        assertThat(gathering.due(t)).isTrue();
        gathering.syncing(t);
        gathering.asked("a", t + 100 * US);
        assertThat(gathering.due(t + 100 * US)).isTrue();
    }

    @Test
    void waitsUntilEveryRecentWaiterAsksAgain() {
        roundOfThree();
        gathering.asked("a", t + 400 * US);
        assertThat(gathering.due(t + 400 * US)).isFalse();
        assertThat(gathering.patience(t + 400 * US)).isEqualTo(1600 * US);
        gathering.asked("c", t + 700 * US);
        gathering.asked("a", t + 800 * US); // asking twice does not stand in for b
        assertThat(gathering.due(t + 800 * US)).isFalse();
        gathering.asked("b", t + 900 * US);
        assertThat(gathering.due(t + 900 * US)).isTrue();
    }

    @Test
    void waitsNoLongerThanTheGatheringTime() {
        roundOfThree();
        gathering.asked("a", t + 400 * US);
        assertThat(gathering.due(t + 1500 * US)).isFalse();
        assertThat(gathering.patience(t + 1500 * US)).isEqualTo(500 * US);
        assertThat(gathering.due(t + 2 * MS)).isTrue();
        assertThat(gathering.patience(t + 3 * MS)).isZero();
    }

    @Test
    void aWaiterQuietForLongerThanTheGatheringTimeIsNotWaitedFor() {
        gathering.asked("gone", t - 1900 * US);
        roundOfThree();
        gathering.asked("a", t + 50 * US);
        gathering.asked("b", t + 50 * US);
        gathering.asked("c", t + 50 * US);
        assertThat(gathering.due(t + 50 * US)).isFalse(); // "gone" asked 1.95 ms ago: it may still come
        assertThat(gathering.due(t + 150 * US)).isTrue(); // 2.05 ms ago: not waited for any more
    }

    @Test
    void theBrokersOwnOutboundFlowIsNeverHeldBack() {
        roundOfThree();
        gathering.asked(Store.OUTBOUND_FLOW, t + 100 * US);
        assertThat(gathering.due(t + 100 * US)).isTrue();
        gathering.syncing(t + 100 * US);
        gathering.asked("a", t + 200 * US);
        assertThat(gathering.due(t + 200 * US)).isFalse(); // the next batch gathers again
    }

    @Test
    void zeroGatheringIsPlainGroupCommit() {
        SyncGathering plain = new SyncGathering(0);
        plain.asked("a", t);
        plain.asked("b", t);
        plain.syncing(t);
        plain.asked("a", t + US);
        assertThat(plain.due(t + US)).isTrue();
    }
}
