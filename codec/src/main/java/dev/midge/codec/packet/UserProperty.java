package dev.midge.codec.packet;

import java.util.Objects;

/** An MQTT 5 user property: a name/value pair of UTF-8 strings; names may repeat. */
public record UserProperty(String name, String value) {
    public UserProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
