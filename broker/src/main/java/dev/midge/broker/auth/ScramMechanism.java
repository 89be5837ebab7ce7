package dev.midge.broker.auth;

/** The SCRAM variants Midge offers (RFC 7677 and its SHA-512 sibling). */
public enum ScramMechanism {
    SCRAM_SHA_256("SCRAM-SHA-256", "HmacSHA256", "SHA-256", 32),
    SCRAM_SHA_512("SCRAM-SHA-512", "HmacSHA512", "SHA-512", 64);

    private final String method;
    private final String hmac;
    private final String digest;
    private final int hashBytes;

    ScramMechanism(String method, String hmac, String digest, int hashBytes) {
        this.method = method;
        this.hmac = hmac;
        this.digest = digest;
        this.hashBytes = hashBytes;
    }

    /** The MQTT Authentication Method name. */
    public String method() {
        return method;
    }

    String hmac() {
        return hmac;
    }

    String digest() {
        return digest;
    }

    int hashBytes() {
        return hashBytes;
    }

    public static ScramMechanism byMethod(String method) {
        for (ScramMechanism m : values()) {
            if (m.method.equals(method)) {
                return m;
            }
        }
        return null;
    }
}
