package dev.midge.broker.it;

import static dev.midge.broker.it.V5.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Topic aliases both ways (spec 3.3.2.3.4). */
class Mqtt5TopicAliasIT {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(b -> b.maxTopicAlias(3));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static Properties alias(int a) {
        return Properties.builder().put(Property.TOPIC_ALIAS, a).build();
    }

    @Test
    void inbound_aliasSetThenUsedWithEmptyTopic_routedToRealTopic() throws IOException {
        try (RawClient sub = V5.client(broker); RawClient pub = V5.client(broker)) {
            sub.connect(connect("al-sub", true, Properties.EMPTY));
            sub.subscribe(1, "long/topic/name", Qos.AT_MOST_ONCE);
            pub.connect(connect("al-pub", true, Properties.EMPTY));
            pub.send(V5.publish("long/topic/name", "first", Qos.AT_MOST_ONCE, 0, alias(2)));
            pub.send(V5.publish("", "second", Qos.AT_MOST_ONCE, 0, alias(2)));
            Publish a = sub.receive(Publish.class);
            Publish b = sub.receive(Publish.class);
            assertThat(a.topic()).isEqualTo("long/topic/name");
            assertThat(b.topic()).isEqualTo("long/topic/name");
            assertThat(V5.text(b)).isEqualTo("second");
            // the subscriber allowed no aliases: none are sent to it [MQTT-3.3.2-10]
            assertThat(b.properties().integer(Property.TOPIC_ALIAS)).isNull();
        }
    }

    private void assertDisconnected(Publish p, int reason) throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("al-bad", true, Properties.EMPTY));
            c.send(p);
            assertThat(c.receive(Disconnect.class).reasonCode()).isEqualTo(reason);
        }
    }

    @Test
    void inbound_aliasZero_topicAliasInvalid() throws IOException {
        assertDisconnected(V5.publish("t", "x", Qos.AT_MOST_ONCE, 0, alias(0)), ReasonCode.TOPIC_ALIAS_INVALID);
    }

    @Test
    void inbound_aliasAboveMaximum_topicAliasInvalid() throws IOException {
        assertDisconnected(V5.publish("t", "x", Qos.AT_MOST_ONCE, 0, alias(4)), ReasonCode.TOPIC_ALIAS_INVALID);
    }

    @Test
    void inbound_unknownAliasWithEmptyTopic_protocolError() throws IOException {
        assertDisconnected(V5.publish("", "x", Qos.AT_MOST_ONCE, 0, alias(1)), ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void inbound_aliasesForgottenWithConnection() throws IOException {
        try (RawClient c = V5.client(broker)) {
            c.connect(connect("al-forget", true, Properties.EMPTY));
            c.send(V5.publish("t", "x", Qos.AT_MOST_ONCE, 0, alias(1)));
            c.send(Disconnect.NORMAL);
        }
        assertDisconnected(V5.publish("", "x", Qos.AT_MOST_ONCE, 0, alias(1)), ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void outbound_clientAllowsAliases_repeatedTopicSentAsAlias() throws IOException {
        try (RawClient sub = V5.client(broker); RawClient pub = V5.client(broker)) {
            sub.connect(connect("alias-out", true,
                    Properties.builder().put(Property.TOPIC_ALIAS_MAXIMUM, 1).build()));
            sub.subscribe(1, "out/#", Qos.AT_MOST_ONCE);
            pub.connect(connect("alias-pub", true, Properties.EMPTY));
            pub.send(V5.publish("out/a", "1", Qos.AT_MOST_ONCE, 0, Properties.EMPTY));
            pub.send(V5.publish("out/a", "2", Qos.AT_MOST_ONCE, 0, Properties.EMPTY));
            pub.send(V5.publish("out/b", "3", Qos.AT_MOST_ONCE, 0, Properties.EMPTY));
            Publish first = sub.receive(Publish.class);
            Publish second = sub.receive(Publish.class);
            Publish third = sub.receive(Publish.class);
            assertThat(first.topic()).isEqualTo("out/a");
            assertThat(first.properties().integer(Property.TOPIC_ALIAS)).isEqualTo(1);
            assertThat(second.topic()).isEmpty();
            assertThat(second.properties().integer(Property.TOPIC_ALIAS)).isEqualTo(1);
            // the client's maximum is 1: a second topic goes out in full, without an alias
            assertThat(third.topic()).isEqualTo("out/b");
            assertThat(third.properties().integer(Property.TOPIC_ALIAS)).isNull();
        }
    }
}
