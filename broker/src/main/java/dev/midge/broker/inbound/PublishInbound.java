package dev.midge.broker.inbound;

import dev.midge.broker.BrokerContext;
import dev.midge.broker.connection.MqttConnection;
import dev.midge.broker.session.Session;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Pubrec;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.topic.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * An inbound PUBLISH (topic alias already resolved): validate, flow control, QoS 2
 * de-duplication, retain, route, and the acknowledgement, which goes out only once the store has
 * made the message durable (DESIGN.md, PUBLISH path).
 */
public final class PublishInbound {
    /** {@link #refusal}'s answer for a message that may be routed. */
    private static final int ROUTE = -1;

    private PublishInbound() {
    }

    public static void handle(MqttConnection conn, Publish publish) {
        BrokerContext broker = conn.broker();
        Session session = conn.session();
        if (!publish.properties().subscriptionIdentifiers().isEmpty()) {
            // [MQTT-3.3.4-6] a client must not send subscription identifiers
            conn.disconnect(ReasonCode.PROTOCOL_ERROR, "PUBLISH with a subscription identifier");
            return;
        }
        if (publish.qos().value() > broker.config().maxQos()) {
            // [MQTT-3.2.2-11] above the announced maximum QoS
            conn.disconnect(ReasonCode.QOS_NOT_SUPPORTED, "PUBLISH QoS " + publish.qos().value() + " above max_qos");
            return;
        }
        if (publish.retain() && !broker.config().retainAvailable()) {
            // [MQTT-3.2.2-14] retain is not available
            conn.disconnect(ReasonCode.RETAIN_NOT_SUPPORTED, "retained PUBLISH with retain_available false");
            return;
        }
        if (publish.qos() == Qos.EXACTLY_ONCE && conn.isV5()
                && session.inboundQos2().count() >= broker.sessionLimits().maxInflight()
                && !session.inboundQos2().awaits(publish.packetId())) {
            // [MQTT-3.3.4-8] more unacknowledged QoS 2 messages than the receive maximum we announced
            conn.disconnect(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, "receive maximum exceeded");
            return;
        }
        Topic topic = Topic.of(publish.topic()); // once: the ACL check and the routing both need it
        int refusal = refusal(conn, publish, topic);
        if (refusal == ROUTE && publish.qos() != Qos.AT_MOST_ONCE && broker.sessionLimits().budget().isFull()) {
            if (conn.isV5()) {
                refusal = ReasonCode.QUOTA_EXCEEDED; // the publisher may try again later
                broker.metrics().publishDropped();
            } else {
                // 3.x has no way to say no: take this one, then stop reading until there is room
                broker.sessionLimits().budget().pause(conn.channel());
            }
        }
        if (refusal == ReasonCode.PAYLOAD_FORMAT_INVALID && publish.qos() == Qos.AT_MOST_ONCE) {
            // spec 3.3.2.3.2: with no acknowledgement to carry it, the connection is closed
            conn.disconnect(refusal, "payload is not the UTF-8 its payload format indicator says");
            return;
        }
        switch (publish.qos()) {
            case AT_MOST_ONCE -> {
                if (refusal == ROUTE) {
                    route(broker, conn, publish, topic);
                }
            }
            case AT_LEAST_ONCE -> {
                Routed routed = refusal != ROUTE ? new Routed(refusal, false)
                        : routeDurably(broker, conn, publish, topic, () -> true);
                acknowledge(broker, conn, new Puback(publish.packetId(), routed.reason, Properties.EMPTY), routed);
            }
            case EXACTLY_ONCE -> {
                // [MQTT-4.3.3-2] a PUBLISH whose id still awaits PUBREL is a retransmission: no second delivery
                Routed routed = refusal != ROUTE ? new Routed(refusal, false)
                        : routeDurably(broker, conn, publish, topic, () -> session.inboundQos2().begin(publish.packetId()));
                acknowledge(broker, conn, new Pubrec(publish.packetId(), routed.reason, Properties.EMPTY), routed);
            }
        }
    }

    /**
     * Routes when {@code admit} says so, as one atomic store unit: the inbound QoS 2 packet id and
     * the queue entries of the message become durable together, or not at all.
     */
    private static Routed routeDurably(BrokerContext broker, MqttConnection conn, Publish publish, Topic topic,
                                       BooleanSupplier admit) {
        int[] reason = {ReasonCode.SUCCESS};
        boolean wrote = broker.store().atomically(() -> {
            if (admit.getAsBoolean()) {
                reason[0] = route(broker, conn, publish, topic);
            }
        });
        return new Routed(reason[0], wrote);
    }

    /** The acknowledgement's reason code, and whether the store has to make something durable first. */
    private record Routed(int reason, boolean stored) {
    }

    /**
     * Why the message is not routed, as the acknowledgement's reason code (0 for a silent 3.x drop),
     * or {@link #ROUTE} when it is fine.
     */
    private static int refusal(MqttConnection conn, Publish publish, Topic topic) {
        BrokerContext broker = conn.broker();
        int limit = broker.config().messageSizeLimit();
        if (limit > 0 && publish.payload().length > limit) {
            // Mosquitto's message_size_limit: the message is dropped; QoS 1/2 flows still complete
            broker.log().event("Client {} sent a {} byte message above message_size_limit; dropped.",
                    conn.clientId(), publish.payload().length);
            broker.metrics().publishDropped();
            return conn.isV5() ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.SUCCESS;
        }
        if (!conn.access().canPublish(topic)) {
            // acl_file: 3.x cannot be told, so the flow completes and the message is dropped (as Mosquitto)
            broker.log().event("Denied PUBLISH from {} (d{}, q{}, r{}, m{}, '{}', ... ({} bytes))", conn.clientId(),
                    publish.dup() ? 1 : 0, publish.qos().value(), publish.retain() ? 1 : 0, publish.packetId(),
                    publish.topic(), publish.payload().length);
            return conn.isV5() ? ReasonCode.NOT_AUTHORIZED : ReasonCode.SUCCESS;
        }
        Integer format = publish.properties().integer(Property.PAYLOAD_FORMAT_INDICATOR);
        if (format != null && format == 1 && !isUtf8(publish.payload())) {
            return ReasonCode.PAYLOAD_FORMAT_INVALID; // [MQTT-3.3.2-4] may be checked by the server
        }
        return ROUTE;
    }

    private static boolean isUtf8(byte[] payload) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Routes and returns the acknowledgement's reason code: 0x10 when nobody subscribed (MQTT 5). */
    private static int route(BrokerContext broker, MqttConnection conn, Publish publish, Topic topic) {
        int handed = broker.distributor().distribute(topic, publish, conn.clientId());
        return handed == 0 && conn.isV5() ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS;
    }

    /**
     * Sends the acknowledgement once what it promises is durable. A message that stored nothing
     * (no persistent subscriber, no retain, a clean publisher) is acknowledged at once, unless
     * an earlier acknowledgement on this connection still waits for the store: they go out in
     * the order the PUBLISHes came [MQTT-4.6.0-2].
     */
    private static void acknowledge(BrokerContext broker, MqttConnection conn, MqttPacket ack, Routed routed) {
        if (!routed.stored && conn.acksAwaitingStore() == 0) {
            conn.send(ack);
            return;
        }
        conn.ackAwaitsStore(+1);
        broker.store().afterDurable(conn.eventLoop(), conn, () -> {
            conn.ackAwaitsStore(-1);
            conn.send(ack);
        });
    }
}
