package dev.midge.broker.it;

import static dev.midge.broker.it.V5.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bounded memory: max_queued_bytes per session, and the broker-wide budget for queued and
 * inflight payload bytes (message_memory_limit): MQTT 5 publishers get 0x97, 3.1.1 publishers
 * are paused until subscribers drain.
 */
class MemoryBoundsIT {
    private static final byte[] KB = new byte[1000];

    private static void parkSubscriber(TestBroker broker, String id) throws IOException {
        try (RawClient sub = new RawClient(broker.port())) {
            sub.connect(id, false);
            sub.subscribe(1, "flood", Qos.AT_LEAST_ONCE);
            sub.send(Disconnect.NORMAL);
            sub.assertClosedWithin(Duration.ofSeconds(2));
        }
    }

    @Test
    void maxQueuedBytes_offlineQueueKeepsWhatFits() throws IOException {
        try (TestBroker broker = TestBroker.start(b -> b.maxQueuedBytes(3500))) {
            parkSubscriber(broker, "bytes-sub");
            try (RawClient pub = new RawClient(broker.port())) {
                pub.connect("bytes-pub", true);
                for (int i = 1; i <= 10; i++) {
                    pub.send(new Publish("flood", KB, Qos.AT_LEAST_ONCE, false, false, i, Properties.EMPTY));
                    pub.receive(Puback.class);
                }
            }
            try (RawClient sub = new RawClient(broker.port())) {
                sub.connect("bytes-sub", false);
                for (int i = 0; i < 3; i++) {
                    sub.send(Puback.of(sub.receive(Publish.class).packetId()));
                }
                sub.assertNothingFor(Duration.ofMillis(300));
            }
            assertThat(broker.broker.context().metrics().publishDroppedCount()).isEqualTo(7);
            // counted per client too (and logged once per run of drops, in Mosquitto's words)
            assertThat(broker.broker.context().sessions().get("bytes-sub").droppedMessages()).isEqualTo(7);
        }
    }

    // The budget counts a message's bytes when it is routed, on the publisher's loop, so the
    // point where it turns full is exact.

    @Test
    void budgetFull_mqtt5Publisher_quotaExceeded() throws IOException {
        try (TestBroker broker = TestBroker.start(b -> b.messageMemoryLimit(5000))) {
            parkSubscriber(broker, "budget-sub5");
            try (RawClient pub = V5.client(broker)) {
                pub.connect(connect("budget-pub5", true, Properties.EMPTY));
                int accepted = 0;
                for (int i = 1; i <= 12; i++) {
                    pub.send(new Publish("flood", KB, Qos.AT_LEAST_ONCE, false, false, i, Properties.EMPTY));
                    if (pub.receive(Puback.class).reasonCode() != ReasonCode.QUOTA_EXCEEDED) {
                        accepted++;
                    }
                }
                assertThat(accepted).isEqualTo(5);
                assertThat(broker.broker.context().sessionLimits().budget().used()).isEqualTo(accepted * 1000L);
            }
        }
    }

    @Test
    void budgetFull_mqtt311Publisher_pausedUntilSubscriberDrains() throws IOException {
        try (TestBroker broker = TestBroker.start(b -> b.messageMemoryLimit(5000))) {
            parkSubscriber(broker, "budget-sub3");
            try (RawClient pub = new RawClient(broker.port())) {
                pub.connect("budget-pub3", true);
                int sent = 0;
                boolean paused = false;
                while (!paused && sent < 12) {
                    sent++;
                    pub.send(new Publish("flood", KB, Qos.AT_LEAST_ONCE, false, false, sent, Properties.EMPTY));
                    paused = pub.receive(Duration.ofMillis(500)) == null;
                }
                // 3.1.1 cannot say no: the socket is no longer read, the message waits unacknowledged
                assertThat(paused).isTrue();
                assertThat(sent).isEqualTo(7); // the sixth filled it; the seventh waits unread
                pub.send(new Publish("flood", KB, Qos.AT_LEAST_ONCE, false, false, sent + 1, Properties.EMPTY));
                try (RawClient sub = new RawClient(broker.port())) {
                    sub.connect("budget-sub3", false);
                    for (int i = 0; i < sent + 1; i++) {
                        sub.send(Puback.of(sub.receive(Publish.class).packetId()));
                    }
                }
                assertThat(pub.receive(Puback.class).packetId()).isEqualTo(sent);
                assertThat(pub.receive(Puback.class).packetId()).isEqualTo(sent + 1);
            }
        }
    }
}
