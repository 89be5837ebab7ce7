package dev.midge.broker.auth;

import dev.midge.broker.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Mosquitto password file: {@code user:hash} per line, as mosquitto_passwd writes it. Empty
 * lines and {@code #} comments are skipped; a line without a user name, without a hash or with a
 * hash Midge cannot read is an error naming its line, so that no user ends up with an empty or
 * unusable password. Immutable; a reload reads a new one.
 */
public final class PasswordFile {
    private final Map<String, PasswordHash> users;
    /** Checked against for unknown users, so that they cost the same time as a wrong password. */
    private final PasswordHash dummy;

    private PasswordFile(Map<String, PasswordHash> users) {
        this.users = users;
        PasswordHash template = users.isEmpty() ? PasswordHash.Pbkdf2.of(new byte[1], PasswordHash.Pbkdf2.DEFAULT_ITERATIONS)
                : users.values().iterator().next();
        this.dummy = template.rehash(new byte[] {0x7f});
    }

    public static PasswordFile read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read password file: " + e.getMessage());
        }
        Map<String, PasswordHash> users = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new ConfigException(where + "expected user:hash");
            }
            String user = line.substring(0, colon);
            if (user.isEmpty()) {
                throw new ConfigException(where + "empty user name");
            }
            if (colon == line.length() - 1) {
                throw new ConfigException(where + "user '" + user + "' has no password hash");
            }
            try {
                if (users.put(user, PasswordHash.parse(line.substring(colon + 1))) != null) {
                    throw new ConfigException(where + "user '" + user + "' appears twice");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + "user '" + user + "': " + e.getMessage());
            }
        }
        return new PasswordFile(Map.copyOf(users));
    }

    /** Whether {@code user} exists and {@code password} is theirs; an unknown user costs one hash too. */
    public boolean check(String user, byte[] password) {
        PasswordHash hash = users.get(user);
        if (hash == null) {
            dummy.matches(password == null ? new byte[0] : password);
            return false;
        }
        return password != null && hash.matches(password);
    }

    public int size() {
        return users.size();
    }
}
