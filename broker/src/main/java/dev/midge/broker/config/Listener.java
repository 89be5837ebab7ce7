package dev.midge.broker.config;

/**
 * An address the broker accepts MQTT connections on, with what is particular to it.
 *
 * @param host           an address or name to bind, or null for every interface
 * @param port           a TCP port; 0 picks a free one (tests)
 * @param protocol       MQTT over TCP or over WebSockets
 * @param bindInterface  a network interface name whose addresses are bound instead of host, or null
 * @param maxConnections open connections allowed at once (-1: no limit)
 * @param tls            the TLS settings, or null for plain TCP
 * @param security       who may connect and what they may do
 */
public record Listener(String host, int port, Protocol protocol, String bindInterface, int maxConnections,
                       TlsSettings tls, Security security) {
    public enum Protocol { MQTT, WEBSOCKETS }

    /** A plain MQTT listener with the given security. */
    public Listener(String host, int port, Security security) {
        this(host, port, Protocol.MQTT, null, -1, null, security);
    }

    public boolean isTls() {
        return tls != null;
    }

    public String describe() {
        String address = (host == null ? "*" : host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        String scheme = protocol == Protocol.WEBSOCKETS ? (isTls() ? "wss" : "ws") : (isTls() ? "mqtts" : "mqtt");
        return scheme + "://" + address;
    }
}
