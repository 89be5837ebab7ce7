package dev.midge.broker.inbound;

import dev.midge.broker.BrokerContext;
import dev.midge.broker.acl.ClientAccess;
import dev.midge.broker.auth.Credentials;
import dev.midge.broker.auth.EnhancedAuthenticator.Step;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.config.TlsSettings;
import dev.midge.broker.connection.MqttConnection;
import dev.midge.broker.session.Peer;
import dev.midge.broker.security.ListenerSecurity;
import dev.midge.broker.session.LastWill;
import dev.midge.broker.session.Session;
import dev.midge.broker.tls.PeerIdentity;
import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Will;
import dev.midge.codec.topic.Topic;
import io.netty.channel.EventLoop;
import java.util.UUID;

/**
 * CONNECT: client identifier rules, keep-alive, access, and binding a session: a new one, the
 * client's stored one (session present), or one taken over from a connection still open under the
 * same client id [MQTT-3.1.4-2]. Runs on the new connection's loop; the takeover part runs on the
 * old session's owner loop and hands back.
 */
public final class ConnectInbound {
    private ConnectInbound() {
    }

    /** What the CONNECT settled, carried from the checks to the CONNACK. */
    private record Accepted(Connect connect, String clientId, boolean assignedId, long expirySeconds,
                            int keepAlive, boolean serverKeepAlive, Peer peer, Step auth, String username) {
        Accepted with(long expiry, Step step, String user) {
            return new Accepted(connect, clientId, assignedId, expiry, keepAlive, serverKeepAlive, peer, step, user);
        }
    }

    public static void handle(MqttConnection conn, Connect connect) {
        BrokerConfig config = conn.broker().config();
        boolean v5 = connect.version().isV5();
        String clientId = connect.clientId();
        boolean assigned = false;
        if (clientId.isEmpty()) {
            if (!v5 && (!connect.cleanStart() || connect.version() == MqttVersion.MQTT_3_1)) {
                // [MQTT-3.1.3-8] (3.1.1) an empty id needs clean session; MQTT 3.1 requires an id
                refuse(conn, ReasonCode.V3_IDENTIFIER_REJECTED, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                        "empty client id without clean session");
                return;
            }
            // [MQTT-3.1.3-6] the server assigns a unique id (MQTT 5 tells it in CONNACK)
            clientId = "auto-" + UUID.randomUUID();
            assigned = true;
        }
        conn.clientId(clientId);
        int keepAlive = connect.keepAliveSeconds();
        boolean serverKeepAlive = false;
        if (keepAlive > config.maxKeepalive() || keepAlive == 0 && config.maxKeepalive() < 65535) {
            if (!v5) {
                // Mosquitto: a 3.x client cannot be told a lower keep-alive, so it is refused
                refuse(conn, ReasonCode.V3_IDENTIFIER_REJECTED, 0, "keep alive " + keepAlive
                        + " above max_keepalive " + config.maxKeepalive());
                return;
            }
            // [MQTT-3.2.2-21] the client must use the server keep alive it is given
            keepAlive = config.maxKeepalive();
            serverKeepAlive = true;
        }
        String method = connect.properties().string(Property.AUTHENTICATION_METHOD);
        Accepted a = new Accepted(connect, clientId, assigned, 0, keepAlive, serverKeepAlive,
                peer(conn, connect), null, connect.username());
        if (method != null) {
            byte[] data = connect.properties().binary(Property.AUTHENTICATION_DATA);
            AuthInbound.beginAtConnect(conn, method, data == null ? new byte[0] : data,
                    step -> authorize(conn, a, step));
        } else {
            authorize(conn, a, null);
        }
    }

