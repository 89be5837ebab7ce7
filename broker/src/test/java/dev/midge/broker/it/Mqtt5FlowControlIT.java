package dev.midge.broker.it;

import static dev.midge.broker.it.V5.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Pubrec;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Receive maximum and maximum packet size, both ways (spec 4.9, 3.1.2.11.4). */
class Mqtt5FlowControlIT {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(b -> b.maxInflightMessages(3).maxPacketSize(200));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void clientReceiveMaximum_brokerKeepsThatManyInFlight() throws IOException {
        try (RawClient sub = V5.client(broker); RawClient pub = V5.client(broker)) {
            sub.connect(connect("rm-sub", true, Properties.builder().put(Property.RECEIVE_MAXIMUM, 2).build()));
            sub.subscribe(1, "rm", Qos.AT_LEAST_ONCE);
            pub.connect(connect("rm-pub", true, Properties.EMPTY));
            for (int i = 1; i <= 5; i++) {
                pub.send(V5.publish("rm", "m" + i, Qos.AT_LEAST_ONCE, i, Properties.EMPTY));
                pub.receive(Puback.class);
            }
            Publish first = sub.receive(Publish.class);
            sub.receive(Publish.class);
            sub.assertNothingFor(Duration.ofMillis(300));
            sub.send(Puback.of(first.packetId()));
            assertThat(V5.text(sub.receive(Publish.class))).isEqualTo("m3");
            sub.assertNothingFor(Duration.ofMillis(200));
        }
    }

    @Test
    void brokerReceiveMaximumExceeded_disconnect0x93() throws IOException {
        try (RawClient pub = V5.client(broker)) {
            assertThat(pub.connect(connect("flood", true, Properties.EMPTY)).properties()
                    .integer(Property.RECEIVE_MAXIMUM)).isEqualTo(3);
            for (int i = 1; i <= 3; i++) {
                pub.send(V5.publish("q2", "m", Qos.EXACTLY_ONCE, i, Properties.EMPTY));
                pub.receive(Pubrec.class);
            }
            // a retransmission of an id in flight is not a new message
            pub.send(V5.publish("q2", "m", Qos.EXACTLY_ONCE, 2, Properties.EMPTY).withDup());
            pub.receive(Pubrec.class);
            pub.send(V5.publish("q2", "m", Qos.EXACTLY_ONCE, 4, Properties.EMPTY));
            assertThat(pub.receive(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED);
            pub.assertClosedWithin(Duration.ofSeconds(2));
        }
    }

    @Test
    void packetAboveBrokerMaximum_disconnect0x95() throws IOException {
        try (RawClient c = V5.client(broker)) {
            assertThat(c.connect(connect("big", true, Properties.EMPTY)).properties()
                    .fourByte(Property.MAXIMUM_PACKET_SIZE)).isEqualTo(200L);
            c.send(new Publish("t", new byte[300], Qos.AT_MOST_ONCE, false, false, 0, Properties.EMPTY));
            assertThat(c.receive(Disconnect.class).reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
        }
    }

    @Test
    void messageAboveClientMaximum_notSentAndCounted() throws IOException {
        try (RawClient sub = V5.client(broker); RawClient pub = V5.client(broker)) {
            sub.connect(connect("small", true, Properties.builder().put(Property.MAXIMUM_PACKET_SIZE, 50L).build()));
            sub.subscribe(1, "sz", Qos.AT_LEAST_ONCE);
            pub.connect(connect("sz-pub", true, Properties.EMPTY));
            long droppedBefore = broker.broker.context().metrics().publishDroppedCount();
            pub.send(new Publish("sz", new byte[100], Qos.AT_LEAST_ONCE, false, false, 1, Properties.EMPTY));
            pub.receive(Puback.class);
            pub.send(new Publish("sz", new byte[10], Qos.AT_LEAST_ONCE, false, false, 2, Properties.EMPTY));
            pub.receive(Puback.class);
            Publish p = sub.receive(Publish.class);
            assertThat(p.payload()).hasSize(10);
            assertThat(broker.broker.context().metrics().publishDroppedCount()).isEqualTo(droppedBefore + 1);
        }
    }
}
