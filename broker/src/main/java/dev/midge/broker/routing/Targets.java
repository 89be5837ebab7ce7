package dev.midge.broker.routing;

import dev.midge.broker.session.Session;
import dev.midge.broker.subscription.SharedGroup;
import dev.midge.broker.subscription.Subscriber;
import dev.midge.codec.packet.Qos;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The sessions one message goes to, each with the merge of its matching subscriptions, in the
 * order they matched, and the shared groups it goes to. Built once per routed message on the publisher's loop, so it is sized for
 * the common case: most messages match a few sessions, found by a linear scan; an identity index
 * is built only past {@link #SCAN_LIMIT} of them (a hash map per message was ~20 % of a routed
 * message's garbage in the fan-in benchmark's allocation profile).
 */
final class Targets {
    static final int SCAN_LIMIT = 8;

    private Target[] targets = new Target[2];
    private int size;
    /** Session to target, once there are more than {@link #SCAN_LIMIT} targets. */
    private IdentityHashMap<Session, Target> index;
    /** Matching shared groups (each gets the message once, for one member); null while none. */
    private List<SharedGroup> groups;

    /** Merges a matching subscription into its session's target. */
    void add(Subscriber s) {
        targetOf(s.session()).merge(s);
    }

    void add(SharedGroup group) {
        if (groups == null) {
            groups = new ArrayList<>(2);
        }
        groups.add(group);
    }

    List<SharedGroup> groups() {
        return groups == null ? List.of() : groups;
    }

    int size() {
        return size;
    }

    Target get(int i) {
        return targets[i];
    }

    private Target targetOf(Session session) {
        if (index != null) {
            Target t = index.get(session);
            return t != null ? t : append(session);
        }
        for (int i = 0; i < size; i++) {
            if (targets[i].session == session) {
                return targets[i];
            }
        }
        Target t = append(session);
        if (size > SCAN_LIMIT) {
            index = new IdentityHashMap<>(size * 2);
            for (int i = 0; i < size; i++) {
                index.put(targets[i].session, targets[i]);
            }
        }
        return t;
    }

    private Target append(Session session) {
        if (size == targets.length) {
            targets = Arrays.copyOf(targets, size * 2);
        }
        Target t = new Target(session);
        targets[size++] = t;
        if (index != null) {
            index.put(session, t);
        }
        return t;
    }

    /** The merged view of one session's matching subscriptions. */
    static final class Target {
        final Session session;
        Qos qos = Qos.AT_MOST_ONCE;
        boolean retainAsPublished;
        /** The subscription identifiers, null when none of them has one. */
        List<Integer> ids;

        private Target(Session session) {
            this.session = session;
        }

        private void merge(Subscriber s) {
            qos = Qos.max(qos, s.options().qos());
            retainAsPublished |= s.options().retainAsPublished();
            if (s.subscriptionId() != 0) {
                if (ids == null) {
                    ids = new ArrayList<>(2);
                }
                ids.add(s.subscriptionId());
            }
        }
    }
}