    /**
     * After enhanced authentication (if any): the user name (from the client certificate when the
     * listener says so), anonymous access, then the password check off the event loop.
     */
    private static void authorize(MqttConnection conn, Accepted a, Step auth) {
        ListenerSecurity security = conn.listener().security();
        String username = a.connect().username();
        TlsSettings tls = conn.listener().listener().tls();
        boolean fromCertificate = tls != null && tls.usernameFromCertificate();
        if (fromCertificate) {
            username = PeerIdentity.of(conn.channel(), tls);
            if (username == null) {
                refuse(conn, ReasonCode.V3_NOT_AUTHORIZED, ReasonCode.NOT_AUTHORIZED,
                        "no verified client certificate to take the user name from");
                return;
            }
        }
        if (auth == null && username == null && !security.allowAnonymous()) {
            refuse(conn, ReasonCode.V3_NOT_AUTHORIZED, ReasonCode.NOT_AUTHORIZED,
                    "anonymous access is off (allow_anonymous false)");
            return;
        }
        Accepted named = a.with(0, auth, username);
        if (auth != null || username == null) {
            admit(conn, named);
            return;
        }
        Credentials credentials = new Credentials(a.clientId(), username, a.connect().password(),
                conn.remoteSocketAddress(), fromCertificate);
        conn.broker().authentication().check(security, credentials, conn.eventLoop(), result -> {
            if (!conn.isOpen()) {
                return;
            }
            switch (result) {
                case ALLOWED -> admit(conn, named);
                // 3.1.1 answers 5 (not authorized), as Mosquitto does; MQTT 5 says which
                case DENIED -> refuse(conn, ReasonCode.V3_NOT_AUTHORIZED, ReasonCode.BAD_USER_NAME_OR_PASSWORD,
                        "bad user name or password");
                case BUSY -> refuse(conn, ReasonCode.V3_SERVER_UNAVAILABLE, ReasonCode.SERVER_BUSY,
                        "too many logins waiting to be checked");
            }
        });
    }

