package dev.midge.broker.inbound;

import dev.midge.broker.BrokerContext;
import dev.midge.broker.connection.MqttConnection;
import dev.midge.broker.session.Session;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.ReasonCode;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.UUID;

/**
 * CONNECT: client identifier rules, access, and binding a session: a new one, the client's
 * persistent one (session present), or one taken over from a connection still open under the same
 * client id [MQTT-3.1.4-2]. Runs on the new connection's loop; the takeover part runs on the old
 * session's owner loop and hands back.
 */
public final class ConnectInbound {
    private ConnectInbound() {
    }

    public static void handle(MqttConnection conn, Connect connect) {
        BrokerContext broker = conn.broker();
        if (connect.version() == MqttVersion.MQTT_5) {
            // MQTT 5 sessions come with the MQTT 5 issue; refuse cleanly rather than half-speak it.
            conn.refuse(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, "MQTT 5 is not supported yet");
            return;
        }
        String clientId = connect.clientId();
        conn.clientId(clientId.isEmpty() ? null : clientId);
        if (clientId.isEmpty()) {
            if (!connect.cleanStart() || connect.version() == MqttVersion.MQTT_3_1) {
                // [MQTT-3.1.3-8] an empty id needs clean session; MQTT 3.1 requires 1-23 characters
                conn.refuse(ReasonCode.V3_IDENTIFIER_REJECTED, "empty client id without clean session");
                return;
            }
            // [MQTT-3.1.3-6] the server assigns a unique id
            clientId = "auto-" + UUID.randomUUID();
            conn.clientId(clientId);
        }
        if (connect.keepAliveSeconds() > broker.config().maxKeepalive()) {
            // Mosquitto: a 3.x client cannot be told a lower keep-alive, so it is refused
            conn.refuse(ReasonCode.V3_IDENTIFIER_REJECTED, "keep alive " + connect.keepAliveSeconds()
                    + " above max_keepalive " + broker.config().maxKeepalive());
            return;
        }
        if (connect.username() == null && !broker.config().allowAnonymous()) {
            conn.refuse(ReasonCode.V3_NOT_AUTHORIZED, "anonymous access is off (allow_anonymous false)");
            return;
        }
        bind(conn, connect, clientId);
    }

    private static void bind(MqttConnection conn, Connect connect, String clientId) {
        BrokerContext broker = conn.broker();
        EventLoop loop = conn.channel().eventLoop();
        Session existing = broker.sessions().get(clientId);
        if (existing == null) {
            Session fresh = newSession(broker, clientId, connect, loop);
            existing = broker.sessions().putIfAbsent(fresh);
            if (existing == null) {
                conn.accepted(fresh, false, connect, clientId);
                return;
            }
        }
        Session found = existing;
        found.onOwner(() -> takeOver(conn, connect, clientId, found));
    }

    /** On the existing session's owner loop: close its connection, then resume or replace it. */
    private static void takeOver(MqttConnection conn, Connect connect, String clientId, Session old) {
        BrokerContext broker = conn.broker();
        if (old.isDiscarded()) {
            // It ended between lookup and now: start over on the new connection's loop.
            conn.channel().eventLoop().execute(() -> bind(conn, connect, clientId));
            return;
        }
        Channel oldChannel = old.channel();
        if (oldChannel != null) {
            oldChannel.pipeline().get(MqttConnection.class).takenOver();
            old.detach(oldChannel);
            oldChannel.close();
        }
        EventLoop loop = conn.channel().eventLoop();
        if (connect.cleanStart() || !old.persistent()) {
            // [MQTT-3.1.2-6] clean session: discard the previous session and start a new one
            Session fresh = newSession(broker, clientId, connect, loop);
            broker.sessions().end(old, broker.topics());
            if (broker.sessions().putIfAbsent(fresh) != null) {
                loop.execute(() -> bind(conn, connect, clientId));
                return;
            }
            loop.execute(() -> conn.accepted(fresh, false, connect, clientId));
        } else {
            // [MQTT-3.1.2-4] resume the stored session; the session present flag says so
            old.moveTo(loop);
            loop.execute(() -> conn.accepted(old, true, connect, clientId));
        }
    }

    private static Session newSession(BrokerContext broker, String clientId, Connect connect, EventLoop loop) {
        return new Session(clientId, !connect.cleanStart(), broker.sessionLimits(), broker.metrics(), loop);
    }
}
