package dev.midge.broker.auth;

import dev.midge.broker.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SCRAM credentials by user name, read from a file of lines
 * {@code user:SCRAM-SHA-256:iterations:salt:storedKey:serverKey} (base64 fields; '#' comments).
 * A user may have one line per mechanism. Immutable once read.
 */
public final class ScramCredentials {
    private final Map<String, Map<ScramMechanism, ScramCredential>> byUser;

    private ScramCredentials(Map<String, Map<ScramMechanism, ScramCredential>> byUser) {
        this.byUser = byUser;
    }

    public static ScramCredentials of(Map<String, ScramCredential> credentials) {
        Map<String, Map<ScramMechanism, ScramCredential>> m = new HashMap<>();
        credentials.forEach((user, c) -> m.computeIfAbsent(user, u -> new EnumMap<>(ScramMechanism.class))
                .put(c.mechanism(), c));
        return new ScramCredentials(m);
    }

    public ScramCredential find(String user, ScramMechanism mechanism) {
        Map<ScramMechanism, ScramCredential> m = byUser.get(user);
        return m == null ? null : m.get(mechanism);
    }

    /** The line a credentials file holds for {@code user}. */
    public static String line(String user, ScramCredential c) {
        Base64.Encoder b64 = Base64.getEncoder();
        return user + ":" + c.mechanism().method() + ":" + c.iterations() + ":" + b64.encodeToString(c.salt())
                + ":" + b64.encodeToString(c.storedKey()) + ":" + b64.encodeToString(c.serverKey());
    }

    public static ScramCredentials read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        Map<String, Map<ScramMechanism, ScramCredential>> m = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            String[] f = text.split(":", -1);
            if (f.length != 6 || f[0].isEmpty()) {
                throw new ConfigException(where + "expected user:mechanism:iterations:salt:storedKey:serverKey");
            }
            ScramMechanism mech = ScramMechanism.byMethod(f[1]);
            if (mech == null) {
                throw new ConfigException(where + "unknown SCRAM mechanism '" + f[1] + "'");
            }
            try {
                int iterations = Integer.parseInt(f[2]);
                if (iterations < 4096) {
                    throw new ConfigException(where + "iteration count " + iterations + " is below 4096 (RFC 7677)");
                }
                Base64.Decoder d = Base64.getDecoder();
                ScramCredential c = new ScramCredential(mech, d.decode(f[3]), iterations, d.decode(f[4]),
                        d.decode(f[5]));
                m.computeIfAbsent(f[0], u -> new EnumMap<>(ScramMechanism.class)).put(mech, c);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + "bad number or base64: " + e.getMessage());
            }
        }
        return new ScramCredentials(m);
    }
}
