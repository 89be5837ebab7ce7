package dev.midge.broker.subscription;

import dev.midge.broker.session.Session;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Every subscription of every session, indexed by filter level. The one structure all event
 * loops share (DESIGN.md rule 4): {@link #match} takes no lock and sees each node's subscriber
 * array as an immutable snapshot (copy-on-write); subscribe and unsubscribe serialise on the tree
 * and prune nodes that become empty.
 */
public final class TopicTree {
    private final Node root = new Node(null, null);
    private final AtomicInteger count = new AtomicInteger();

    /**
     * Adds or replaces the session's subscription to {@code filter}.
     *
     * @return true when the session already had a subscription to this filter (it was replaced)
     */
    public synchronized boolean subscribe(TopicFilter filter, Session session, Qos qos) {
        Node node = root;
        for (int i = 0; i < filter.levelCount(); i++) {
            String level = filter.level(i);
            Node parent = node;
            node = parent.children.computeIfAbsent(level, l -> new Node(parent, l));
        }
        Subscriber[] subs = node.subscribers;
        for (int i = 0; i < subs.length; i++) {
            if (subs[i].session() == session) {
                Subscriber[] copy = subs.clone();
                copy[i] = new Subscriber(session, qos);
                node.subscribers = copy;
                return true;
            }
        }
        Subscriber[] copy = Arrays.copyOf(subs, subs.length + 1);
        copy[subs.length] = new Subscriber(session, qos);
        node.subscribers = copy;
        count.incrementAndGet();
        return false;
    }

    /** Removes the session's subscription to {@code filter}; returns whether there was one. */
    public synchronized boolean unsubscribe(TopicFilter filter, Session session) {
        Node node = root;
        for (int i = 0; i < filter.levelCount() && node != null; i++) {
            node = node.children.get(filter.level(i));
        }
        if (node == null) {
            return false;
        }
        Subscriber[] subs = node.subscribers;
        for (int i = 0; i < subs.length; i++) {
            if (subs[i].session() == session) {
                Subscriber[] copy = new Subscriber[subs.length - 1];
                System.arraycopy(subs, 0, copy, 0, i);
                System.arraycopy(subs, i + 1, copy, i, subs.length - i - 1);
                node.subscribers = copy;
                count.decrementAndGet();
                prune(node);
                return true;
            }
        }
        return false;
    }

    private void prune(Node node) {
        while (node.parent != null && node.subscribers.length == 0 && node.children.isEmpty()) {
            node.parent.children.remove(node.level, node);
            node = node.parent;
        }
    }

    /** The number of subscriptions held, over all sessions. */
    public int size() {
        return count.get();
    }

    /**
     * Calls {@code visitor} once per matching subscription (a session with overlapping
     * subscriptions is visited once per matching filter; the router merges them).
     */
    public void match(Topic topic, BiConsumer<Session, Qos> visitor) {
        match(root, topic, 0, visitor);
    }

    private static void match(Node node, Topic topic, int depth, BiConsumer<Session, Qos> visitor) {
        boolean systemRoot = depth == 0 && topic.isSystem();
        if (!systemRoot) {
            // [MQTT-4.7.2-1] wildcards at the first level do not match topics starting with '$'
            Node multi = node.children.get(TopicFilter.MULTI);
            if (multi != null) {
                // "a/#" matches "a" as well as everything below it [spec 4.7.1.2]
                visit(multi, visitor);
            }
        }
        if (depth == topic.levelCount()) {
            visit(node, visitor);
            return;
        }
        Node exact = node.children.get(topic.level(depth));
        if (exact != null) {
            match(exact, topic, depth + 1, visitor);
        }
        if (!systemRoot) {
            Node single = node.children.get(TopicFilter.SINGLE);
            if (single != null) {
                match(single, topic, depth + 1, visitor);
            }
        }
    }

    private static void visit(Node node, BiConsumer<Session, Qos> visitor) {
        for (Subscriber s : node.subscribers) {
            visitor.accept(s.session(), s.qos());
        }
    }

    private static final class Node {
        private static final Subscriber[] NONE = new Subscriber[0];

        final Node parent;
        final String level;
        final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
        /** Replaced, never modified: readers iterate a snapshot. */
        volatile Subscriber[] subscribers = NONE;

        Node(Node parent, String level) {
            this.parent = parent;
            this.level = level;
        }
    }
}
