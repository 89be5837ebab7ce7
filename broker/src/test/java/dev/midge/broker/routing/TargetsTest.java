package dev.midge.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.broker.session.Session;
import dev.midge.broker.session.SessionLimits;
import dev.midge.broker.store.MemoryStore;
import dev.midge.broker.subscription.Subscriber;
import dev.midge.broker.sys.BrokerMetrics;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import io.netty.channel.DefaultEventLoop;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetsTest {
    private static final DefaultEventLoop LOOP = new DefaultEventLoop();

    private static Session session(String id) {
        return new Session(id, 0, new SessionLimits(20, 100), new BrokerMetrics(), new MemoryStore(), LOOP);
    }

    /**
     * Each session subscribed twice (QoS 0 with identifier i, then QoS i % 3 with identifier
     * 1000 + i), the second round in reverse: one target per session, in first-match order, at the
     * higher QoS, with both identifiers. Below and above the count where the index takes over.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, Targets.SCAN_LIMIT, Targets.SCAN_LIMIT + 1, 50})
    void oneTargetPerSession_mergedInFirstMatchOrder(int sessions) {
        List<Session> all = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            all.add(session("s" + i));
        }
        Targets targets = new Targets();
        for (int i = 0; i < sessions; i++) {
            targets.add(new Subscriber(all.get(i), Subscription.of("a/+", Qos.AT_MOST_ONCE), i + 1));
        }
        for (int i = sessions - 1; i >= 0; i--) {
            targets.add(new Subscriber(all.get(i), Subscription.of("a/#", Qos.of(i % 3)), 1000 + i));
        }
        assertThat(targets.size()).isEqualTo(sessions);
        for (int i = 0; i < sessions; i++) {
            Targets.Target t = targets.get(i);
            assertThat(t.session).isSameAs(all.get(i));
            assertThat(t.qos).isEqualTo(Qos.of(i % 3));
            assertThat(t.ids).containsExactly(i + 1, 1000 + i);
        }
        assertThat(targets.groups()).isEmpty();
    }
}
