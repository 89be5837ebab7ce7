package dev.midge.broker.acl;

import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import java.util.ArrayList;
import java.util.List;

/** The ACL lines that apply to one client, as filters; immutable. */
public final class ClientRules {
    private final List<TopicFilter> deny = new ArrayList<>();
    private final List<TopicFilter> read = new ArrayList<>();
    private final List<TopicFilter> write = new ArrayList<>();

    ClientRules(List<AclRule> rules) {
        for (AclRule r : rules) {
            TopicFilter f = TopicFilter.of(r.filter());
            if (r.access() == AclAccess.DENY) {
                deny.add(f);
            }
            if (r.access().grantsRead()) {
                read.add(f);
            }
            if (r.access().grantsWrite()) {
                write.add(f);
            }
        }
    }

    public boolean canWrite(Topic topic) {
        return !anyMatches(deny, topic) && anyMatches(write, topic);
    }

    public boolean canRead(Topic topic) {
        return !anyMatches(deny, topic) && anyMatches(read, topic);
    }

    /**
     * Whether a subscription to {@code filter} is granted: not when a deny line covers all of it,
     * nor when no line could ever grant read on a topic it matches. Otherwise it is granted and
     * each message is checked with {@link #canRead}.
     */
    public boolean canSubscribe(TopicFilter filter) {
        for (TopicFilter d : deny) {
            if (FilterRelations.covers(d, filter)) {
                return false;
            }
        }
        for (TopicFilter r : read) {
            if (FilterRelations.intersect(r, filter)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyMatches(List<TopicFilter> filters, Topic topic) {
        for (TopicFilter f : filters) {
            if (f.matches(topic)) {
                return true;
            }
        }
        return false;
    }
}
