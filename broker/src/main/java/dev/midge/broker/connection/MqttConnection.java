package dev.midge.broker.connection;

import dev.midge.broker.BrokerContext;
import dev.midge.broker.inbound.AckInbound;
import dev.midge.broker.inbound.AuthInbound;
import dev.midge.broker.inbound.ConnectInbound;
import dev.midge.broker.inbound.DisconnectInbound;
import dev.midge.broker.inbound.PublishInbound;
import dev.midge.broker.inbound.SubscribeInbound;
import dev.midge.broker.inbound.UnsubscribeInbound;
import dev.midge.broker.session.LastWill;
import dev.midge.broker.session.Peer;
import dev.midge.broker.session.Session;
import dev.midge.broker.transport.ListenerContext;
import dev.midge.codec.packet.Auth;
import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Pingreq;
import dev.midge.codec.packet.Pingresp;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.PublishAck;
import dev.midge.codec.packet.Pubrel;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Unsubscribe;
import dev.midge.codec.wire.MalformedPacketException;
import dev.midge.codec.wire.MqttCodec;
import dev.midge.codec.wire.PacketEncoder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * The one MQTT handler of a client connection: the CONNECT gate, dispatch of every later packet
 * to its inbound handler, and the end of the connection (will, session). All of it runs on the
 * channel's event loop, which is also the owner loop of the bound session. Who the client is
 * (version, id, access, session) is kept in {@link ConnectedClient}.
 * <p>
 * Sharable only in that it joins the pipeline of each channel its socket gets, one after the
 * other: {@link ConnectionLink} lets an idle connection sleep without a channel.
 */
@ChannelHandler.Sharable
public final class MqttConnection extends ConnectedClient {
    /** What a sleeping socket's 0xE0 0x00 means, for the packet counters. */
    private static final Disconnect NORMAL_DISCONNECT = new Disconnect(ReasonCode.SUCCESS, Properties.EMPTY);

    private final BrokerContext broker;
    private final MqttChannelInitializer pipelines;
    private LastWill will;
    private InboundTopicAliases topicAliases;
    /** Packets that arrived while the CONNECT was being settled (e.g. a takeover on another loop). */
    private ArrayDeque<MqttPacket> pending;
    private boolean connectSeen;
    private boolean takenOver;

    MqttConnection(BrokerContext broker, MqttChannelInitializer pipelines) {
        this.broker = broker;
        this.pipelines = pipelines;
    }

    /** The listener this connection came in on. */
    public ListenerContext listener() {
        return pipelines.listener();
    }

    @Override
    public BrokerContext broker() {
        return broker;
    }

    /**
     * Records the connection's authentication method and the exchange in progress (null when it
     * ends). While an exchange runs before CONNACK, the socket is read for AUTH packets.
     */
    public void authentication(String method, AuthInbound.Flow flow) {
        authenticating(method, flow);
        if (pending != null) {
            channel().config().setAutoRead(flow != null);
        }
    }

    /**
     * Starts a connection accepted as a bare socket: asleep, with the connect timeout running.
     * False if the loop would not take the socket (closed then).
     */
    boolean startAsleep(EventLoop loop, int fd) {
        if (!bindAsleep(loop, fd, broker.config().connectTimeoutSeconds())) {
            return false;
        }
        logNewConnection();
        return true;
    }

