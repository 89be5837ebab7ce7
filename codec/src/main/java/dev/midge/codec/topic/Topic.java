package dev.midge.codec.topic;

import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.wire.MalformedPacketException;

/** A topic name as published: validated once, split into levels once. */
public final class Topic {
    private final String name;
    private final String[] levels;

    private Topic(String name) {
        this.name = name;
        this.levels = Levels.split(name);
    }

    /** Validates and splits a topic name. */
    public static Topic of(String name) {
        validate(name);
        return new Topic(name);
    }

    /**
     * Checks the topic name rules: at least one character [MQTT-4.7.3-1] and no wildcard
     * characters [MQTT-3.3.2-2]. U+0000 is rejected by the string decoder already.
     */
    public static void validate(String name) {
        if (name.isEmpty()) {
            throw MalformedPacketException.protocolError("empty topic name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '+' || c == '#') {
                throw new MalformedPacketException(ReasonCode.TOPIC_NAME_INVALID, "wildcard in topic name '" + name + "'");
            }
        }
    }

    public String name() {
        return name;
    }

    public int levelCount() {
        return levels.length;
    }

    public String level(int i) {
        return levels[i];
    }

    /** Topics starting with '$' are not matched by filters starting with a wildcard [MQTT-4.7.2-1]. */
    public boolean isSystem() {
        return !name.isEmpty() && name.charAt(0) == '$';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topic t && t.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
