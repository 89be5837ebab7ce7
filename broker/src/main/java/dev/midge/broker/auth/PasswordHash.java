package dev.midge.broker.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A password hash as Mosquitto's password files hold it:
 * <ul>
 * <li>{@code $6$SALT$HASH}: SHA-512 of password then salt (mosquitto_passwd -H sha512);</li>
 * <li>{@code $7$ITERATIONS$SALT$HASH}: PBKDF2-HMAC-SHA512, 64 bytes (Mosquitto 2.0's default);</li>
 * <li>{@code $argon2id$v=19$m=KIB,t=ITERATIONS,p=LANES$SALT$HASH} (Mosquitto 2.1's default).</li>
 * </ul>
 * Salts and hashes are base64 (padding optional). The password is the CONNECT's bytes as sent.
 */
public sealed interface PasswordHash {
    /** The largest argon2id memory a password file may ask for, so a typo cannot exhaust the heap. */
    int MAX_ARGON2_KIB = 1 << 20;

    /** Whether {@code password} hashes to this, compared in constant time. */
    boolean matches(byte[] password);

    /** The same kind of hash over {@code password} with a fresh salt (also the dummy for unknown users). */
    PasswordHash rehash(byte[] password);

    /** The file form. */
    String encoded();

    /**
     * A new hash of {@code password} with a fresh salt, as mosquitto_passwd -H names the kinds:
     * "sha512", "sha512-pbkdf2" (iterations: default 101) or "argon2id" (iterations: default 2, with
     * 19 MiB of memory and one lane).
     */
    static PasswordHash create(String kind, byte[] password, Integer iterations) {
        return switch (kind) {
            case "sha512" -> new Sha512(new byte[0], new byte[0]).rehash(password);
            case "sha512-pbkdf2" -> Pbkdf2.of(password, iterations == null ? Pbkdf2.DEFAULT_ITERATIONS : iterations);
            case "argon2id" -> new Argon2id(19_456, iterations == null ? 2 : iterations, 1, new byte[0], new byte[32])
                    .rehash(password);
            default -> throw new IllegalArgumentException("unknown hash type " + kind);
        };
    }

    /** Parses the part after {@code user:}; throws IllegalArgumentException saying what is wrong. */
    static PasswordHash parse(String text) {
        String[] f = text.split("\\$", -1);
        if (f.length < 2 || !f[0].isEmpty()) {
            throw new IllegalArgumentException("not a password hash (plain-text passwords are not accepted; "
                    + "convert the file with 'mosquitto_passwd -U' or 'midge passwd -U')");
        }
        return switch (f[1]) {
            case "6" -> {
                require(f.length == 4, "a $6$ hash is $6$SALT$HASH");
                yield new Sha512(decode(f[2], "salt"), decode(f[3], "hash"));
            }
            case "7" -> {
                require(f.length == 5, "a $7$ hash is $7$ITERATIONS$SALT$HASH");
                int iterations = number(f[2], "iterations", 1, 100_000_000);
                yield new Pbkdf2(iterations, decode(f[3], "salt"), decode(f[4], "hash"));
            }
            case "argon2id" -> Argon2id.parse(f);
            default -> throw new IllegalArgumentException("unknown hash type $" + f[1] + "$");
        };
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }

    private static byte[] decode(String b64, String what) {
        try {
            byte[] b = Base64.getDecoder().decode(b64);
            require(b.length > 0, "empty " + what);
            return b;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64");
        }
    }

    private static int number(String s, String what, int min, int max) {
        try {
            int v = Integer.parseInt(s);
            require(v >= min && v <= max, what + " " + v + " out of range " + min + "-" + max);
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + s + "' is not a number");
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] freshSalt(int length) {
        byte[] s = new byte[length];
        new SecureRandom().nextBytes(s);
        return s;
    }

    /** Mosquitto's sha512: one round of SHA-512 over password and salt. */
    record Sha512(byte[] salt, byte[] hash) implements PasswordHash {
        static byte[] digest(byte[] password, byte[] salt) {
            try {
                MessageDigest d = MessageDigest.getInstance("SHA-512");
                d.update(password);
                d.update(salt);
                return d.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(digest(password, salt), hash);
        }

        @Override
        public PasswordHash rehash(byte[] password) {
            byte[] s = freshSalt(12);
            return new Sha512(s, digest(password, s));
        }

        @Override
        public String encoded() {
            return "$6$" + b64(salt) + "$" + b64(hash);
        }
    }

    /** Mosquitto's sha512-pbkdf2. */
    record Pbkdf2(int iterations, byte[] salt, byte[] hash) implements PasswordHash {
        /** mosquitto_passwd's default. */
        public static final int DEFAULT_ITERATIONS = 101;

        static byte[] derive(byte[] password, byte[] salt, int iterations, int length) {
            PKCS5S2ParametersGenerator g = new PKCS5S2ParametersGenerator(new SHA512Digest());
            g.init(password, salt, iterations);
            return ((KeyParameter) g.generateDerivedParameters(length * 8)).getKey();
        }

        public static Pbkdf2 of(byte[] password, int iterations) {
            byte[] s = freshSalt(12);
            return new Pbkdf2(iterations, s, derive(password, s, iterations, 64));
        }

        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(derive(password, salt, iterations, hash.length), hash);
        }

        @Override
        public PasswordHash rehash(byte[] password) {
            return of(password, iterations);
        }

        @Override
        public String encoded() {
            return "$7$" + iterations + "$" + b64(salt) + "$" + b64(hash);
        }
    }

    /** argon2id in the PHC string form that libargon2 writes. */
    record Argon2id(int memoryKib, int iterations, int lanes, byte[] salt, byte[] hash) implements PasswordHash {
        static Argon2id parse(String[] f) {
            require(f.length == 6, "an argon2id hash is $argon2id$v=19$m=M,t=T,p=P$SALT$HASH");
            require(f[2].equals("v=19"), "argon2id version must be v=19");
            int m = -1;
            int t = -1;
            int p = -1;
            for (String kv : f[3].split(",")) {
                String[] pair = kv.split("=", 2);
                require(pair.length == 2, "argon2id parameters are m=M,t=T,p=P");
                switch (pair[0]) {
                    case "m" -> m = number(pair[1], "argon2id memory", 8, MAX_ARGON2_KIB);
                    case "t" -> t = number(pair[1], "argon2id iterations", 1, 1000);
                    case "p" -> p = number(pair[1], "argon2id parallelism", 1, 255);
                    default -> throw new IllegalArgumentException("unknown argon2id parameter " + pair[0]);
                }
            }
            require(m > 0 && t > 0 && p > 0, "argon2id needs m, t and p");
            require(m >= 8 * p, "argon2id memory must be at least 8 KiB per lane");
            return new Argon2id(m, t, p, decode(f[4], "salt"), decode(f[5], "hash"));
        }

        static byte[] derive(byte[] password, byte[] salt, int m, int t, int p, int length) {
            Argon2BytesGenerator g = new Argon2BytesGenerator();
            g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(m).withIterations(t).withParallelism(p).withSalt(salt).build());
            byte[] out = new byte[length];
            g.generateBytes(password, out);
            return out;
        }

        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(derive(password, salt, memoryKib, iterations, lanes, hash.length), hash);
        }

        @Override
        public PasswordHash rehash(byte[] password) {
            byte[] s = freshSalt(16);
            return new Argon2id(memoryKib, iterations, lanes, s, derive(password, s, memoryKib, iterations, lanes,
                    hash.length));
        }

        @Override
        public String encoded() {
            Base64.Encoder e = Base64.getEncoder().withoutPadding();
            return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + lanes + "$" + e.encodeToString(salt)
                    + "$" + e.encodeToString(hash);
        }
    }
}
