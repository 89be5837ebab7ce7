package dev.midge.broker.config;

/** The keys that belong to the listener declared last (Mosquitto's listener-scoped options). */
final class ListenerKeys {
    private ListenerKeys() {
    }

    static void apply(ConfigParser p, ListenerSettings l, String text, String[] words) throws ConfigException {
        switch (words[0]) {
            case "protocol" -> {
                p.requireArgs(words, 1, 1);
                l.protocol = switch (words[1]) {
                    case "mqtt" -> Listener.Protocol.MQTT;
                    case "websockets" -> Listener.Protocol.WEBSOCKETS;
                    default -> throw p.error("protocol takes mqtt or websockets, not '" + words[1] + "'");
                };
            }
            case "bind_interface" -> {
                p.requireArgs(words, 1, 1);
                l.bindInterface = words[1];
            }
            case "bind_address" -> {
                // Mosquitto: the default listener's address (the listener line carries its own)
                p.requireArgs(words, 1, 1);
                p.warn("bind_address is deprecated in Mosquitto; use 'listener PORT ADDRESS'. Ignored");
            }
            case "max_connections" -> {
                p.requireArgs(words, 1, 1);
                int n = p.integer(words, -1, Integer.MAX_VALUE);
                l.maxConnections = n == 0 ? -1 : n;
            }
            case "certfile" -> l.certfile = p.path(text, words);
            case "keyfile" -> l.keyfile = p.path(text, words);
            case "cafile" -> l.cafile = p.path(text, words);
            case "capath" -> l.capath = p.path(text, words);
            case "crlfile" -> l.crlfile = p.path(text, words);
            case "tls_version" -> {
                p.requireArgs(words, 1, 1);
                l.tlsVersion = switch (words[1]) {
                    case "tlsv1.2" -> "TLSv1.2";
                    case "tlsv1.3" -> "TLSv1.3";
                    case "tlsv1.1", "tlsv1" -> throw p.error(words[1] + " is not offered: Midge speaks TLS 1.2 and 1.3");
                    default -> throw p.error("tls_version takes tlsv1.2 or tlsv1.3, not '" + words[1] + "'");
                };
            }
            case "ciphers" -> {
                p.requireArgs(words, 1, 1);
                l.ciphers = words[1];
            }
            case "require_certificate" -> l.requireCertificate = p.bool(words);
            case "use_identity_as_username" -> l.useIdentityAsUsername = p.bool(words);
            case "use_subject_as_username" -> l.useSubjectAsUsername = p.bool(words);
            default -> throw new IllegalArgumentException(words[0]);
        }
    }
}
