package dev.midge.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * How big a buffer each read of a connection gets: 2 KiB at first, eight times more (up to
 * 64 KiB) after a read that filled its buffer, half (down to 64 B) after two read events in a row
 * that used half of it or less. The same policy as Netty's adaptive allocator in powers of two,
 * with one small object per connection (40 bytes) where Netty keeps three (~112 bytes): on an
 * idle connection that is most of what it costs besides the channel itself.
 * <p>
 * A handle is used only on its channel's event loop, one read event at a time.
 */
public final class ReceiveSizing implements MaxMessagesRecvByteBufAllocator {
    static final int MIN_SHIFT = 6;
    static final int INITIAL_SHIFT = 11;
    static final int MAX_SHIFT = 16;
    private static final int GROW_SHIFT = 3;

    private volatile int maxMessagesPerRead;

    /** {@code maxMessagesPerRead}: reads of one connection per event before the loop moves on. */
    public ReceiveSizing(int maxMessagesPerRead) {
        maxMessagesPerRead(maxMessagesPerRead);
    }

    @Override
    public int maxMessagesPerRead() {
        return maxMessagesPerRead;
    }

    @Override
    public ReceiveSizing maxMessagesPerRead(int n) {
        if (n < 1 || n > Short.MAX_VALUE) {
            throw new IllegalArgumentException("maxMessagesPerRead: " + n);
        }
        maxMessagesPerRead = n;
        return this;
    }

    @Override
    public RecvByteBufAllocator.Handle newHandle() {
        return new Handle();
    }

    final class Handle implements RecvByteBufAllocator.ExtendedHandle {
        private ChannelConfig config;
        private int totalBytesRead;
        private int attemptedBytesRead;
        private int lastBytesRead;
        private short messages;
        private short maxMessages;
        private byte shift = INITIAL_SHIFT;
        private boolean shrinkNext;

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return 1 << shift;
        }

        @Override
        public void reset(ChannelConfig config) {
            this.config = config;
            maxMessages = (short) maxMessagesPerRead;
            messages = 0;
            totalBytesRead = 0;
        }

        @Override
        public void incMessagesRead(int n) {
            messages = (short) Math.min(Short.MAX_VALUE, messages + n);
        }

        @Override
        public void lastBytesRead(int bytes) {
            if (bytes == attemptedBytesRead) {
                record(bytes); // the buffer was full: grow before the next read of this event
            }
            lastBytesRead = bytes;
            if (bytes > 0) {
                totalBytesRead = totalBytesRead + bytes < 0 ? Integer.MAX_VALUE : totalBytesRead + bytes;
            }
        }

        @Override
        public int lastBytesRead() {
            return lastBytesRead;
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            attemptedBytesRead = bytes;
        }

        @Override
        public int attemptedBytesRead() {
            return attemptedBytesRead;
        }

        @Override
        public boolean continueReading() {
            // the last read filled its buffer: there may be more
            return config.isAutoRead() && attemptedBytesRead == lastBytesRead && moreReadsAllowed();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreData) {
            return config.isAutoRead() && maybeMoreData.get() && moreReadsAllowed();
        }

        private boolean moreReadsAllowed() {
            return messages < maxMessages && totalBytesRead > 0;
        }

        @Override
        public void readComplete() {
            record(totalBytesRead);
        }

        private void record(int bytes) {
            if (bytes >= guess()) {
                shift = (byte) Math.min(MAX_SHIFT, shift + GROW_SHIFT);
                shrinkNext = false;
            } else if (bytes > guess() >>> 1) {
                shrinkNext = false;
            } else if (shrinkNext) {
                shift = (byte) Math.max(MIN_SHIFT, shift - 1);
                shrinkNext = false;
            } else {
                shrinkNext = true;
            }
        }
    }
}
