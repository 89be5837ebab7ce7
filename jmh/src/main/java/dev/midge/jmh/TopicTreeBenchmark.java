package dev.midge.jmh;

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
import io.netty.channel.DefaultEventLoop;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matching a topic against a tree of a million subscriptions (1,000 sessions x 1,000 filters:
 * exact device topics, a '+' per site, some '#'), and the same while other threads subscribe and
 * unsubscribe (copy-on-write subscriber arrays, lock-free reads).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class TopicTreeBenchmark {
    @Param({"1000000"})
    public int subscriptions;

    private TopicTree tree;
    private Session[] sessions;
    private DefaultEventLoop loop;
    private Topic[] topics;
    private static final TopicTree.Visitor COUNT = new TopicTree.Visitor() {
        @Override
        public void subscriber(Subscriber s) {
        }

        @Override
        public void shared(SharedGroup group) {
        }
    };

    @Setup(Level.Trial)
    public void build() {
        loop = new DefaultEventLoop();
        tree = new TopicTree();
        sessions = new Session[1000];
        for (int s = 0; s < sessions.length; s++) {
            sessions[s] = new Session("c" + s, 0, new SessionLimits(20, 100), new BrokerMetrics(), new MemoryStore(),
                    loop);
        }
        for (int i = 0; i < subscriptions; i++) {
            String filter = switch (i % 100) {
                case 0 -> "site/" + (i % 1000) + "/+/status";
                case 1 -> "site/" + (i % 1000) + "/#";
                default -> "site/" + (i % 1000) + "/dev/" + i;
            };
            subscribe(filter, i);
        }
        topics = new Topic[4096];
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < topics.length; i++) {
            int dev = r.nextInt(subscriptions);
            topics[i] = Topic.of("site/" + (dev % 1000) + "/dev/" + dev);
        }
    }

    private void subscribe(String filter, int i) {
        Session s = sessions[i % sessions.length];
        tree.subscribe(TopicFilter.of(filter),
                new Subscriber(s, new Subscription(filter, Qos.AT_MOST_ONCE, false, false, 0), 0));
    }

    @TearDown(Level.Trial)
    public void stop() {
        loop.shutdownGracefully();
    }

    @Benchmark
    public void match() {
        tree.match(topics[ThreadLocalRandom.current().nextInt(topics.length)], COUNT);
    }

    @Benchmark
    @Group("churn")
    @GroupThreads(3)
    public void matchWhileChurning() {
        tree.match(topics[ThreadLocalRandom.current().nextInt(topics.length)], COUNT);
    }

    @Benchmark
    @Group("churn")
    @GroupThreads(1)
    public void subscribeUnsubscribe() {
        int i = ThreadLocalRandom.current().nextInt(subscriptions);
        String filter = "site/" + (i % 1000) + "/churn/" + i;
        Session s = sessions[i % sessions.length];
        tree.subscribe(TopicFilter.of(filter), new Subscriber(s, new Subscription(filter, Qos.AT_MOST_ONCE, false,
                false, 0), 0));
        tree.unsubscribe(TopicFilter.of(filter), s);
    }
}
