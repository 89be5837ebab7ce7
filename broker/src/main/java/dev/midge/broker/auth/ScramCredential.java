package dev.midge.broker.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the broker stores for one SCRAM user (RFC 5802 section 3): salt, iteration count,
 * StoredKey and ServerKey, never the password. Also the SCRAM primitives, shared with clients
 * and tests that need to compute the other side.
 */
public record ScramCredential(ScramMechanism mechanism, byte[] salt, int iterations, byte[] storedKey,
                              byte[] serverKey) {

    /** Derives the stored form of a password (what a credentials file line holds). */
    public static ScramCredential derive(ScramMechanism m, String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(m, password, salt, iterations);
        byte[] clientKey = hmac(m, salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        return new ScramCredential(m, salt, iterations, hash(m, clientKey),
                hmac(m, salted, "Server Key".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Hi(password, salt, i) = PBKDF2 with HMAC-H, output the hash's length (RFC 5802 section 2.2). */
    public static byte[] saltedPassword(ScramMechanism m, String password, byte[] salt, int iterations) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2With" + m.hmac());
            return f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, m.hashBytes() * 8))
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(m + " is not available in this JVM", e);
        }
    }

    public static byte[] hmac(ScramMechanism m, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(m.hmac());
            mac.init(new SecretKeySpec(key, m.hmac()));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(m + " is not available in this JVM", e);
        }
    }

    public static byte[] hash(ScramMechanism m, byte[] data) {
        try {
            return MessageDigest.getInstance(m.digest()).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(m + " is not available in this JVM", e);
        }
    }

    public static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
