package dev.midge.broker.session;

/**
 * Per-session bounds, as Mosquitto's max_inflight_messages and max_queued_messages (0 in the
 * config means no maximum; here that is already resolved to a number).
 *
 * @param maxInflight unacknowledged outbound QoS 1/2 messages at once
 * @param maxQueued   messages waiting behind the inflight window or for an offline client
 * @param maxQueuedBytes payload bytes of those messages (max_queued_bytes)
 * @param budget      the broker-wide budget every session's held bytes count against
 */
public record SessionLimits(int maxInflight, int maxQueued, long maxQueuedBytes, MemoryBudget budget) {
    public SessionLimits {
        if (maxInflight < 1 || maxQueued < 0 || maxQueuedBytes < 0) {
            throw new IllegalArgumentException("maxInflight >= 1, maxQueued >= 0 and maxQueuedBytes >= 0 required");
        }
    }

    /** Limits without a byte bound or budget (tests). */
    public SessionLimits(int maxInflight, int maxQueued) {
        this(maxInflight, maxQueued, Long.MAX_VALUE, new MemoryBudget(Long.MAX_VALUE));
    }
}
