package dev.midge.broker.it;

import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Will;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Small builders for MQTT 5 raw-bytes tests. */
final class V5 {
    private V5() {
    }

    static RawClient client(TestBroker broker) throws IOException {
        return new RawClient(broker.port(), MqttVersion.MQTT_5);
    }

    static Connect connect(String id, boolean cleanStart, Properties props) {
        return new Connect(MqttVersion.MQTT_5, id, cleanStart, 60, null, null, null, props);
    }

    static Connect connect(String id, boolean cleanStart, Properties props, Will will) {
        return new Connect(MqttVersion.MQTT_5, id, cleanStart, 60, null, null, will, props);
    }

    static Properties expiry(long seconds) {
        return Properties.builder().put(Property.SESSION_EXPIRY_INTERVAL, seconds).build();
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Publish p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }

    static Publish publish(String topic, String payload, Qos qos, int id, Properties props) {
        return new Publish(topic, text(payload), qos, false, false, qos == Qos.AT_MOST_ONCE ? 0 : id, props);
    }
}
