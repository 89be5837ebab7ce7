package dev.midge.codec.topic;

import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.wire.MalformedPacketException;
import io.netty.util.concurrent.FastThreadLocal;

/** A topic name as published: validated once, split into levels once. */
public final class Topic {
    private final String name;
    private final String[] levels;

    private Topic(String name) {
        this.name = name;
        this.levels = Levels.split(name);
    }

    private static final int RECENT_SLOTS = 1024;
    private static final int CACHED_NAME_LIMIT = 256;
    /**
     * Recently used topics by hash of their name, one table per thread (an event loop's own, so
     * that the topic tree stays the only structure the loops share, DESIGN.md rule 4). A publisher
     * repeats its topics, and splitting the name again for every message was a sixth of a routed
     * message's garbage (the fan-in benchmark's allocation profile). Bounded: a fixed number of
     * slots, and names longer than {@link #CACHED_NAME_LIMIT} are not kept.
     */
    private static final FastThreadLocal<Topic[]> RECENT = new FastThreadLocal<>() {
        @Override
        protected Topic[] initialValue() {
            return new Topic[RECENT_SLOTS];
        }
    };

    /** Validates and splits a topic name. */
    public static Topic of(String name) {
        Topic[] recentTopics = RECENT.get();
        int h = name.hashCode();
        int slot = (h ^ (h >>> 16)) & (RECENT_SLOTS - 1);
        Topic recent = recentTopics[slot];
        if (recent != null && recent.name.equals(name)) {
            return recent; // validated when it was made
        }
        validate(name);
        Topic topic = new Topic(name);
        if (name.length() <= CACHED_NAME_LIMIT) {
            recentTopics[slot] = topic;
        }
        return topic;
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
