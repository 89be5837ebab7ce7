package dev.midge.codec.packet;

import java.util.Objects;

/** The will message of a CONNECT. The payload array is never modified after construction. */
public record Will(String topic, byte[] payload, Qos qos, boolean retain, Properties properties) {
    public Will {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(properties, "properties");
    }
}
