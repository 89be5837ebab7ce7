package dev.midge.broker.store;

import dev.midge.broker.session.Message;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many queue entries refer to each stored message body, and which entries have not reached
 * the writer yet. An entry dequeued before the writer took it is cancelled: the writer skips it,
 * and a body no written entry refers to is never written (nor deleted). With persistent
 * subscribers online, most messages are acknowledged by them before the batch that would store
 * them is written, so most of them never touch RocksDB; the publisher's acknowledgement still
 * waits for that batch, and what it promised (delivery to those sessions) is already kept.
 *
 * <p>An entry written while it is its message's only reference carries the body itself: one
 * record to put and one to delete, where a body of its own would double both. The body then
 * counts as not written; should another entry for the message come later, that one writes it.
 *
 * <p>Called from the event loops (enqueue, dequeue) and the writer thread (claim); each body's
 * state is guarded by the body itself.
 */
final class MessageReferences {
    private final Map<Long, Body> bodies = new ConcurrentHashMap<>();
    /** Entries queued to the writer and not yet claimed by it, to find them again at dequeue. */
    private final Map<EntryId, Entry> unwritten = new ConcurrentHashMap<>();

    /** One message body: its references, and its bytes until the first entry is written. */
    private static final class Body {
        int refs;
        boolean written;
        byte[] bytes;
        /** Released to zero and out of the map: a late enqueue of the same message starts a new one. */
        boolean dead;
    }

    private record EntryId(String clientId, long seq) {
    }

    /** One queue entry on its way to the writer. */
    static final class Entry {
        private final EntryId id;
        private final Body body;
        private boolean cancelled;
        private boolean written;

        private Entry(EntryId id, Body body) {
            this.id = id;
            this.body = body;
        }
    }

    /**
     * What the writer puts for an entry: nothing, the entry, the entry and its message body as a
     * record of its own ({@code body}), or the entry with the body inside ({@code inlineBody}).
     */
    record Claim(boolean entry, byte[] body, byte[] inlineBody) {
        static final Claim SKIP = new Claim(false, null, null);
        static final Claim ENTRY = new Claim(true, null, null);
    }

    /** What a dequeue deletes on disk. */
    record Removal(boolean entry, boolean body) {
        boolean nothing() {
            return !entry && !body;
        }
    }

    /** An entry read back at startup: it and its body are on disk. */
    void recovered(long messageId) {
        Body b = bodies.computeIfAbsent(messageId, id -> new Body());
        synchronized (b) {
            b.refs++;
            b.written = true;
        }
    }

    /** A new queue entry for {@code message}; the writer later {@link #claim}s it. */
    Entry enqueued(String clientId, long seq, Message message) {
        while (true) {
            Body b = bodies.computeIfAbsent(message.id(), id -> new Body());
            synchronized (b) {
                if (b.dead) {
                    continue;
                }
                b.refs++;
                if (!b.written && b.bytes == null) {
                    b.bytes = Records.message(message); // on the event loop: the writer is the busier thread
                }
            }
            Entry e = new Entry(new EntryId(clientId, seq), b);
            unwritten.put(e.id, e);
            return e;
        }
    }

    /** The writer is about to put {@code e} into a batch. */
    Claim claim(Entry e) {
        unwritten.remove(e.id, e);
        Body b = e.body;
        synchronized (b) {
            if (e.cancelled) {
                return Claim.SKIP;
            }
            e.written = true;
            if (b.written) {
                return Claim.ENTRY;
            }
            byte[] bytes = b.bytes;
            b.bytes = null;
            if (b.refs == 1) {
                return new Claim(true, null, bytes);
            }
            b.written = true;
            return new Claim(true, bytes, null);
        }
    }

    /** A session is done with an entry: cancels it when unwritten, drops a reference. */
    Removal dequeued(String clientId, long seq, long messageId) {
        Entry e = unwritten.remove(new EntryId(clientId, seq));
        Body b = bodies.get(messageId);
        if (b == null) {
            return new Removal(true, false); // not counted (cannot happen after recovery): delete the entry
        }
        synchronized (b) {
            boolean entryOnDisk = e == null || e.written;
            if (!entryOnDisk) {
                e.cancelled = true;
            }
            return new Removal(entryOnDisk, release(messageId, b));
        }
    }

    /** An entry found on disk is let go of without being paged in; true when its body goes too. */
    boolean released(long messageId) {
        Body b = bodies.get(messageId);
        if (b == null) {
            return false;
        }
        synchronized (b) {
            return release(messageId, b);
        }
    }

    /** Bodies and unwritten entries tracked: none once every entry is dequeued or released. */
    int tracked() {
        return bodies.size() + unwritten.size();
    }

    /** Drops one reference (caller holds b); true when the body is on disk and nothing refers to it now. */
    private boolean release(long messageId, Body b) {
        if (--b.refs > 0) {
            return false;
        }
        bodies.remove(messageId, b);
        b.dead = true;
        b.bytes = null;
        return b.written;
    }
}
