package dev.midge.broker.acl;

import dev.midge.broker.config.ConfigException;
import dev.midge.codec.topic.TopicFilter;
import dev.midge.codec.wire.MalformedPacketException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Mosquitto acl_file, immutable. {@code topic} lines before the first {@code user} line are
 * for clients without a user name; after it, for that user; {@code pattern} lines are for every
 * client, with %c and %u replaced. A client is granted only what some line grants, and a
 * {@code deny} line wins over any grant; an empty file grants nothing.
 */
public final class AclFile {
    private final List<AclRule> anonymous;
    private final Map<String, List<AclRule>> users;
    private final List<AclRule> patterns;

    private AclFile(List<AclRule> anonymous, Map<String, List<AclRule>> users, List<AclRule> patterns) {
        this.anonymous = anonymous;
        this.users = users;
        this.patterns = patterns;
    }

    public static AclFile read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read ACL file: " + e.getMessage());
        }
        List<AclRule> anonymous = new ArrayList<>();
        Map<String, List<AclRule>> users = new HashMap<>();
        List<AclRule> patterns = new ArrayList<>();
        List<AclRule> current = anonymous;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            String[] kw = line.split("\\s+", 2);
            String rest = kw.length == 2 ? kw[1].strip() : "";
            switch (kw[0]) {
                case "user" -> {
                    if (rest.isEmpty()) {
                        throw new ConfigException(where + "user needs a user name");
                    }
                    current = users.computeIfAbsent(rest, u -> new ArrayList<>());
                }
                case "topic" -> current.add(rule(rest, i + 1, false, where));
                case "pattern" -> patterns.add(rule(rest, i + 1, true, where));
                default -> throw new ConfigException(where + "expected user, topic or pattern, found '" + kw[0] + "'");
            }
        }
        Map<String, List<AclRule>> frozen = new HashMap<>();
        users.forEach((u, r) -> frozen.put(u, List.copyOf(r)));
        return new AclFile(List.copyOf(anonymous), Map.copyOf(frozen), List.copyOf(patterns));
    }

    private static AclRule rule(String rest, int line, boolean pattern, String where) throws ConfigException {
        String[] w = rest.split("\\s+", 2);
        AclAccess access = AclAccess.READWRITE;
        String filter = rest;
        if (w.length == 2) {
            AclAccess named = switch (w[0]) {
                case "read" -> AclAccess.READ;
                case "write" -> AclAccess.WRITE;
                case "readwrite" -> AclAccess.READWRITE;
                case "deny" -> AclAccess.DENY;
                default -> null;
            };
            if (named != null) {
                access = named;
                filter = w[1].strip();
            }
        }
        if (filter.isEmpty()) {
            throw new ConfigException(where + "missing topic");
        }
        try {
            TopicFilter.validate(pattern ? filter.replace("%c", "c").replace("%u", "u") : filter);
        } catch (MalformedPacketException e) {
            throw new ConfigException(where + "'" + filter + "' is not a valid topic filter: " + e.getMessage());
        }
        return new AclRule(access, filter, line);
    }

    /** The rules that apply to one client, with patterns resolved. */
    public ClientRules rulesFor(String clientId, String username) {
        List<AclRule> own = username == null ? anonymous : users.getOrDefault(username, List.of());
        List<AclRule> all = new ArrayList<>(own.size() + patterns.size());
        all.addAll(own);
        for (AclRule p : patterns) {
            String filter = substitute(p.filter(), clientId, username);
            if (filter != null) {
                all.add(new AclRule(p.access(), filter, p.line()));
            }
        }
        return new ClientRules(all);
    }

    /**
     * Replaces %c and %u; null when the rule cannot apply: the client has no user name, or the value
     * is not one plain topic level ('/', '+', '#' or empty would widen or shift the rule).
     */
    static String substitute(String filter, String clientId, String username) {
        String out = filter;
        if (out.contains("%c")) {
            if (!literalLevel(clientId)) {
                return null;
            }
            out = out.replace("%c", clientId);
        }
        if (out.contains("%u")) {
            if (!literalLevel(username)) {
                return null;
            }
            out = out.replace("%u", username);
        }
        return out;
    }

    private static boolean literalLevel(String value) {
        return value != null && !value.isEmpty() && value.indexOf('/') < 0 && value.indexOf('+') < 0
                && value.indexOf('#') < 0;
    }
}
