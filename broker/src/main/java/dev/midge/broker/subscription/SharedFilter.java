package dev.midge.broker.subscription;

import dev.midge.codec.topic.TopicFilter;

/**
 * A shared subscription filter {@code $share/{ShareName}/{filter}} (spec 4.8.2), parsed.
 *
 * @param group  the share name
 * @param filter the topic filter the group subscribes to
 */
public record SharedFilter(String group, TopicFilter filter) {
    public static final String PREFIX = "$share/";

    public static boolean isShared(String filter) {
        return filter.startsWith(PREFIX);
    }

    /**
     * Parses a filter starting with {@code $share/}; returns null when the share name is empty or
     * holds a wildcard, or no filter follows it [MQTT-4.8.2-1] [MQTT-4.8.2-2].
     */
    public static SharedFilter parse(String filter) {
        int slash = filter.indexOf('/', PREFIX.length());
        if (slash < 0) {
            return null;
        }
        String group = filter.substring(PREFIX.length(), slash);
        String rest = filter.substring(slash + 1);
        if (group.isEmpty() || group.contains("+") || group.contains("#") || rest.isEmpty()) {
            return null;
        }
        try {
            return new SharedFilter(group, TopicFilter.of(rest));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
