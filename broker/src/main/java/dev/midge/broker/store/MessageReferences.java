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

    /** One message body: its references, and the message until the first entry is written. */
    private static final class Body {
        int refs;
        boolean written;
        Message unwritten;
        /** Released to zero and out of the map: a late enqueue of the same message starts a new one. */
        boolean dead;
    }

    /**
     * One queue entry, from its enqueue to its dequeue: the session's delivery carries it
     * ({@link Store.QueueEntry}), so that neither the writer nor the dequeue look it up. Its flags
     * are guarded by its body.
     */
    static final class Entry implements Store.QueueEntry {
        private final Body body;
        private boolean cancelled;
        private boolean written;

        private Entry(Body body) {
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
    Entry enqueued(Message message) {
        while (true) {
            Body b = bodies.computeIfAbsent(message.id(), id -> new Body());
            synchronized (b) {
                if (b.dead) {
                    continue;
                }
                b.refs++;
                if (!b.written && b.unwritten == null) {
                    b.unwritten = message;
                }
            }
            return new Entry(b);
        }
    }

    /**
     * The writer is about to put {@code e} into a batch. The body is serialized here, on the writer
     * thread and only when it is written: the event loops' time per message sets how fast a
     * subscriber's window turns, and most entries of an online subscriber are cancelled first.
     */
    Claim claim(Entry e) {
        Body b = e.body;
        Message message;
        boolean inline;
        synchronized (b) {
            if (e.cancelled) {
                return Claim.SKIP;
            }
            e.written = true;
            if (b.written) {
                return Claim.ENTRY;
            }
            message = b.unwritten;
            b.unwritten = null;
            inline = b.refs == 1;
            b.written = !inline;
        }
        byte[] bytes = Records.message(message);
        return inline ? new Claim(true, null, bytes) : new Claim(true, bytes, null);
    }

    /**
     * A session is done with an entry: cancels it when unwritten, drops a reference. {@code e} is
     * null for an entry read back from disk.
     */
    Removal dequeued(Entry e, long messageId) {
        Body b = e != null ? e.body : bodies.get(messageId);
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

    /** Bodies tracked: none once every entry is dequeued or released. */
    int tracked() {
        return bodies.size();
    }

    /** Drops one reference (caller holds b); true when the body is on disk and nothing refers to it now. */
    private boolean release(long messageId, Body b) {
        if (--b.refs > 0) {
            return false;
        }
        bodies.remove(messageId, b);
        b.dead = true;
        b.unwritten = null;
        return b.written;
    }
}
