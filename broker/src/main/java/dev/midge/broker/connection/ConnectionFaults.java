package dev.midge.broker.connection;

import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.wire.MalformedPacketException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a connection ends on an error: what the client is told, what is logged and where. */
final class ConnectionFaults {
    /** Under MqttConnection's name, where these warnings were logged before they moved here. */
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private ConnectionFaults() {
    }

    static void caught(MqttConnection conn, ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof MalformedPacketException e) {
            if (!conn.connectSeen() && e.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
                // [MQTT-3.1.2-2] CONNACK 0x01 in 3.1.1 framing, then close
                conn.refuse(new Connack(false, ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION, Properties.EMPTY),
                        e.getMessage());
            } else {
                conn.disconnect(e.reasonCode(), "malformed packet: " + e.getMessage());
            }
        } else if (cause instanceof DecoderException && cause.getCause() instanceof SSLException tls) {
            conn.broker().log().event("TLS error from {}, closing: {}", conn.remoteAddress(), tls.getMessage());
            ctx.close();
        } else if (cause instanceof IOException) {
            conn.broker().log().event("Socket error on client {}, disconnecting: {}", conn.clientId(),
                    cause.getMessage());
            ctx.close();
        } else {
            LOG.warn("Unexpected error on client {} ({}), disconnecting", conn.clientId(), conn.remoteAddress(), cause);
            ctx.close();
        }
    }
}
