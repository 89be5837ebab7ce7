package dev.midge.broker.config;

import java.nio.file.Path;

/**
 * Who may connect and what they may do: Mosquitto's allow_anonymous, password_file and acl_file.
 * Broker-wide unless per_listener_settings is true, then one per listener.
 *
 * @param allowAnonymous whether clients without a user name may connect
 * @param passwordFile   user:hash lines, or null (then any user name is accepted, as in Mosquitto)
 * @param aclFile        Mosquitto ACL rules, or null (then everything is allowed)
 */
public record Security(boolean allowAnonymous, Path passwordFile, Path aclFile) {
    public static final Security OPEN = new Security(true, null, null);
}