    private void logNewConnection() {
        if (broker.log().enabled()) {
            Object port = localSocketAddress() instanceof InetSocketAddress a ? a.getPort() : localSocketAddress();
            broker.log().event("New connection from {} on port {}.", remoteAddress(), port);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (bound()) {
            ctx.fireChannelActive(); // a new channel for the woken socket: the connection goes on
            return;
        }
        bind(ctx.channel(), broker.config().connectTimeoutSeconds());
        logNewConnection();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        MqttPacket packet = (MqttPacket) msg;
        try {
            if (pending == null) {
                dispatch(packet);
            } else if (authenticationFlow() != null && authenticationFlow().atConnect()) {
                AuthInbound.duringConnect(this, packet);
            } else {
                pending.add(packet);
            }
        } catch (MalformedPacketException e) {
            exceptionCaught(ctx, e);
        }
    }

    private void dispatch(MqttPacket packet) {
        if (packet != Pingreq.INSTANCE) {
            traffic();
        }
        switch (packet.type()) {
            case CONNECT -> onConnect((Connect) packet);
            case PUBLISH -> PublishInbound.handle(this, topicAliases.resolve((Publish) packet));
            case PUBACK, PUBREC, PUBCOMP -> AckInbound.delivery(this, (PublishAck) packet);
            case PUBREL -> AckInbound.release(this, (Pubrel) packet);
            case SUBSCRIBE -> SubscribeInbound.handle(this, (Subscribe) packet);
            case UNSUBSCRIBE -> UnsubscribeInbound.handle(this, (Unsubscribe) packet);
            case PINGREQ -> {
                channel().writeAndFlush(Pingresp.INSTANCE, channel().voidPromise());
                pinged();
            }
            case DISCONNECT -> DisconnectInbound.handle(this, (Disconnect) packet);
            case AUTH -> AuthInbound.handle(this, (Auth) packet);
            // The decoder refuses server-to-client packets and AUTH before MQTT 5.
            default -> disconnect(ReasonCode.PROTOCOL_ERROR, "unexpected " + packet.type());
        }
    }

    @Override
    boolean beforeConnect() {
        return !connectSeen;
    }

    @Override
    void connectAsleep(Connect connect) {
        pipelines.counter().received(connect);
        dispatch(connect);
    }

    private void onConnect(Connect connect) {
        connectSeen = true;
        MqttVersion version = connect.version();
        version(version);
        Channel awake = channelIfAwake();
        if (awake != null) {
            awake.pipeline().get(MqttCodec.class).version(version);
        }
        if (version.isV5()) {
            Integer problem = connect.properties().integer(Property.REQUEST_PROBLEM_INFORMATION);
            problemInformation(problem == null || problem == 1);
        }
        int aliases = version.isV5() ? broker.config().maxTopicAlias() : 0;
        topicAliases = aliases == 0 ? InboundTopicAliases.NONE : new InboundTopicAliases(aliases);
        pending = new ArrayDeque<>(1); // rarely more than one packet waits
        ConnectInbound.handle(this, connect);
        awake = channelIfAwake();
        if (pending != null && authenticationFlow() == null && awake != null && awake.isActive()) {
            // Settled elsewhere (a password check, the store, a takeover): reads stop meanwhile.
            // A CONNECT settled at once does not touch the socket's epoll interest twice. (A
            // sleeping one wakes if more comes meanwhile, and its channel starts without reads.)
            awake.config().setAutoRead(false);
        }
    }

    /**
     * Completes a successful CONNECT on the session's owner loop (which is this channel's loop):
     * answers CONNACK, binds the session (which resends what it has in flight), starts the
     * keep-alive timer, and replays packets that arrived meanwhile.
     */
    public void accepted(Session bound, Connect connect, LastWill lastWill, Connack connack, Peer peer,
                         int keepAliveSeconds) {
        session(bound);
        if (!isOpen()) {
            // The client went away while its CONNECT was settled.
            broker.lifecycle().discard(bound, lastWill);
            broker.lifecycle().abandoned(bound);
            return;
        }
        this.will = lastWill;
        broker.metrics().clientConnected();
        if (asleep()) {
            pipelines.counter().sent(connack);
            sendAsleep(PacketEncoder.encode(connack, version(), ByteBufAllocator.DEFAULT));
        } else {
            write(connack);
        }
        bound.attach(peer);
        connected(keepAliveSeconds);
        if (broker.log().enabled()) {
            broker.log().event("New client connected from {} as {} (p{}, c{}, k{}{}).", remoteAddress(), clientId(),
                    version().level(), connect.cleanStart() ? 1 : 0, keepAliveSeconds,
                    connect.username() == null ? "" : ", u'" + connect.username() + "'");
        }
        ArrayDeque<MqttPacket> queued = pending;
        pending = null;
        Channel awake = channelIfAwake();
        if (awake != null) {
            awake.config().setAutoRead(true);
        }
        while (!queued.isEmpty() && channel() != null && channel().isActive()) {
            channelRead(channel().pipeline().context(this), queued.poll());
        }
    }

    /** Refuses the CONNECT with {@code connack} and closes [MQTT-3.2.2-5]. */
    public void refuse(Connack connack, String why) {
        broker.log().event("Client {} from {} refused: {}.", clientId(), remoteAddress(), why);
        channel().writeAndFlush(connack).addListener(ChannelFutureListener.CLOSE);
    }

    /** A normal DISCONNECT: the will is discarded unless the client asked for it (0x04). */
    public void closeByClient(boolean keepWill) {
        if (!keepWill && will != null) {
            broker.lifecycle().discard(session(), will); // [MQTT-3.14.4-3]
            will = null;
        }
        broker.log().event("Client {} disconnected.", clientId());
        close();
    }

    @Override
    void disconnectedAsleep() {
        pipelines.counter().received(NORMAL_DISCONNECT);
        traffic();
        closeByClient(false);
    }

    /** Replaced by a newer connection with the same client id; called on this connection's loop. */
    public void closeForTakeover() {
        takenOver = true;
        broker.log().event("Client {} already connected, closing old connection.", clientId());
        // [MQTT-3.1.4-3] an MQTT 5 client is told why
        disconnect(ReasonCode.SESSION_TAKEN_OVER, null);
    }

    /**
     * Closes the connection for a reason found after CONNECT; an MQTT 5 client gets a DISCONNECT
     * with the reason code first (spec 4.13).
     */
    public void disconnect(int reasonCode, String why) {
        if (why != null) {
            broker.log().event("Client {} ({}) disconnected by the broker: {} (reason 0x{}).", clientId(),
                    remoteAddress(), why, Integer.toHexString(reasonCode));
        }
        if (!isV5() || session() == null || !isOpen()) {
            close(); // nothing to tell: a sleeping connection is not woken for it
            return;
        }
        Channel ch = channel();
        if (ch != null) {
            ch.writeAndFlush(new Disconnect(reasonCode, Properties.EMPTY)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionFaults.caught(this, ctx, cause);
    }

    /** Whether a CONNECT was read (the answer to a bad protocol version depends on it). */
    boolean connectSeen() {
        return connectSeen;
    }

    @Override
    void silentTooLong() {
        if (!isOpen()) {
            return; // closing already
        }
        if (session() == null) {
            broker.log().event("Client {} did not send CONNECT in time, disconnecting.", remoteAddress());
            close();
        } else {
            disconnect(ReasonCode.KEEP_ALIVE_TIMEOUT, "keep alive timeout");
        }
    }

    @Override
    boolean busy() {
        return session() == null || pending != null || authenticationFlow() != null || takenOver
                || acksAwaitingStore() > 0;
    }

    @Override
    void rebuildPipeline(Channel ch) {
        pipelines.wake(ch, this, connectSeen ? version() : null);
        if (pending != null && authenticationFlow() == null) {
            ch.config().setAutoRead(false); // a CONNECT is being settled: what came is read, then nothing until CONNACK
        }
    }

    @Override
    void countPing() {
        pipelines.counter().received(Pingreq.INSTANCE);
        pipelines.counter().sent(Pingresp.INSTANCE);
    }

    @Override
    void endedAsleep() {
        listener().closed();
        connectionEnded();
    }

    @Override
    void ended() {
        connectionEnded();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session() != null && pending == null && channel().isWritable()) {
            session().drainQueue();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connectionEnded();
        ctx.fireChannelInactive();
    }

    /** The socket is closed: the session learns it on its owner loop. */
    private void connectionEnded() {
        stopKeepAlive();
        if (session() != null && pending == null) {
            broker.metrics().clientDisconnected();
            Session s = session();
            LastWill lastWill = will;
            if (takenOver) {
                // the new connection owns the session
                broker.lifecycle().willAfterTakeover(s, lastWill);
            } else {
                s.onOwner(() -> broker.lifecycle().connectionLost(s, this, lastWill));
            }
        }
    }
}
