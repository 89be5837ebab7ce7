package dev.midge.broker.connection;

import dev.midge.broker.acl.ClientAccess;
import dev.midge.broker.inbound.AuthInbound;
import dev.midge.broker.session.Session;
import dev.midge.broker.store.Store;
import dev.midge.codec.packet.MqttVersion;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Who is on a connection, as its CONNECT and the broker's checks settled it: protocol version,
 * client id, access, bound session, authentication, whether it wants problem information; and
 * the store's marks for it. Set by {@link MqttConnection} (and the inbound handlers through it),
 * read by everything that serves the client. Everything here runs on the connection's loop, but
 * the store's round mark, which the store's writer sets too.
 */
abstract class ConnectedClient extends ConnectionLink implements Store.Waiter {
    private static final VarHandle SYNC_ROUND;

    static {
        try {
            SYNC_ROUND = MethodHandles.lookup().findVarHandle(ConnectedClient.class, "syncRound", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What this client may publish and read; set when its CONNECT is accepted. */
    private ClientAccess access = ClientAccess.UNRESTRICTED;
    private MqttVersion version;
    private String clientId;
    private Session session;
    private boolean problemInformation = true;
    private String authMethod;
    private AuthInbound.Flow authFlow;
    /** PUBACKs / PUBRECs waiting for the store: while there are any, later ones queue behind them. */
    private int acksAwaitingStore;
    /** The store writer's mark of the last gathering round it counted this client in (set from two threads). */
    @SuppressWarnings("unused") // through SYNC_ROUND
    private volatile Object syncRound;

    @Override
    public final Object swapSyncRound(Object round) {
        return SYNC_ROUND.getAndSet(this, round);
    }

    public final ClientAccess access() {
        return access;
    }

    public final void access(ClientAccess access) {
        this.access = access;
    }

    public final MqttVersion version() {
        return version;
    }

    final void version(MqttVersion version) {
        this.version = version;
    }

    public final boolean isV5() {
        return version == MqttVersion.MQTT_5;
    }

    public final String clientId() {
        return clientId;
    }

    public final void clientId(String id) {
        this.clientId = id;
    }

    public final Session session() {
        return session;
    }

    final void session(Session bound) {
        this.session = bound;
    }

    public final int acksAwaitingStore() {
        return acksAwaitingStore;
    }

    public final void ackAwaitsStore(int delta) {
        acksAwaitingStore += delta;
    }

    /** The enhanced authentication method of this connection, or null. */
    public final String authenticationMethod() {
        return authMethod;
    }

    /** The authentication exchange in progress, or null. */
    public final AuthInbound.Flow authenticationFlow() {
        return authFlow;
    }

    /** Records the authentication method and the exchange in progress (null when it ends). */
    final void authenticating(String method, AuthInbound.Flow flow) {
        this.authMethod = method;
        this.authFlow = flow;
    }

    /** Whether reason strings and user properties may go on acknowledgements (spec 3.1.2.11.7). */
    public final boolean problemInformation() {
        return problemInformation;
    }

    final void problemInformation(boolean wanted) {
        this.problemInformation = wanted;
    }
}
