package dev.midge.broker.auth;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** The enhanced authentication methods the broker offers, by method name. Immutable. */
public final class EnhancedAuthenticators {
    private final Map<String, EnhancedAuthenticator> byMethod = new TreeMap<>();

    public EnhancedAuthenticators(Collection<EnhancedAuthenticator> authenticators) {
        for (EnhancedAuthenticator a : authenticators) {
            byMethod.put(a.method(), a);
        }
    }

    /** The authenticator for a method, or null when the broker does not offer it. */
    public EnhancedAuthenticator find(String method) {
        return byMethod.get(method);
    }

    public Collection<String> methods() {
        return byMethod.keySet();
    }
}
