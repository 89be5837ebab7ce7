package dev.midge.broker.retain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.broker.session.Message;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetainedMessagesTest {
    private static Message msg(String topic, String payload) {
        return Message.of(1, Publish.of(topic, payload.getBytes(), Qos.AT_MOST_ONCE, true), "publisher");
    }

    private static List<String> topics(RetainedMessages r, String filter) {
        List<String> out = new ArrayList<>();
        r.forEachMatching(TopicFilter.of(filter), p -> out.add(p.topic()));
        return out;
    }

    private static void put(RetainedMessages r, String topic, String payload) {
        r.retain(Topic.of(topic), msg(topic, payload));
    }

    @Test
    void forEachMatching_wildcardsAndSystemTopics() {
        RetainedMessages r = new RetainedMessages();
        for (String t : List.of("a", "a/b", "a/b/c", "a/c", "$SYS/x", "/lead")) {
            put(r, t, "v");
        }
        assertThat(topics(r, "a/#")).containsExactlyInAnyOrder("a", "a/b", "a/b/c", "a/c");
        assertThat(topics(r, "a/+")).containsExactlyInAnyOrder("a/b", "a/c");
        assertThat(topics(r, "+/+")).containsExactlyInAnyOrder("a/b", "a/c", "/lead");
        assertThat(topics(r, "#")).containsExactlyInAnyOrder("a", "a/b", "a/b/c", "a/c", "/lead");
        assertThat(topics(r, "$SYS/#")).containsExactly("$SYS/x");
        assertThat(topics(r, "a/b")).containsExactly("a/b");
    }

    @Test
    void retain_emptyPayload_clearsAndPrunes() {
        RetainedMessages r = new RetainedMessages();
        put(r, "x/y/z", "v");
        put(r, "x/y/z", "w");
        assertThat(r.size()).isEqualTo(1);
        put(r, "x/y/z", "");
        assertThat(r.size()).isZero();
        assertThat(topics(r, "#")).isEmpty();
        put(r, "x/y/z", "");
        assertThat(r.size()).isZero();
    }
}
