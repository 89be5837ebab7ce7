package dev.midge.broker.session;

import dev.midge.broker.store.Store;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The messages a session had waiting in the store when the broker started: read in pages as
 * they are about to go out, and sent before everything queued since (which has higher keys).
 * Most sessions never have one, and {@link #NONE} stands in for theirs: an idle connection
 * carries none of this state. Owned by the session's {@link Outbound}, on its owner loop.
 */
final class StoredBacklog {
    static final StoredBacklog NONE = new StoredBacklog(null, null, null, 0, -1, 0);
    private static final int PAGE = 256;

    private final Store store;
    private final MemoryBudget budget;
    private final String clientId;
    private final ArrayDeque<Delivery> paged = new ArrayDeque<>();
    /** The next store key to read, the last key that belongs to the backlog, and how many are unread. */
    private long from;
    private final long to;
    private int unread;

    StoredBacklog(Store store, MemoryBudget budget, String clientId, long from, long to, int count) {
        this.store = store;
        this.budget = budget;
        this.clientId = clientId;
        this.from = from;
        this.to = to;
        this.unread = count;
    }

    boolean isEmpty() {
        return paged.isEmpty() && unread == 0;
    }

    int size() {
        return paged.size() + unread;
    }

    /** Whether {@link #peek} needs {@link #pageIn} first. */
    boolean pageDue() {
        return paged.isEmpty() && unread > 0;
    }

    /**
     * Reads the next page from the store and returns its payload bytes, which the budget holds
     * from now on. Entries above {@code to} were queued since the restart: they are in the
     * outbound queue already.
     */
    long pageIn() {
        int read = 0;
        long bytes = 0;
        for (Store.Queued q : store.readQueue(clientId, from, Math.min(PAGE, unread))) {
            if (q.seq() > to) {
                break;
            }
            Delivery d = new Delivery(q.message(), q.qos(), q.retain(), q.subscriptionIds(), null, q.seq(), null);
            budget.hold(d.payloadBytes());
            bytes += d.payloadBytes();
            paged.add(d);
            from = q.seq() + 1;
            read++;
        }
        unread = read == 0 ? 0 : unread - read;
        return bytes;
    }

    /** The next message of the backlog that is in memory, or null. */
    Delivery peek() {
        return paged.peek();
    }

    Delivery poll() {
        return paged.poll();
    }

    /** The session ends: each message in memory goes to {@code forget}, the unread rest leaves the store. */
    void clear(Consumer<Delivery> forget) {
        paged.forEach(forget);
        paged.clear();
        if (unread > 0) {
            store.releaseQueue(clientId, from);
            unread = 0;
        }
    }
}
