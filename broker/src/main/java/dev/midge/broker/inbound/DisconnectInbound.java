package dev.midge.broker.inbound;

import dev.midge.broker.connection.MqttConnection;
import dev.midge.broker.session.Session;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.ReasonCode;

/**
 * DISCONNECT from the client: the will is discarded [MQTT-3.14.4-3] unless an MQTT 5 client asks
 * for it with reason 0x04; an MQTT 5 client may change its session expiry, but not from 0
 * [MQTT-3.14.2-2].
 */
public final class DisconnectInbound {
    private DisconnectInbound() {
    }

    public static void handle(MqttConnection conn, Disconnect disconnect) {
        Session session = conn.session();
        Long expiry = disconnect.properties().fourByte(Property.SESSION_EXPIRY_INTERVAL);
        if (expiry != null) {
            if (session.expirySeconds() == 0 && expiry != 0) {
                conn.disconnect(ReasonCode.PROTOCOL_ERROR, "session expiry set on DISCONNECT after 0 in CONNECT");
                return;
            }
            session.expirySeconds(expiry);
        }
        conn.closeByClient(disconnect.reasonCode() == ReasonCode.DISCONNECT_WITH_WILL);
    }
}
