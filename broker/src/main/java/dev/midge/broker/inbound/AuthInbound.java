package dev.midge.broker.inbound;

import dev.midge.broker.auth.EnhancedAuthenticator;
import dev.midge.broker.auth.EnhancedAuthenticator.Step;
import dev.midge.broker.connection.MqttConnection;
import dev.midge.codec.packet.Auth;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.ReasonCode;
import java.util.function.Consumer;

/**
 * MQTT 5 enhanced authentication (spec 4.12): the AUTH exchange that starts with a CONNECT
 * carrying an Authentication Method, and re-authentication (AUTH 0x19) on a live connection.
 * Runs on the connection's event loop.
 */
public final class AuthInbound {
    private AuthInbound() {
    }

    /** An exchange in progress on one connection. */
    public static final class Flow {
        private final String method;
        private final EnhancedAuthenticator.Exchange exchange;
        private final Consumer<Step> onSuccess;
        private final boolean atConnect;

        private Flow(String method, EnhancedAuthenticator.Exchange exchange, Consumer<Step> onSuccess,
                     boolean atConnect) {
            this.method = method;
            this.exchange = exchange;
            this.onSuccess = onSuccess;
            this.atConnect = atConnect;
        }

        public boolean atConnect() {
            return atConnect;
        }
    }

    /**
     * Starts authentication for a CONNECT with an Authentication Method; {@code onSuccess} gets
     * the final step (its data goes into the CONNACK). An unknown method is refused with 0x8C.
     */
    static void beginAtConnect(MqttConnection conn, String method, byte[] data, Consumer<Step> onSuccess) {
        EnhancedAuthenticator a = conn.broker().authenticators().find(method);
        if (a == null) {
            ConnectInbound.refuse(conn, ReasonCode.V3_NOT_AUTHORIZED, ReasonCode.BAD_AUTHENTICATION_METHOD,
                    "authentication method " + method + " is not offered");
            return;
        }
        Flow flow = new Flow(method, a.begin(conn.clientId()), onSuccess, true);
        conn.authentication(method, flow);
        advance(conn, flow, data);
    }

    /** Before CONNACK only AUTH and DISCONNECT may come (spec 4.12). */
    public static void duringConnect(MqttConnection conn, MqttPacket packet) {
        switch (packet.type()) {
            case AUTH -> handle(conn, (Auth) packet);
            case DISCONNECT -> conn.channel().close();
            default -> {
                conn.broker().log().event("Client {} sent {} during authentication; closing.", conn.clientId(),
                        packet.type());
                conn.channel().close();
            }
        }
    }

    /** An AUTH packet from the client: the next step of an exchange, or a re-authentication. */
    public static void handle(MqttConnection conn, Auth auth) {
        String method = auth.properties().string(Property.AUTHENTICATION_METHOD);
        if (conn.authenticationMethod() == null || !conn.authenticationMethod().equals(method)) {
            // [MQTT-4.12.0-7] no AUTH without a method at CONNECT; [MQTT-4.12.1-1] the same method
            conn.disconnect(ReasonCode.PROTOCOL_ERROR, "AUTH with method " + method + " after CONNECT with "
                    + conn.authenticationMethod());
            return;
        }
        byte[] data = orEmpty(auth.properties().binary(Property.AUTHENTICATION_DATA));
        Flow flow = conn.authenticationFlow();
        if (auth.reasonCode() == ReasonCode.REAUTHENTICATE && (flow == null || !flow.atConnect)) {
            EnhancedAuthenticator a = conn.broker().authenticators().find(method);
            Flow re = new Flow(method, a.begin(conn.clientId()), step ->
                    conn.channel().writeAndFlush(auth(ReasonCode.SUCCESS, method, step.data())), false);
            conn.authentication(method, re);
            advance(conn, re, data);
        } else if (auth.reasonCode() == ReasonCode.CONTINUE_AUTHENTICATION && flow != null) {
            advance(conn, flow, data);
        } else {
            conn.disconnect(ReasonCode.PROTOCOL_ERROR, "unexpected AUTH reason 0x"
                    + Integer.toHexString(auth.reasonCode()));
        }
    }

    private static void advance(MqttConnection conn, Flow flow, byte[] data) {
        Step step = flow.exchange.step(data);
        switch (step.outcome()) {
            case CONTINUE -> conn.channel().writeAndFlush(auth(ReasonCode.CONTINUE_AUTHENTICATION, flow.method,
                    step.data()));
            case SUCCESS -> {
                conn.authentication(flow.method, null);
                flow.onSuccess.accept(step);
            }
            case FAILURE -> {
                conn.authentication(flow.method, null);
                if (flow.atConnect) {
                    ConnectInbound.refuse(conn, ReasonCode.V3_BAD_USER_NAME_OR_PASSWORD,
                            ReasonCode.BAD_USER_NAME_OR_PASSWORD, step.reason());
                } else {
                    conn.disconnect(ReasonCode.NOT_AUTHORIZED, "re-authentication failed: " + step.reason());
                }
            }
        }
    }

    private static Auth auth(int reason, String method, byte[] data) {
        Properties.Builder b = Properties.builder().put(Property.AUTHENTICATION_METHOD, method);
        if (data.length > 0) {
            b.put(Property.AUTHENTICATION_DATA, data);
        }
        return new Auth(reason, b.build());
    }

    private static byte[] orEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }
}
