package dev.midge.broker.acl;

import dev.midge.codec.topic.TopicFilter;

/**
 * Set relations between topic filters, over the topics each matches, with the rule that a filter
 * starting with a wildcard matches no topic starting with '$' [MQTT-4.7.2-1].
 */
final class FilterRelations {
    private FilterRelations() {
    }

    /** Whether some topic matches both filters. */
    static boolean intersect(TopicFilter a, TopicFilter b) {
        if (dollarOnlyVersusWildcard(a, b) || dollarOnlyVersusWildcard(b, a)) {
            return false;
        }
        for (int i = 0; ; i++) {
            boolean aEnd = i == a.levelCount();
            boolean bEnd = i == b.levelCount();
            if (aEnd && bEnd) {
                return true;
            }
            // '#' also matches the parent level: a/# and a share the topic "a"
            if (!aEnd && a.level(i).equals(TopicFilter.MULTI) || !bEnd && b.level(i).equals(TopicFilter.MULTI)) {
                return true;
            }
            if (aEnd || bEnd) {
                return false;
            }
            String x = a.level(i);
            String y = b.level(i);
            if (!x.equals(TopicFilter.SINGLE) && !y.equals(TopicFilter.SINGLE) && !x.equals(y)) {
                return false;
            }
        }
    }

    /** Whether every topic {@code inner} matches is also matched by {@code outer}. */
    static boolean covers(TopicFilter outer, TopicFilter inner) {
        if (dollarOnlyVersusWildcard(inner, outer)) {
            return false;
        }
        for (int i = 0; ; i++) {
            boolean oEnd = i == outer.levelCount();
            boolean iEnd = i == inner.levelCount();
            if (oEnd && iEnd) {
                return true;
            }
            if (!oEnd && outer.level(i).equals(TopicFilter.MULTI)) {
                return true;
            }
            if (oEnd || iEnd) {
                return false;
            }
            String o = outer.level(i);
            String n = inner.level(i);
            if (n.equals(TopicFilter.MULTI)) {
                return false;
            }
            if (!o.equals(TopicFilter.SINGLE) && (n.equals(TopicFilter.SINGLE) || !o.equals(n))) {
                return false;
            }
        }
    }

    /** {@code dollar} matches only '$' topics, which {@code wild} (leading wildcard) never matches. */
    private static boolean dollarOnlyVersusWildcard(TopicFilter dollar, TopicFilter wild) {
        String d = dollar.level(0);
        String w = wild.level(0);
        return d.startsWith("$") && (w.equals(TopicFilter.SINGLE) || w.equals(TopicFilter.MULTI));
    }
}
