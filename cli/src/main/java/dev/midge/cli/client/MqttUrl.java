package dev.midge.cli.client;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code mqtt[s]://[username[:password]@]host[:port]/topic}, as mosquitto_pub -L takes it; mqtts
 * means TLS and port 8883 by default.
 */
public record MqttUrl(boolean tls, String username, String password, String host, int port, String topic) {
    public static MqttUrl parse(String url) throws ToolError {
        boolean tls;
        String rest;
        if (url.startsWith("mqtt://")) {
            tls = false;
            rest = url.substring(7);
        } else if (url.startsWith("mqtts://")) {
            tls = true;
            rest = url.substring(8);
        } else {
            throw ToolError.usage("Error: Unsupported URL scheme.");
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw ToolError.usage("Error: Invalid URL for -L argument specified - topic missing.");
        }
        String authority = rest.substring(0, slash);
        String topic = rest.substring(slash + 1);
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String creds = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = creds.indexOf(':');
            user = decode(colon < 0 ? creds : creds.substring(0, colon));
            password = colon < 0 ? null : decode(creds.substring(colon + 1));
        }
        String host = authority;
        int port = tls ? 8883 : 1883;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && !authority.endsWith("]")) {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw ToolError.usage("Error: Invalid port given: " + authority.substring(colon + 1));
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new MqttUrl(tls, user, password, host, port, topic);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
