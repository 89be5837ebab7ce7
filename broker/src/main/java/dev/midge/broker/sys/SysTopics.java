package dev.midge.broker.sys;

import dev.midge.broker.BrokerContext;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes Mosquitto's {@code $SYS/broker/...} topics as retained messages every sys_interval
 * seconds. Like Mosquitto, a value is published again only when it changed (uptime always is).
 * Runs on one event loop; {@link #publish()} is not called concurrently.
 */
public final class SysTopics {
    private final BrokerContext broker;
    private final String version;
    private final Map<String, String> lastPublished = new HashMap<>();

    public SysTopics(BrokerContext broker, String version) {
        this.broker = broker;
        this.version = version;
    }

    public void publish() {
        BrokerMetrics m = broker.metrics();
        int connected = m.clientsConnected();
        int total = broker.sessions().size();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("$SYS/broker/version", "midge version " + version);
        values.put("$SYS/broker/uptime", m.uptimeSeconds() + " seconds");
        values.put("$SYS/broker/clients/connected", Integer.toString(connected));
        values.put("$SYS/broker/clients/active", Integer.toString(connected));
        values.put("$SYS/broker/clients/total", Integer.toString(Math.max(total, connected)));
        values.put("$SYS/broker/clients/disconnected", Integer.toString(Math.max(0, total - connected)));
        values.put("$SYS/broker/clients/inactive", Integer.toString(Math.max(0, total - connected)));
        values.put("$SYS/broker/clients/maximum", Integer.toString(m.clientsMaximum()));
        values.put("$SYS/broker/messages/received", Long.toString(m.packetsReceived()));
        values.put("$SYS/broker/messages/sent", Long.toString(m.packetsSent()));
        values.put("$SYS/broker/publish/messages/received", Long.toString(m.publishReceived()));
        values.put("$SYS/broker/publish/messages/sent", Long.toString(m.publishSent()));
        values.put("$SYS/broker/publish/messages/dropped", Long.toString(m.publishDroppedCount()));
        values.put("$SYS/broker/subscriptions/count", Integer.toString(broker.topics().size()));
        values.put("$SYS/broker/retained messages/count", Integer.toString(broker.retained().size()));
        values.forEach(this::publishIfChanged);
    }

    private void publishIfChanged(String topic, String value) {
        if (value.equals(lastPublished.put(topic, value))) {
            return;
        }
        Publish message = Publish.of(topic, value.getBytes(StandardCharsets.UTF_8), Qos.AT_MOST_ONCE, true);
        broker.distributor().distribute(Topic.of(topic), message, null);
    }
}
