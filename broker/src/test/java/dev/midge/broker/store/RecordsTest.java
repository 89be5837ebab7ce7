package dev.midge.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.broker.session.Message;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A stored message reads back as it was written, whatever its origin, properties and payload. */
class RecordsTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 64, 70_000})
    void message_writtenAndReadBack_sameFields(int payloadSize) {
        Properties props = Properties.builder().put(Property.CONTENT_TYPE, "text/plain")
                .put(Property.CORRELATION_DATA, new byte[]{1, 2, 3}).userProperty("k", "v\u00e9").build();
        byte[] payload = new byte[payloadSize];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        Message original = new Message(42, new Publish("sensors/\u00fc/1", payload, Qos.EXACTLY_ONCE, true, false, 0,
                props), "client-\u00e9", System.nanoTime(), 3600);
        Message back = Records.message(Records.message(original));
        assertThat(back.id()).isEqualTo(42);
        assertThat(back.origin()).isEqualTo("client-\u00e9");
        assertThat(back.expirySeconds()).isEqualTo(3600);
        assertThat(back.publish().topic()).isEqualTo("sensors/\u00fc/1");
        assertThat(back.publish().qos()).isEqualTo(Qos.EXACTLY_ONCE);
        assertThat(back.publish().retain()).isTrue();
        assertThat(back.publish().payload()).isEqualTo(payload);
        assertThat(back.publish().properties().toString()).isEqualTo(props.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b"})
    void message_withoutOriginOrProperties_readBack(String topic) {
        Message original = new Message(7, new Publish(topic, "x".getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE,
                false, false, 0, Properties.EMPTY), null, System.nanoTime(), -1);
        Message back = Records.message(Records.message(original));
        assertThat(back.origin()).isNull();
        assertThat(back.publish().topic()).isEqualTo(topic);
        assertThat(back.publish().properties().isEmpty()).isTrue();
        assertThat(back.expirySeconds()).isEqualTo(-1);
    }
}
