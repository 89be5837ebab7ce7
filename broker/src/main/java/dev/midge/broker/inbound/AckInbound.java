package dev.midge.broker.inbound;

import dev.midge.broker.connection.MqttConnection;
import dev.midge.broker.session.Session;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Pubcomp;
import dev.midge.codec.packet.PublishAck;
import dev.midge.codec.packet.Pubrel;
import dev.midge.codec.packet.ReasonCode;

/**
 * Acknowledgements from the client: PUBACK, PUBREC and PUBCOMP for the broker's deliveries to it,
 * PUBREL for its own QoS 2 PUBLISHes.
 */
public final class AckInbound {
    private AckInbound() {
    }

    /** PUBACK, PUBREC or PUBCOMP: the session's outbound flow moves on. */
    public static void delivery(MqttConnection conn, PublishAck ack) {
        Session session = conn.session();
        boolean known = switch (ack.type()) {
            case PUBACK -> session.onPuback(ack.packetId());
            case PUBREC -> session.onPubrec(ack.packetId(), ReasonCode.isError(ack.reasonCode()));
            case PUBCOMP -> session.onPubcomp(ack.packetId());
            default -> throw new IllegalArgumentException("not a delivery acknowledgement: " + ack.type());
        };
        if (!known) {
            conn.broker().log().event("Client {} sent {} for packet id {} that is not in flight; ignored.",
                    conn.clientId(), ack.type(), ack.packetId());
        }
    }

    /** PUBREL: the client's QoS 2 message is released, and PUBCOMP answers it. */
    public static void release(MqttConnection conn, Pubrel pubrel) {
        // spec 4.3.3: PUBREL is always answered with PUBCOMP; MQTT 5 says when the id was unknown
        boolean known = conn.session().inboundQos2().release(pubrel.packetId());
        int reason = known || !conn.isV5() ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
        Pubcomp pubcomp = new Pubcomp(pubrel.packetId(), reason, Properties.EMPTY);
        // the id is free once PUBCOMP is out: its release must be durable first, or a restart
        // would take the next message under that id for a retransmission
        conn.broker().store().afterDurable(conn.eventLoop(), conn, () -> conn.send(pubcomp));
    }
}
