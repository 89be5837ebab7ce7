package dev.midge.broker.connection;

import dev.midge.broker.BrokerContext;
import dev.midge.broker.inbound.ConnectInbound;
import dev.midge.broker.inbound.PublishInbound;
import dev.midge.broker.inbound.SubscribeInbound;
import dev.midge.broker.inbound.UnsubscribeInbound;
import dev.midge.broker.session.Session;
import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Pingresp;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Pubcomp;
import dev.midge.codec.packet.Pubrel;
import dev.midge.codec.packet.PublishAck;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Unsubscribe;
import dev.midge.codec.packet.Will;
import dev.midge.codec.wire.MalformedPacketException;
import dev.midge.codec.wire.MqttEncoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one MQTT handler of a client connection: the CONNECT gate, dispatch of every later packet
 * to its inbound handler, and the end of the connection (will, clean session). All of it runs
 * on the channel's event loop, which is also the owner loop of the bound session.
 */
public final class MqttConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    static final String IDLE_HANDLER = "idle";

    private final BrokerContext broker;
    private Channel channel;
    private MqttVersion version;
    private String clientId;
    private Session session;
    private Will will;
    /** Packets that arrived while the CONNECT was being settled (e.g. a takeover on another loop). */
    private ArrayDeque<MqttPacket> pending;
    private boolean connectSeen;
    private boolean cleanDisconnect;
    private boolean takenOver;

    public MqttConnection(BrokerContext broker) {
        this.broker = broker;
    }

    public Channel channel() {
        return channel;
    }

    public MqttVersion version() {
        return version;
    }

    public String clientId() {
        return clientId;
    }

    public Session session() {
        return session;
    }

    public BrokerContext broker() {
        return broker;
    }

    /** The peer as Mosquitto prints it: {@code 127.0.0.1:54321}. */
    public String remoteAddress() {
        return channel.remoteAddress() instanceof InetSocketAddress a
                ? a.getHostString() + ":" + a.getPort() : String.valueOf(channel.remoteAddress());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        broker.log().event("New connection from {} on port {}.", remoteAddress(), localPort());
        ctx.fireChannelActive();
    }

    private Object localPort() {
        return channel.localAddress() instanceof InetSocketAddress a ? a.getPort() : channel.localAddress();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        MqttPacket packet = (MqttPacket) msg;
        if (pending != null) {
            pending.add(packet);
            return;
        }
        dispatch(packet);
    }

    private void dispatch(MqttPacket packet) {
        switch (packet.type()) {
            case CONNECT -> onConnect((Connect) packet);
            case PUBLISH -> PublishInbound.handle(this, (Publish) packet);
            case PUBACK -> unknownIdIfFalse(session.onPuback(((PublishAck) packet).packetId()), packet);
            case PUBREC -> unknownIdIfFalse(session.onPubrec(((PublishAck) packet).packetId()), packet);
            case PUBCOMP -> unknownIdIfFalse(session.onPubcomp(((PublishAck) packet).packetId()), packet);
            case PUBREL -> onPubrel((Pubrel) packet);
            case SUBSCRIBE -> SubscribeInbound.handle(this, (Subscribe) packet);
            case UNSUBSCRIBE -> UnsubscribeInbound.handle(this, (Unsubscribe) packet);
            case PINGREQ -> channel.writeAndFlush(Pingresp.INSTANCE, channel.voidPromise());
            case DISCONNECT -> onDisconnect();
            // The decoder refuses server-to-client packets and AUTH before MQTT 5.
            default -> protocolError("unexpected " + packet.type());
        }
    }

    private void onConnect(Connect connect) {
        connectSeen = true;
        version = connect.version();
        channel.pipeline().get(MqttEncoder.class).version(version);
        pending = new ArrayDeque<>();
        channel.config().setAutoRead(false);
        ConnectInbound.handle(this, connect);
    }

    /**
     * Completes a successful CONNECT on the session's owner loop (which is this channel's loop):
     * binds the session, answers CONNACK, resends what the session has in flight, starts the
     * keep-alive timer, and replays packets that arrived meanwhile.
     */
    public void accepted(Session boundSession, boolean sessionPresent, Connect connect, String assignedId) {
        if (!channel.isActive()) {
            // The client went away while its CONNECT was settled: end like any other close.
            this.session = boundSession;
            this.clientId = assignedId;
            endSession();
            return;
        }
        this.session = boundSession;
        this.clientId = assignedId;
        this.will = connect.will();
        broker.metrics().clientConnected();
        channel.write(new Connack(sessionPresent, ReasonCode.SUCCESS, Properties.EMPTY));
        boundSession.attach(channel);
        startKeepAlive(connect.keepAliveSeconds());
        broker.log().event("New client connected from {} as {} (p{}, c{}, k{}{}).", remoteAddress(), clientId,
                version.level(), connect.cleanStart() ? 1 : 0, connect.keepAliveSeconds(),
                connect.username() == null ? "" : ", u'" + connect.username() + "'");
        ArrayDeque<MqttPacket> queued = pending;
        pending = null;
        channel.config().setAutoRead(true);
        while (!queued.isEmpty() && channel.isActive()) {
            dispatch(queued.poll());
        }
    }

    /** Refuses the CONNECT with {@code code} and closes [MQTT-3.2.2-5]. */
    public void refuse(int code, String why) {
        broker.log().event("Client {} from {} refused: {}.", clientId, remoteAddress(), why);
        channel.writeAndFlush(new Connack(false, code, Properties.EMPTY)).addListener(ChannelFutureListener.CLOSE);
    }

    public void clientId(String id) {
        this.clientId = id;
    }

    private void startKeepAlive(int keepAliveSeconds) {
        // [MQTT-3.1.2-24] close after one and a half keep-alive periods without a packet
        IdleStateHandler connectTimer = (IdleStateHandler) channel.pipeline().get(IDLE_HANDLER);
        if (keepAliveSeconds == 0) {
            channel.pipeline().remove(connectTimer);
        } else {
            channel.pipeline().replace(connectTimer, IDLE_HANDLER,
                    new IdleStateHandler(keepAliveSeconds * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        }
    }

    private void onPubrel(Pubrel pubrel) {
        // spec 4.3.3: PUBREL is always answered with PUBCOMP, also for an id already released
        session.releaseInboundQos2(pubrel.packetId());
        channel.writeAndFlush(Pubcomp.of(pubrel.packetId()), channel.voidPromise());
    }

    private void unknownIdIfFalse(boolean known, MqttPacket packet) {
        if (!known) {
            broker.log().event("Client {} sent {} for packet id {} that is not in flight; ignored.", clientId,
                    packet.type(), ((PublishAck) packet).packetId());
        }
    }

    private void onDisconnect() {
        // [MQTT-3.14.4-3] a DISCONNECT discards the will
        cleanDisconnect = true;
        broker.log().event("Received DISCONNECT from {}", clientId);
        channel.close();
    }

    /** Marks this connection as replaced by a newer one with the same client id. */
    public void takenOver() {
        takenOver = true;
        broker.log().event("Client {} already connected, closing old connection.", clientId);
    }

    /** Closes the connection for a protocol violation found after decoding. */
    public void protocolError(String why) {
        broker.log().event("Protocol error from {} ({}): {}; disconnecting.", clientId, remoteAddress(), why);
        if (version == MqttVersion.MQTT_5) {
            channel.writeAndFlush(new Disconnect(ReasonCode.PROTOCOL_ERROR, Properties.EMPTY))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof MalformedPacketException e) {
            broker.log().event("Malformed packet from {} ({}): {}; disconnecting.", clientId, remoteAddress(),
                    e.getMessage());
            answerMalformed(e);
        } else if (cause instanceof IOException) {
            broker.log().event("Socket error on client {}, disconnecting: {}", clientId, cause.getMessage());
            ctx.close();
        } else {
            LOG.warn("Unexpected error on client {} ({}), disconnecting", clientId, remoteAddress(), cause);
            ctx.close();
        }
    }

    private void answerMalformed(MalformedPacketException e) {
        if (!connectSeen && e.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
            // [MQTT-3.1.2-2] CONNACK 0x01 in 3.1.1 framing, then close
            channel.writeAndFlush(new Connack(false, ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION, Properties.EMPTY))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (session != null && version == MqttVersion.MQTT_5) {
            channel.writeAndFlush(new Disconnect(e.reasonCode(), Properties.EMPTY))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (session == null) {
                broker.log().event("Client {} did not send CONNECT in time, disconnecting.", remoteAddress());
            } else {
                broker.log().event("Client {} has exceeded timeout, disconnecting.", clientId);
            }
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session != null && channel.isWritable()) {
            session.drainQueue();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            broker.metrics().clientDisconnected();
            if (cleanDisconnect) {
                broker.log().event("Client {} disconnected.", clientId);
            } else if (!takenOver) {
                broker.log().event("Client {} closed its connection.", clientId);
            }
            if (!cleanDisconnect && will != null) {
                PublishInbound.distribute(broker, will);
            }
            if (!takenOver) {
                endSession();
            }
        }
        ctx.fireChannelInactive();
    }

    /** Unbinds the session; a clean one ends here [MQTT-3.1.2-6]. */
    private void endSession() {
        Session s = session;
        Channel ch = channel;
        s.onOwner(() -> {
            s.detach(ch);
            if (!s.persistent() && !s.isConnected() && !s.isDiscarded()) {
                broker.sessions().end(s, broker.topics());
            }
        });
    }
}
