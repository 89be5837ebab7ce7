package dev.midge.broker.store;

import dev.midge.broker.session.Message;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import java.util.List;

/** What {@link Store#recover} hands back at startup, one record at a time. */
public interface Recovery {
    void session(String clientId, long expirySeconds);

    void subscription(String clientId, String filter, Subscription options, int subscriptionId);

    /**
     * A queued message; {@code packetId} is 0 unless it had gone out, {@code released} tells
     * whether PUBREC had come for it.
     */
    void queued(String clientId, long seq, Message message, Qos qos, boolean retain, List<Integer> subscriptionIds,
                int packetId, boolean released);

    void inboundQos2(String clientId, int packetId);

    void retained(String topic, Message message);
}
