package dev.midge.cli.bench;

import java.util.BitSet;

/**
 * Per publisher: which sequence numbers arrived, so that lost, duplicated and out-of-order
 * messages are counted exactly. One receiver's view; synchronized because several event loops
 * may deliver to the same receiver.
 */
final class SequenceCheck {
    private final BitSet seen = new BitSet();
    private long highest = -1;
    private long duplicates;
    private long outOfOrder;
    private long received;

    synchronized void arrived(long seq) {
        received++;
        if (seen.get((int) seq)) {
            duplicates++;
            return;
        }
        seen.set((int) seq);
        if (seq < highest) {
            outOfOrder++;
        }
        highest = Math.max(highest, seq);
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long outOfOrder() {
        return outOfOrder;
    }

    synchronized long unique() {
        return seen.cardinality();
    }

    synchronized long received() {
        return received;
    }
}
