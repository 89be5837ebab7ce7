package dev.midge.codec.topic;

import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.wire.MalformedPacketException;

/** A topic filter as subscribed: validated once, split into levels once. */
public final class TopicFilter {
    public static final String SINGLE = "+";
    public static final String MULTI = "#";

    private final String filter;
    private final String[] levels;
    private final boolean wildcard;

    private TopicFilter(String filter) {
        this.filter = filter;
        this.levels = Levels.split(filter);
        this.wildcard = filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    public static TopicFilter of(String filter) {
        validate(filter);
        return new TopicFilter(filter);
    }

    /**
     * Checks the filter rules: at least one character [MQTT-4.7.3-1]; '#' only as the whole of the
     * last level [MQTT-4.7.1-2]; '+' only as the whole of a level [MQTT-4.7.1-3].
     */
    public static void validate(String filter) {
        if (filter.isEmpty()) {
            throw new MalformedPacketException(ReasonCode.TOPIC_FILTER_INVALID, "empty topic filter");
        }
        int len = filter.length();
        for (int i = 0; i < len; i++) {
            char c = filter.charAt(i);
            boolean levelStart = i == 0 || filter.charAt(i - 1) == '/';
            boolean levelEnd = i == len - 1 || filter.charAt(i + 1) == '/';
            if (c == '#' && !(levelStart && i == len - 1)) {
                throw new MalformedPacketException(ReasonCode.TOPIC_FILTER_INVALID,
                        "'#' must be the last level, alone: '" + filter + "'");
            }
            if (c == '+' && !(levelStart && levelEnd)) {
                throw new MalformedPacketException(ReasonCode.TOPIC_FILTER_INVALID,
                        "'+' must fill its level: '" + filter + "'");
            }
        }
    }

    public String filter() {
        return filter;
    }

    public int levelCount() {
        return levels.length;
    }

    public String level(int i) {
        return levels[i];
    }

    public boolean hasWildcard() {
        return wildcard;
    }

    /** Whether this filter matches the topic (spec 4.7), including the '$' rule [MQTT-4.7.2-1]. */
    public boolean matches(Topic topic) {
        if (topic.isSystem() && (levels[0].equals(SINGLE) || levels[0].equals(MULTI))) {
            return false;
        }
        int n = topic.levelCount();
        for (int i = 0; i < levels.length; i++) {
            String f = levels[i];
            if (f.equals(MULTI)) {
                // "sport/#" also matches "sport" itself [spec 4.7.1.2]
                return true;
            }
            if (i >= n) {
                return false;
            }
            if (!f.equals(SINGLE) && !f.equals(topic.level(i))) {
                return false;
            }
        }
        return levels.length == n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicFilter t && t.filter.equals(filter);
    }

    @Override
    public int hashCode() {
        return filter.hashCode();
    }

    @Override
    public String toString() {
        return filter;
    }
}
