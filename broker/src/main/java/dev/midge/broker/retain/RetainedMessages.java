package dev.midge.broker.retain;

import dev.midge.broker.session.Message;
import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The retained message of every topic, in a trie by topic level so that a wildcard SUBSCRIBE
 * walks only the branches its filter can match. Shared by all event loops: reads take no lock,
 * writes serialise on this object and prune emptied branches.
 */
public final class RetainedMessages {
    private final Node root = new Node(null, null);
    private final AtomicInteger count = new AtomicInteger();

    /**
     * Stores {@code message} as the retained message of its topic, or clears the topic when the
     * payload is empty [MQTT-3.3.1-10] [MQTT-3.3.1-11].
     */
    public synchronized void retain(Topic topic, Message message) {
        if (message.publish().payload().length == 0) {
            clear(topic);
            return;
        }
        Node node = root;
        for (int i = 0; i < topic.levelCount(); i++) {
            Node parent = node;
            node = parent.children.computeIfAbsent(topic.level(i), l -> new Node(parent, l));
        }
        if (node.message == null) {
            count.incrementAndGet();
        }
        node.message = message;
    }

    private void clear(Topic topic) {
        Node node = root;
        for (int i = 0; i < topic.levelCount() && node != null; i++) {
            node = node.children.get(topic.level(i));
        }
        if (node == null || node.message == null) {
            return;
        }
        node.message = null;
        count.decrementAndGet();
        while (node.parent != null && node.message == null && node.children.isEmpty()) {
            node.parent.children.remove(node.level, node);
            node = node.parent;
        }
    }

    public int size() {
        return count.get();
    }

    /**
     * Calls {@code consumer} with every retained message whose topic {@code filter} matches.
     * Iterative, with an explicit stack: topics may have tens of thousands of levels.
     */
    public void forEachMatching(TopicFilter filter, Consumer<Message> consumer) {
        ArrayDeque<Node> nodes = new ArrayDeque<>();
        ArrayDeque<Integer> depths = new ArrayDeque<>();
        nodes.push(root);
        depths.push(0);
        while (!nodes.isEmpty()) {
            Node node = nodes.pop();
            int depth = depths.pop();
            if (depth == filter.levelCount()) {
                emit(node, consumer);
                continue;
            }
            String level = filter.level(depth);
            if (level.equals(TopicFilter.MULTI)) {
                // "a/#" matches "a" itself and everything below it; "#" at the root skips '$' topics
                if (depth > 0) {
                    emit(node, consumer);
                }
                node.children.forEach((l, child) -> {
                    if (depth > 0 || !l.startsWith("$")) {
                        all(child, consumer);
                    }
                });
            } else if (level.equals(TopicFilter.SINGLE)) {
                node.children.forEach((l, child) -> {
                    // [MQTT-4.7.2-1] a leading wildcard does not match '$' topics
                    if (depth > 0 || !l.startsWith("$")) {
                        nodes.push(child);
                        depths.push(depth + 1);
                    }
                });
            } else {
                Node child = node.children.get(level);
                if (child != null) {
                    nodes.push(child);
                    depths.push(depth + 1);
                }
            }
        }
    }

    private static void emit(Node node, Consumer<Message> consumer) {
        Message m = node.message;
        if (m != null) {
            consumer.accept(m);
        }
    }

    /** Every message at or below {@code start}. */
    private static void all(Node start, Consumer<Message> consumer) {
        ArrayDeque<Node> nodes = new ArrayDeque<>();
        nodes.push(start);
        while (!nodes.isEmpty()) {
            Node node = nodes.pop();
            emit(node, consumer);
            node.children.values().forEach(nodes::push);
        }
    }

    private static final class Node {
        final Node parent;
        final String level;
        final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
        volatile Message message;

        Node(Node parent, String level) {
            this.parent = parent;
            this.level = level;
        }
    }
}
