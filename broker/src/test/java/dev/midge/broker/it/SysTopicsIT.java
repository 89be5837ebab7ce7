package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mosquitto's $SYS/broker topics, published as retained messages every sys_interval. */
class SysTopicsIT {
    @Test
    void sysTopics_publishedWithCounts() throws IOException {
        try (TestBroker broker = TestBroker.start(b -> b.sysInterval(1));
             RawClient c = new RawClient(broker.port())) {
            c.connect("sys-reader", true);
            c.subscribe(1, "counted/topic", Qos.AT_MOST_ONCE);
            c.send(Publish.of("counted/retained", "r".getBytes(), Qos.AT_MOST_ONCE, true));
            c.subscribe(2, "$SYS/broker/#", Qos.AT_MOST_ONCE);
            Map<String, String> seen = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            // Values are republished when they change; wait for the ones this client caused.
            while (System.nanoTime() < deadline && !(
                    "1".equals(seen.get("$SYS/broker/clients/connected"))
                    && "2".equals(seen.get("$SYS/broker/subscriptions/count"))
                    && !"0".equals(seen.getOrDefault("$SYS/broker/retained messages/count", "0")))) {
                Publish p = c.receive(Publish.class);
                seen.put(p.topic(), new String(p.payload(), StandardCharsets.UTF_8));
            }
            assertThat(seen.get("$SYS/broker/version")).startsWith("midge version ");
            assertThat(seen.get("$SYS/broker/uptime")).endsWith(" seconds");
            assertThat(seen.get("$SYS/broker/clients/connected")).isEqualTo("1");
            assertThat(seen.get("$SYS/broker/subscriptions/count")).isEqualTo("2");
            assertThat(seen).containsKeys("$SYS/broker/messages/received", "$SYS/broker/messages/sent",
                    "$SYS/broker/retained messages/count", "$SYS/broker/clients/total",
                    "$SYS/broker/publish/messages/received");
            // our retained message counts (and, once published, the retained $SYS values themselves,
            // as in Mosquitto: which comes first depends on timing)
            assertThat(Integer.parseInt(seen.get("$SYS/broker/retained messages/count"))).isGreaterThanOrEqualTo(1);
        }
    }
}
