package dev.midge.broker.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.broker.session.Session;
import dev.midge.broker.session.SessionLimits;
import dev.midge.broker.store.MemoryStore;
import dev.midge.broker.sys.BrokerMetrics;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import io.netty.channel.DefaultEventLoop;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TopicTreeTest {
    private static final DefaultEventLoop LOOP = new DefaultEventLoop();

    private static Session session(String id) {
        return new Session(id, 0, new SessionLimits(20, 100), new BrokerMetrics(), new MemoryStore(), LOOP);
    }

    private static boolean subscribe(TopicTree tree, String filter, Session s, Qos qos) {
        return tree.subscribe(TopicFilter.of(filter), new Subscriber(s, Subscription.of(filter, qos), 0));
    }

    /** Each plain subscriber's highest QoS, and shared groups by name. */
    private static Map<String, Qos> match(TopicTree tree, String topic) {
        Map<String, Qos> out = new HashMap<>();
        tree.match(Topic.of(topic), new TopicTree.Visitor() {
            @Override
            public void subscriber(Subscriber s) {
                out.merge(s.session().clientId(), s.options().qos(), Qos::max);
            }

            @Override
            public void shared(SharedGroup group) {
                out.put("$share/" + group.name(), Qos.AT_MOST_ONCE);
            }
        });
        return out;
    }

    @Test
    void match_wildcardsAndSystemTopics() {
        TopicTree tree = new TopicTree();
        subscribe(tree, "a/b", session("exact"), Qos.AT_LEAST_ONCE);
        subscribe(tree, "a/+", session("plus"), Qos.AT_MOST_ONCE);
        subscribe(tree, "a/#", session("hash"), Qos.EXACTLY_ONCE);
        subscribe(tree, "#", session("all"), Qos.AT_MOST_ONCE);
        subscribe(tree, "$SYS/#", session("sys"), Qos.AT_MOST_ONCE);
        assertThat(match(tree, "a/b").keySet()).containsExactlyInAnyOrder("exact", "plus", "hash", "all");
        assertThat(match(tree, "a").keySet()).containsExactlyInAnyOrder("hash", "all");
        assertThat(match(tree, "a/b/c").keySet()).containsExactlyInAnyOrder("hash", "all");
        assertThat(match(tree, "$SYS/broker/uptime").keySet()).containsExactly("sys");
    }

    @Test
    void subscribe_sameFilterTwice_replacesAndCountsOnce() {
        TopicTree tree = new TopicTree();
        Session s = session("s");
        assertThat(subscribe(tree, "x/+", s, Qos.AT_MOST_ONCE)).isFalse();
        assertThat(subscribe(tree, "x/+", s, Qos.EXACTLY_ONCE)).isTrue();
        assertThat(tree.size()).isEqualTo(1);
        assertThat(match(tree, "x/y")).containsEntry("s", Qos.EXACTLY_ONCE);
    }

    @Test
    void unsubscribe_last_prunesAndStopsMatching() {
        TopicTree tree = new TopicTree();
        Session s = session("s");
        subscribe(tree, "deep/a/b/c", s, Qos.AT_MOST_ONCE);
        assertThat(tree.unsubscribe(TopicFilter.of("deep/a/b/c"), s)).isTrue();
        assertThat(tree.unsubscribe(TopicFilter.of("deep/a/b/c"), s)).isFalse();
        assertThat(tree.size()).isZero();
        assertThat(match(tree, "deep/a/b/c")).isEmpty();
    }

    record Sub(String client, String filter) {
    }

    @Provide
    Arbitrary<List<Sub>> subscriptions() {
        Arbitrary<String> level = Arbitraries.of("a", "b", "", "$s", "+", "#");
        Arbitrary<String> filter = level.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l))
                .filter(TopicTreeTest::validFilter);
        return Combinators.combine(Arbitraries.of("c1", "c2", "c3"), filter).as(Sub::new).list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<String> topics() {
        return Arbitraries.of("a", "b", "", "$s").list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("/", l))
                .filter(t -> !t.isEmpty());
    }

    private static boolean validFilter(String f) {
        try {
            TopicFilter.of(f);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Differential oracle: the tree's answer equals checking every filter one by one. */
    @Property(tries = 500)
    void match_equalsNaiveMatcher(@ForAll("subscriptions") List<Sub> subs, @ForAll("topics") String topic) {
        TopicTree tree = new TopicTree();
        Map<String, Session> sessions = new HashMap<>();
        for (Sub s : subs) {
            subscribe(tree, s.filter(), sessions.computeIfAbsent(s.client(), TopicTreeTest::session),
                    Qos.AT_MOST_ONCE);
        }
        Set<String> expected = new HashSet<>();
        for (Sub s : subs) {
            if (TopicFilter.of(s.filter()).matches(Topic.of(topic))) {
                expected.add(s.client());
            }
        }
        assertThat(match(tree, topic).keySet()).isEqualTo(expected);
    }
}
