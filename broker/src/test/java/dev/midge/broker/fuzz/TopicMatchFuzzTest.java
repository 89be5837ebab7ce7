package dev.midge.broker.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.midge.broker.session.Session;
import dev.midge.broker.session.SessionLimits;
import dev.midge.broker.store.MemoryStore;
import dev.midge.broker.subscription.SharedGroup;
import dev.midge.broker.subscription.Subscriber;
import dev.midge.broker.subscription.TopicTree;
import dev.midge.broker.sys.BrokerMetrics;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import dev.midge.codec.wire.MalformedPacketException;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Differential test of the topic tree: after a fuzzed sequence of subscribes and unsubscribes, the
 * tree's answer for a fuzzed topic equals a naive reference matcher written from the spec
 * (section 4.7) over the same filters. Filters and topics that fail validation must be refused by
 * the parsers with MalformedPacketException, never crash them.
 */
class TopicMatchFuzzTest {
    private static final String[] LEVELS = {"a", "b", "", "+", "#", "$SYS", "$x", "ab", "a+", "#b"};

    private static String path(FuzzedDataProvider data, int maxLevels) {
        int n = data.consumeInt(1, maxLevels);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append('/');
            }
            s.append(data.consumeBoolean() ? data.pickValue(LEVELS) : data.consumeString(3));
        }
        return s.toString();
    }

    /** Spec 4.7: level by level; '+' one level, '#' the rest including the parent; no '$' under a leading wildcard. */
    static boolean reference(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    private static final EventLoop LOOP = new DefaultEventLoop();

    private static Session session(String id) {
        return new Session(id, 0, new SessionLimits(20, 100), new BrokerMetrics(), new MemoryStore(), LOOP);
    }

    @FuzzTest(maxDuration = "10m")
    void treeAgreesWithReference(FuzzedDataProvider data) {
        TopicTree tree = new TopicTree();
        List<String> live = new ArrayList<>();
        List<Subscriber> subscribers = new ArrayList<>();
        int ops = data.consumeInt(0, 30);
        for (int i = 0; i < ops; i++) {
            String filter = path(data, 6);
            TopicFilter parsed;
            try {
                parsed = TopicFilter.of(filter);
            } catch (MalformedPacketException refused) {
                continue;
            }
            if (data.consumeBoolean() || live.isEmpty()) {
                // one session per subscription: a session has one subscription per filter
                Subscriber s = new Subscriber(session("s" + i), new Subscription(filter, Qos.AT_MOST_ONCE, false,
                        false, 0), i);
                tree.subscribe(parsed, s);
                live.add(filter);
                subscribers.add(s);
            } else {
                int k = data.consumeInt(0, live.size() - 1);
                tree.unsubscribe(TopicFilter.of(live.get(k)), subscribers.get(k).session());
                live.remove(k);
                subscribers.remove(k);
            }
        }
        String topic = path(data, 7);
        Topic t;
        try {
            t = Topic.of(topic);
        } catch (MalformedPacketException refused) {
            return;
        }
        Set<Integer> expected = new HashSet<>();
        for (int k = 0; k < live.size(); k++) {
            if (reference(live.get(k), topic)) {
                expected.add(k);
            }
        }
        Set<Integer> got = new HashSet<>();
        tree.match(t, new TopicTree.Visitor() {
            @Override
            public void subscriber(Subscriber s) {
                got.add(subscribers.indexOf(s));
            }

            @Override
            public void shared(SharedGroup group) {
            }
        });
        if (!expected.equals(got)) {
            throw new AssertionError("topic '" + topic + "' over " + live + ": tree " + got + ", reference " + expected);
        }
    }
}
