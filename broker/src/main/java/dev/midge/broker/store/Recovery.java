package dev.midge.broker.store;

import dev.midge.broker.session.Message;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.packet.Will;
import java.util.List;

/** What {@link Store#recover} hands back at startup, one record at a time. */
public interface Recovery {
    void session(String clientId, long expirySeconds, String username);

    void subscription(String clientId, String filter, Subscription options, int subscriptionId);

    /**
     * A message that had gone out under {@code packetId} and is not yet acknowledged;
     * {@code released} tells whether PUBREC had come for it. These are read in full at startup.
     */
    void queued(String clientId, long seq, Message message, Qos qos, boolean retain, List<Integer> subscriptionIds,
                int packetId, boolean released);

    /**
     * A message still waiting to go out: only its key is read at startup; the session pages it in
     * with {@link Store#readQueue} when it is about to be sent.
     */
    void waiting(String clientId, long seq);

    void inboundQos2(String clientId, int packetId);

    void retained(String topic, Message message);

    /**
     * The will of a client that was connected, or waiting out its will delay, when the broker
     * stopped: neither published nor discarded. Read after every other record.
     */
    void will(String clientId, long willId, String username, Will will);
}
