package dev.midge.broker.config;

/**
 * An address the broker accepts MQTT connections on.
 *
 * @param host an address or name to bind, or null for every interface
 * @param port a TCP port; 0 picks a free one (tests)
 */
public record Listener(String host, int port) {
    public String describe() {
        return (host == null ? "*" : host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
