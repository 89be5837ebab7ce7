package dev.midge.broker.subscription;

import dev.midge.broker.session.Session;
import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every subscription of every session, indexed by filter level, with shared-subscription groups
 * at the node of their filter. The one structure all event loops share (DESIGN.md rule 4):
 * {@link #match} takes no lock and sees each node's subscriber array as an immutable snapshot
 * (copy-on-write); subscribe and unsubscribe serialise on the tree and prune emptied nodes.
 */
public final class TopicTree {
    private final Node root = new Node(null, null);
    private final AtomicInteger count = new AtomicInteger();

    /** What {@link #match} reports: plain subscriptions one by one, shared groups as groups. */
    public interface Visitor {
        void subscriber(Subscriber s);

        void shared(SharedGroup group);
    }

    /**
     * Adds or replaces the session's subscription to {@code filter}.
     *
     * @return true when the session already had a subscription to this filter (it was replaced)
     */
    public synchronized boolean subscribe(TopicFilter filter, Subscriber sub) {
        Node node = nodeFor(filter);
        Subscriber[] before = node.subscribers;
        node.subscribers = upsert(before, sub);
        return counted(before, node.subscribers);
    }

    /** Adds or replaces the session's membership of a shared group; true when it replaced one. */
    public synchronized boolean subscribeShared(SharedFilter shared, Subscriber sub) {
        Node node = nodeFor(shared.filter());
        SharedGroup group = node.shared().computeIfAbsent(shared.group(), SharedGroup::new);
        Subscriber[] before = group.members();
        group.members(upsert(before, sub));
        return counted(before, group.members());
    }

    private Node nodeFor(TopicFilter filter) {
        Node node = root;
        for (int i = 0; i < filter.levelCount(); i++) {
            Node parent = node;
            node = parent.children.computeIfAbsent(filter.level(i), l -> new Node(parent, l));
        }
        return node;
    }

    private boolean counted(Subscriber[] before, Subscriber[] after) {
        if (after.length > before.length) {
            count.incrementAndGet();
            return false;
        }
        return true;
    }

    private static Subscriber[] upsert(Subscriber[] subs, Subscriber sub) {
        for (int i = 0; i < subs.length; i++) {
            if (subs[i].session() == sub.session()) {
                Subscriber[] copy = subs.clone();
                copy[i] = sub;
                return copy;
            }
        }
        Subscriber[] copy = Arrays.copyOf(subs, subs.length + 1);
        copy[subs.length] = sub;
        return copy;
    }

    /** Removes the session's subscription to {@code filter}; returns whether there was one. */
    public synchronized boolean unsubscribe(TopicFilter filter, Session session) {
        Node node = find(filter);
        if (node == null) {
            return false;
        }
        Subscriber[] after = remove(node.subscribers, session);
        if (after == null) {
            return false;
        }
        node.subscribers = after;
        count.decrementAndGet();
        prune(node);
        return true;
    }

    /** Removes the session from a shared group; returns whether it was a member. */
    public synchronized boolean unsubscribeShared(SharedFilter shared, Session session) {
        Node node = find(shared.filter());
        SharedGroup group = node == null || node.shared == null ? null : node.shared.get(shared.group());
        if (group == null) {
            return false;
        }
        Subscriber[] after = remove(group.members(), session);
        if (after == null) {
            return false;
        }
        group.members(after);
        if (after.length == 0) {
            node.shared.remove(shared.group(), group);
        }
        count.decrementAndGet();
        prune(node);
        return true;
    }

    private Node find(TopicFilter filter) {
        Node node = root;
        for (int i = 0; i < filter.levelCount() && node != null; i++) {
            node = node.children.get(filter.level(i));
        }
        return node;
    }

    /** The array without the session's entry, or null when it had none. */
    private static Subscriber[] remove(Subscriber[] subs, Session session) {
        for (int i = 0; i < subs.length; i++) {
            if (subs[i].session() == session) {
                Subscriber[] copy = new Subscriber[subs.length - 1];
                System.arraycopy(subs, 0, copy, 0, i);
                System.arraycopy(subs, i + 1, copy, i, subs.length - i - 1);
                return copy;
            }
        }
        return null;
    }

    private void prune(Node node) {
        while (node.parent != null && node.isEmpty()) {
            node.parent.children.remove(node.level, node);
            node = node.parent;
        }
    }

    /** The number of subscriptions held, shared memberships included, over all sessions. */
    public int size() {
        return count.get();
    }

    /**
     * Reports every subscription and shared group whose filter matches {@code topic}. Iterative,
     * with an explicit stack: a topic may have tens of thousands of levels. The stack is two plain
     * arrays (node, depth), not deques of boxed depths: it is built for every routed message.
     */
    public void match(Topic topic, Visitor visitor) {
        Node[] nodes = new Node[4]; // a topic with no '+' filters on its path never holds more than one
        int[] depths = new int[4];
        int top = 0;
        nodes[top] = root;
        depths[top++] = 0;
        while (top > 0) {
            Node node = nodes[--top];
            int depth = depths[top];
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
                continue;
            }
            Node exact = node.children.get(topic.level(depth));
            Node single = systemRoot ? null : node.children.get(TopicFilter.SINGLE);
            if (top + 2 > nodes.length) {
                nodes = Arrays.copyOf(nodes, nodes.length * 2);
                depths = Arrays.copyOf(depths, depths.length * 2);
            }
            if (exact != null) {
                nodes[top] = exact;
                depths[top++] = depth + 1;
            }
            if (single != null) {
                nodes[top] = single;
                depths[top++] = depth + 1;
            }
        }
    }

    private static void visit(Node node, Visitor visitor) {
        for (Subscriber s : node.subscribers) {
            visitor.subscriber(s);
        }
        ConcurrentHashMap<String, SharedGroup> groups = node.shared;
        if (groups != null) {
            groups.values().forEach(visitor::shared);
        }
    }

    private static final class Node {
        private static final Subscriber[] NONE = new Subscriber[0];

        final Node parent;
        final String level;
        final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
        /** Replaced, never modified: readers iterate a snapshot. */
        volatile Subscriber[] subscribers = NONE;
        /** Created on the first shared subscription at this node. */
        volatile ConcurrentHashMap<String, SharedGroup> shared;

        Node(Node parent, String level) {
            this.parent = parent;
            this.level = level;
        }

        ConcurrentHashMap<String, SharedGroup> shared() {
            if (shared == null) {
                shared = new ConcurrentHashMap<>(2);
            }
            return shared;
        }

        boolean isEmpty() {
            return subscribers.length == 0 && children.isEmpty() && (shared == null || shared.isEmpty());
        }
    }
}
