package dev.midge.broker.security;

import dev.midge.broker.acl.AclFile;
import dev.midge.broker.acl.ClientAccess;
import dev.midge.broker.auth.PasswordFile;
import dev.midge.broker.config.ConfigException;
import dev.midge.broker.config.Security;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The password and ACL files in force for one {@link Security} setting (broker-wide, or one
 * listener's with per_listener_settings). Both are replaced whole on reload, so a check sees one
 * file or the other, never a mix.
 */
public final class ListenerSecurity {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerSecurity.class);

    private final Security settings;
    private volatile PasswordFile passwords;
    private volatile AclFile acl;

    private ListenerSecurity(Security settings, PasswordFile passwords, AclFile acl) {
        this.settings = settings;
        this.passwords = passwords;
        this.acl = acl;
    }

    /** Reads the files; an unreadable or malformed one stops startup with its file and line. */
    public static ListenerSecurity load(Security settings) throws ConfigException {
        return new ListenerSecurity(settings,
                settings.passwordFile() == null ? null : PasswordFile.read(settings.passwordFile()),
                settings.aclFile() == null ? null : AclFile.read(settings.aclFile()));
    }

    public Security settings() {
        return settings;
    }

    public boolean allowAnonymous() {
        return settings.allowAnonymous();
    }

    /** The password file now, or null when none is configured. */
    public PasswordFile passwords() {
        return passwords;
    }

    /** The access of a client under this setting's ACL file, as it is now and after reloads. */
    public ClientAccess access(String clientId, String username) {
        return settings.aclFile() == null ? ClientAccess.UNRESTRICTED
                : new ClientAccess(clientId, username, () -> acl);
    }

    /**
     * Re-reads the password and ACL files (SIGHUP). A file that fails to read keeps the previous
     * version in force and is logged with its file and line; returns false then.
     */
    public boolean reload() {
        boolean ok = true;
        if (settings.passwordFile() != null) {
            try {
                passwords = PasswordFile.read(settings.passwordFile());
                LOG.info("Reloaded password file {} ({} users).", settings.passwordFile(), passwords.size());
            } catch (ConfigException e) {
                LOG.error("Password file not reloaded, the previous one stays in force: {}", e.getMessage());
                ok = false;
            }
        }
        if (settings.aclFile() != null) {
            try {
                acl = AclFile.read(settings.aclFile());
                LOG.info("Reloaded ACL file {}.", settings.aclFile());
            } catch (ConfigException e) {
                LOG.error("ACL file not reloaded, the previous one stays in force: {}", e.getMessage());
                ok = false;
            }
        }
        return ok;
    }
}
