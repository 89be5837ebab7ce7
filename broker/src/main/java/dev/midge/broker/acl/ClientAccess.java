package dev.midge.broker.acl;

import dev.midge.codec.topic.Topic;
import dev.midge.codec.topic.TopicFilter;
import java.util.function.Supplier;

/**
 * What one client may do, against the ACL file in force now: the rules are resolved for this
 * client once per ACL file, so a reload takes effect at the next check (a subscription that loses
 * its right stops receiving). Read from any event loop.
 */
public final class ClientAccess {
    /** No acl_file: everything is allowed. */
    public static final ClientAccess UNRESTRICTED = new ClientAccess(null, null, () -> null);

    private final String clientId;
    private final String username;
    private final Supplier<AclFile> acl;
    /** The file the cached rules were resolved from, and those rules (replaced together). */
    private volatile Resolved resolved;

    private record Resolved(AclFile file, ClientRules rules) {
    }

    public ClientAccess(String clientId, String username, Supplier<AclFile> acl) {
        this.clientId = clientId;
        this.username = username;
        this.acl = acl;
    }

    public String username() {
        return username;
    }

    /** The rules now, or null when there is no ACL file. */
    private ClientRules rules() {
        AclFile file = acl.get();
        if (file == null) {
            return null;
        }
        Resolved r = resolved;
        if (r == null || r.file != file) {
            r = new Resolved(file, file.rulesFor(clientId, username));
            resolved = r;
        }
        return r.rules;
    }

    public boolean canPublish(Topic topic) {
        ClientRules r = rules();
        return r == null || r.canWrite(topic);
    }

    public boolean canRead(Topic topic) {
        ClientRules r = rules();
        return r == null || r.canRead(topic);
    }

    /** {@link #canRead(Topic)} for a topic name, parsed only when there are rules to check. */
    public boolean canRead(String topic) {
        ClientRules r = rules();
        return r == null || r.canRead(Topic.of(topic));
    }

    public boolean canSubscribe(TopicFilter filter) {
        ClientRules r = rules();
        return r == null || r.canSubscribe(filter);
    }
}
