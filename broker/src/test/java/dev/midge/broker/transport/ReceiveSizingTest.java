package dev.midge.broker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator.ExtendedHandle;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReceiveSizingTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ExtendedHandle handle = (ExtendedHandle) new ReceiveSizing(4).newHandle();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** One read event in which each read got {@code bytes[i]}, as a channel's read loop drives a handle. */
    private void readEvent(int... bytes) {
        handle.reset(channel.config());
        for (int b : bytes) {
            handle.attemptedBytesRead(handle.guess());
            handle.lastBytesRead(Math.min(b, handle.guess()));
            handle.incMessagesRead(1);
        }
        handle.readComplete();
    }

    @Test
    void startsAt2KiB_andAllocatesThatMuch() {
        assertThat(handle.guess()).isEqualTo(2048);
        ByteBuf buf = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
        try {
            assertThat(buf.writableBytes()).isEqualTo(2048);
        } finally {
            buf.release();
        }
    }

    @Test
    void aFullBuffer_growsEightfold_upTo64KiB() {
        readEvent(2048);
        assertThat(handle.guess()).isEqualTo(16384);
        readEvent(16384);
        assertThat(handle.guess()).isEqualTo(65536);
        readEvent(65536);
        assertThat(handle.guess()).isEqualTo(65536);
    }

    @Test
    void twoSmallEventsInARow_halve_downTo64B() {
        readEvent(100);
        assertThat(handle.guess()).isEqualTo(2048);
        readEvent(100);
        assertThat(handle.guess()).isEqualTo(1024);
        readEvent(100);
        readEvent(600); // more than half: the count starts over
        readEvent(100);
        assertThat(handle.guess()).isEqualTo(1024);
        for (int i = 0; i < 40; i++) {
            readEvent(10);
        }
        assertThat(handle.guess()).isEqualTo(64);
    }

    @Test
    void continueReading_onlyWhileTheLastReadFilledItsBuffer_andReadsAreLeft() {
        handle.reset(channel.config());
        handle.attemptedBytesRead(2048);
        handle.lastBytesRead(100);
        handle.incMessagesRead(1);
        assertThat(handle.continueReading()).isFalse(); // the socket is drained
        assertThat(handle.continueReading(() -> true)).isTrue(); // the transport knows better

        handle.reset(channel.config());
        for (int i = 0; i < 4; i++) {
            assertThat(handle.continueReading(() -> true)).isEqualTo(i > 0);
            handle.attemptedBytesRead(handle.guess());
            handle.lastBytesRead(handle.guess());
            handle.incMessagesRead(1);
        }
        assertThat(handle.continueReading(() -> true)).isFalse(); // four reads per event at most

        handle.reset(channel.config());
        channel.config().setAutoRead(false);
        handle.attemptedBytesRead(handle.guess());
        handle.lastBytesRead(handle.guess());
        handle.incMessagesRead(1);
        assertThat(handle.continueReading(() -> true)).isFalse(); // reading was paused
    }

    @Test
    void maxMessagesPerRead_mustBePositive() {
        assertThatThrownBy(() -> new ReceiveSizing(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ReceiveSizing(1).maxMessagesPerRead(16).maxMessagesPerRead()).isEqualTo(16);
    }
}
