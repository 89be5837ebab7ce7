package dev.midge.broker.subscription;

import dev.midge.broker.session.Session;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The members of one shared subscription group on one filter. Each message goes to one member,
 * round-robin, preferring members that are connected (spec 4.8.2). Members are a copy-on-write
 * array changed under the topic tree's lock; picking takes no lock.
 */
public final class SharedGroup {
    private static final Subscriber[] NONE = new Subscriber[0];
    private final String name;
    private final AtomicInteger next = new AtomicInteger();
    private volatile Subscriber[] members = NONE;

    SharedGroup(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    Subscriber[] members() {
        return members;
    }

    void members(Subscriber[] m) {
        members = m;
    }

    /**
     * The member to receive the next message, skipping {@code except} and members
     * {@code mayReceive} rejects (e.g. the ACL denies them the topic); null when there is none.
     */
    public Subscriber pick(Session except, Predicate<Session> mayReceive) {
        Subscriber[] m = members;
        int n = m.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        Subscriber fallback = null;
        for (int i = 0; i < n; i++) {
            Subscriber s = m[(start + i) % n];
            if (s.session() == except || !mayReceive.test(s.session())) {
                continue;
            }
            if (s.session().isOnline()) {
                return s;
            }
            if (fallback == null) {
                fallback = s;
            }
        }
        return fallback;
    }

    @Override
    public String toString() {
        return "$share/" + name + " " + Arrays.toString(members);
    }
}
