package dev.midge.broker.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.broker.session.Session;
import dev.midge.broker.session.SessionLimits;
import dev.midge.broker.sys.BrokerMetrics;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import io.netty.channel.DefaultEventLoop;
import java.util.ArrayList;
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
        return new Session(id, false, new SessionLimits(20, 100), new BrokerMetrics(), LOOP);
    }

    private static Map<String, Qos> match(TopicTree tree, String topic) {
        Map<String, Qos> out = new HashMap<>();
        tree.match(Topic.of(topic), (s, q) -> out.merge(s.clientId(), q, Qos::max));
        return out;
    }

    @Test
    void match_wildcardsAndSystemTopics() {
        TopicTree tree = new TopicTree();
        tree.subscribe(TopicFilter.of("a/b"), session("exact"), Qos.AT_LEAST_ONCE);
        tree.subscribe(TopicFilter.of("a/+"), session("plus"), Qos.AT_MOST_ONCE);
        tree.subscribe(TopicFilter.of("a/#"), session("hash"), Qos.EXACTLY_ONCE);
        tree.subscribe(TopicFilter.of("#"), session("all"), Qos.AT_MOST_ONCE);
        tree.subscribe(TopicFilter.of("$SYS/#"), session("sys"), Qos.AT_MOST_ONCE);
        assertThat(match(tree, "a/b").keySet()).containsExactlyInAnyOrder("exact", "plus", "hash", "all");
        assertThat(match(tree, "a").keySet()).containsExactlyInAnyOrder("hash", "all");
        assertThat(match(tree, "a/b/c").keySet()).containsExactlyInAnyOrder("hash", "all");
        assertThat(match(tree, "$SYS/broker/uptime").keySet()).containsExactly("sys");
    }

    @Test
    void subscribe_sameFilterTwice_replacesAndCountsOnce() {
        TopicTree tree = new TopicTree();
        Session s = session("s");
        assertThat(tree.subscribe(TopicFilter.of("x/+"), s, Qos.AT_MOST_ONCE)).isFalse();
        assertThat(tree.subscribe(TopicFilter.of("x/+"), s, Qos.EXACTLY_ONCE)).isTrue();
        assertThat(tree.size()).isEqualTo(1);
        assertThat(match(tree, "x/y")).containsEntry("s", Qos.EXACTLY_ONCE);
    }

    @Test
    void unsubscribe_last_prunesAndStopsMatching() {
        TopicTree tree = new TopicTree();
        Session s = session("s");
        tree.subscribe(TopicFilter.of("deep/a/b/c"), s, Qos.AT_MOST_ONCE);
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
            tree.subscribe(TopicFilter.of(s.filter()), sessions.computeIfAbsent(s.client(), TopicTreeTest::session),
                    Qos.AT_MOST_ONCE);
        }
        Set<String> expected = new HashSet<>();
        for (Sub s : subs) {
            if (TopicFilter.of(s.filter()).matches(Topic.of(topic))) {
                expected.add(s.client());
            }
        }
        List<String> visited = new ArrayList<>();
        tree.match(Topic.of(topic), (s, q) -> visited.add(s.clientId()));
        assertThat(new HashSet<>(visited)).isEqualTo(expected);
    }
}