    /** An authenticated client: its ACL, what its will asks for, then the session. */
    private static void admit(MqttConnection conn, Accepted a) {
        BrokerConfig config = conn.broker().config();
        Connect connect = a.connect();
        boolean v5 = connect.version().isV5();
        ClientAccess access = conn.listener().security().access(a.clientId(), a.username());
        conn.access(access);
        if (connect.will() != null && !access.canPublish(Topic.of(connect.will().topic()))) {
            refuse(conn, ReasonCode.V3_NOT_AUTHORIZED, ReasonCode.NOT_AUTHORIZED,
                    "the ACL denies write access to the will topic " + connect.will().topic());
            return;
        }
        if (connect.will() != null && connect.will().qos().value() > config.maxQos()) {
            // [MQTT-3.2.2-12] a will above the maximum QoS is refused
            refuse(conn, ReasonCode.V3_NOT_AUTHORIZED, ReasonCode.QOS_NOT_SUPPORTED, "will QoS above max_qos");
            return;
        }
        if (connect.will() != null && connect.will().retain() && !config.retainAvailable()) {
            // [MQTT-3.2.2-13] a retained will when retain is not available is refused
            refuse(conn, ReasonCode.V3_NOT_AUTHORIZED, ReasonCode.RETAIN_NOT_SUPPORTED,
                    "retained will with retain_available false");
            return;
        }
        long expiry = v5 ? orZero(connect.properties().fourByte(Property.SESSION_EXPIRY_INTERVAL))
                : connect.cleanStart() ? 0 : Session.NEVER_EXPIRES;
        bind(conn, a.with(expiry, a.auth(), a.username()));
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    private static Peer peer(MqttConnection conn, Connect connect) {
        if (!connect.version().isV5()) {
            return Peer.v3(conn, connect.version());
        }
        Properties p = connect.properties();
        Integer receiveMax = p.integer(Property.RECEIVE_MAXIMUM);
        Long maxPacket = p.fourByte(Property.MAXIMUM_PACKET_SIZE);
        Integer aliasMax = p.integer(Property.TOPIC_ALIAS_MAXIMUM);
        return new Peer(conn, connect.version(), receiveMax == null ? 65535 : receiveMax,
                maxPacket == null ? Long.MAX_VALUE : maxPacket, aliasMax == null ? 0 : aliasMax);
    }

    static void refuse(MqttConnection conn, int v3Code, int v5Code, String why) {
        boolean v5 = conn.isV5();
        Properties props = v5 && conn.problemInformation()
                ? Properties.builder().put(Property.REASON_STRING, why).build() : Properties.EMPTY;
        conn.refuse(new Connack(false, v5 ? (v5Code == 0 ? ReasonCode.UNSPECIFIED_ERROR : v5Code) : v3Code, props),
                why);
    }

    private static void bind(MqttConnection conn, Accepted a) {
        BrokerContext broker = conn.broker();
        EventLoop loop = conn.eventLoop();
        Session existing = broker.sessions().get(a.clientId());
        if (existing == null) {
            Session fresh = newSession(broker, a, loop);
            existing = broker.sessions().putIfAbsent(fresh);
            if (existing == null) {
                complete(conn, fresh, false, a, false);
                return;
            }
        }
        Session found = existing;
        found.onOwner(() -> takeOver(conn, a, found));
    }

    /** On the existing session's owner loop: close its connection, then resume or replace it. */
    private static void takeOver(MqttConnection conn, Accepted a, Session old) {
        BrokerContext broker = conn.broker();
        EventLoop loop = conn.eventLoop();
        if (old.isDiscarded()) {
            // It ended between lookup and now: start over on the new connection's loop.
            loop.execute(() -> bind(conn, a));
            return;
        }
        if (old.link() instanceof MqttConnection oldConnection) {
            oldConnection.closeForTakeover();
            for (var orphan : old.detach(oldConnection)) {
                old.accept(orphan); // shared messages stay: the same client is back at once
            }
        }
        if (a.connect().cleanStart() || !old.persistent()) {
            // [MQTT-3.1.2-4] clean start: discard the previous session and start a new one
            Session fresh = newSession(broker, a, loop);
            broker.lifecycle().end(old);
            if (broker.sessions().putIfAbsent(fresh) != null) {
                loop.execute(() -> bind(conn, a));
                return;
            }
            loop.execute(() -> complete(conn, fresh, false, a, true));
        } else {
            // [MQTT-3.1.2-5] resume the stored session; the session present flag says so
            old.expirySeconds(a.expirySeconds());
            old.moveTo(loop);
            loop.execute(() -> complete(conn, old, true, a, true));
        }
    }

    private static Session newSession(BrokerContext broker, Accepted a, EventLoop loop) {
        return new Session(a.clientId(), a.expirySeconds(), broker.sessionLimits(), broker.metrics(), broker.store(),
                loop);
    }

    /**
     * On the session's (new) owner loop, which is the connection's: CONNACK once what the connect
     * stored is durable. A new session that is not kept and replaced nothing stored nothing, so its
     * CONNACK goes out at once instead of waiting for a round trip through the store's writer.
     */
    private static void complete(MqttConnection conn, Session session, boolean present, Accepted a,
                                 boolean tookOver) {
        String previousUser = session.access().username();
        session.access(conn.access());
        if (!present || !java.util.Objects.equals(previousUser, conn.access().username())) {
            session.persist(); // the record carries the user name the ACL is checked with after a restart
        }
        Will will = a.connect().will();
        // kept in the store until published or discarded, so that a crash does not lose it
        LastWill lastWill = will == null ? null
                : new LastWill(will, conn.broker().store().putWill(a.clientId(), conn.access().username(), will));
        Connack connack = new Connack(present, ReasonCode.SUCCESS, connackProperties(conn, a));
        Runnable answer = () -> conn.accepted(session, a.connect(), lastWill, connack, a.peer(), a.keepAlive());
        if (tookOver || session.persistent() || will != null) {
            conn.broker().store().afterDurable(conn.eventLoop(), conn, answer);
        } else {
            answer.run();
        }
    }

    /** What an MQTT 5 client learns about the broker's limits in CONNACK (spec 3.2.2.3). */
    private static Properties connackProperties(MqttConnection conn, Accepted a) {
        if (!conn.isV5()) {
            return Properties.EMPTY;
        }
        BrokerConfig config = conn.broker().config();
        Properties.Builder b = Properties.builder();
        if (a.assignedId()) {
            b.put(Property.ASSIGNED_CLIENT_IDENTIFIER, a.clientId());
        }
        if (a.serverKeepAlive()) {
            b.put(Property.SERVER_KEEP_ALIVE, a.keepAlive());
        }
        b.put(Property.RECEIVE_MAXIMUM, conn.broker().sessionLimits().maxInflight());
        b.put(Property.TOPIC_ALIAS_MAXIMUM, config.maxTopicAlias());
        if (config.maxQos() < 2) {
            // [MQTT-3.2.2-9] only a maximum below 2 is announced (2 is not a legal value)
            b.put(Property.MAXIMUM_QOS, config.maxQos());
        }
        b.put(Property.RETAIN_AVAILABLE, config.retainAvailable() ? 1 : 0);
        b.put(Property.WILDCARD_SUBSCRIPTION_AVAILABLE, 1);
        b.put(Property.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 1);
        b.put(Property.SHARED_SUBSCRIPTION_AVAILABLE, 1);
        if (config.maxPacketSize() > 0) {
            b.put(Property.MAXIMUM_PACKET_SIZE, (long) config.maxPacketSize());
        }
        if (a.auth() != null) {
            // spec 4.12: the CONNACK ends the exchange with the method and the server's last data
            b.put(Property.AUTHENTICATION_METHOD, a.connect().properties().string(Property.AUTHENTICATION_METHOD));
            if (a.auth().data().length > 0) {
                b.put(Property.AUTHENTICATION_DATA, a.auth().data());
            }
        }
        return b.build();
    }
}
