package dev.midge.broker.session;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A session's outbound messages awaiting acknowledgement, by packet id and in the order they were
 * sent (the order a new connection gets them again in [MQTT-4.6.0-1]). Owned by the session's
 * event loop.
 *
 * <p>Why not a {@code LinkedHashMap<Integer, OutboundFlight>}: every QoS 1/2 delivery went through
 * one (a boxed id and an entry per put, a hash chain per acknowledgement), and that lookup was
 * among the loops' top self-time sites. Packet ids are handed out in sequence, so indexing an
 * open-addressed table by the id's low bits finds nearly every flight in its home slot; the send
 * order is a list threaded through the flights themselves.
 */
final class InflightWindow {
    /** The window of a session that has sent no QoS 1/2 message yet; never added to. */
    static final InflightWindow NONE = new InflightWindow();
    private static final OutboundFlight[] EMPTY = new OutboundFlight[0];

    /** Slots indexed by packet id & (length - 1), linear probing; empty until the first put. */
    private OutboundFlight[] slots = EMPTY;
    private int size;
    /** Oldest and newest in send order. */
    private OutboundFlight first;
    private OutboundFlight last;

    int size() {
        return size;
    }

    OutboundFlight get(int packetId) {
        if (size == 0) {
            return null;
        }
        int mask = slots.length - 1;
        for (int i = packetId & mask; ; i = (i + 1) & mask) {
            OutboundFlight f = slots[i];
            if (f == null || f.publish.packetId() == packetId) {
                return f;
            }
        }
    }

    boolean contains(int packetId) {
        return get(packetId) != null;
    }

    /** Adds a flight whose packet id is not in the window; it goes last in send order. */
    void add(OutboundFlight f) {
        if ((size + 1) * 2 > slots.length) {
            resize(Math.max(32, slots.length * 2));
        }
        insert(f);
        size++;
        f.previous = last;
        f.next = null;
        if (last == null) {
            first = f;
        } else {
            last.next = f;
        }
        last = f;
    }

    /** Removes and returns the flight with this packet id, null when there is none. */
    OutboundFlight remove(int packetId) {
        OutboundFlight f = get(packetId);
        if (f != null) {
            unlink(f);
        }
        return f;
    }

    /** Every flight, oldest first. */
    void forEach(Consumer<OutboundFlight> action) {
        for (OutboundFlight f = first; f != null; f = f.next) {
            action.accept(f);
        }
    }

    /** Removes the flights {@code filter} accepts, visiting them oldest first. */
    void removeIf(Predicate<OutboundFlight> filter) {
        for (OutboundFlight f = first; f != null; ) {
            OutboundFlight next = f.next;
            if (filter.test(f)) {
                unlink(f);
            }
            f = next;
        }
    }

    private void unlink(OutboundFlight f) {
        deleteSlot(f);
        size--;
        if (f.previous == null) {
            first = f.next;
        } else {
            f.previous.next = f.next;
        }
        if (f.next == null) {
            last = f.previous;
        } else {
            f.next.previous = f.previous;
        }
        f.previous = null;
        f.next = null;
    }

    private void insert(OutboundFlight f) {
        int mask = slots.length - 1;
        int i = f.publish.packetId() & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = f;
    }

    /** Empties the flight's slot and shifts back the probe run behind it (no tombstones). */
    private void deleteSlot(OutboundFlight f) {
        int mask = slots.length - 1;
        int hole = f.publish.packetId() & mask;
        while (slots[hole] != f) {
            hole = (hole + 1) & mask;
        }
        slots[hole] = null;
        for (int i = (hole + 1) & mask; slots[i] != null; i = (i + 1) & mask) {
            int home = slots[i].publish.packetId() & mask;
            // move slots[i] into the hole unless its home lies cyclically in (hole, i]
            boolean homeAfterHole = hole <= i ? hole < home && home <= i : hole < home || home <= i;
            if (!homeAfterHole) {
                slots[hole] = slots[i];
                slots[i] = null;
                hole = i;
            }
        }
    }

    private void resize(int capacity) {
        OutboundFlight[] old = slots;
        slots = new OutboundFlight[capacity];
        for (OutboundFlight f : old) {
            if (f != null) {
                insert(f);
            }
        }
    }
}
