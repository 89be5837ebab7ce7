package dev.midge.broker.session;

/**
 * Per-session bounds, as Mosquitto's max_inflight_messages and max_queued_messages (0 in the
 * config means no maximum; here that is already resolved to a number).
 *
 * @param maxInflight unacknowledged outbound QoS 1/2 messages at once
 * @param maxQueued   messages waiting behind the inflight window or for an offline client
 */
public record SessionLimits(int maxInflight, int maxQueued) {
    public SessionLimits {
        if (maxInflight < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("maxInflight >= 1 and maxQueued >= 0 required");
        }
    }
}
