package dev.midge.client;

import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Pingreq;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Pubcomp;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.PublishAck;
import dev.midge.codec.packet.Pubrec;
import dev.midge.codec.packet.Pubrel;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Unsuback;
import dev.midge.codec.packet.Unsubscribe;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The client side of one connection, all on its event loop: packet ids, outstanding operations
 * (completed by their acknowledgement), inbound QoS 1/2 acknowledgements, keep-alive pings.
 */
final class ClientHandler extends ChannelDuplexHandler {
    private final PacketObserver observer;
    private final Consumer<Publish> messages;
    private final CompletableFuture<Connack> connected = new CompletableFuture<>();
    /** SUBSCRIBE and UNSUBSCRIBE waiting for their acknowledgement, by packet id (this connection only). */
    private final Map<Integer, CompletableFuture<MqttPacket>> outstanding = new HashMap<>();
    private final ClientSession session;
    /** Whether QoS 1/2 messages in flight stay for the next connection when this one ends. */
    private final boolean keepFlights;
    private ChannelHandlerContext ctx;

    ClientHandler(PacketObserver observer, Consumer<Publish> messages, ClientSession session, boolean keepFlights) {
        this.observer = observer;
        this.messages = messages;
        this.session = session;
        this.keepFlights = keepFlights;
    }

    CompletableFuture<Connack> connected() {
        return connected;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void connect(Connect connect) {
        send(connect);
    }

    /** Sends a PUBLISH; the future completes when the QoS flow is over (at once for QoS 0). */
    void publish(Publish p, CompletableFuture<MqttPacket> done) {
        if (p.qos() == Qos.AT_MOST_ONCE) {
            send(p).addListener(f -> complete(done, f.cause(), null));
            return;
        }
        ClientSession.Flight flight = enqueue(session, p, done);
        flight.sent = true;
        send(flight.publish);
    }

    /** Takes a QoS 1/2 message into the session under a fresh packet id. */
    static ClientSession.Flight enqueue(ClientSession session, Publish p, CompletableFuture<MqttPacket> done) {
        int id = session.allocate(Map.of());
        ClientSession.Flight flight = new ClientSession.Flight(
                new Publish(p.topic(), p.payload(), p.qos(), p.retain(), false, id, p.properties()), done);
        session.outbound.put(id, flight);
        return flight;
    }

    void subscribe(Subscribe s, CompletableFuture<MqttPacket> done) {
        int id = session.allocate(outstanding);
        outstanding.put(id, done);
        send(new Subscribe(id, s.subscriptions(), s.properties()));
    }

    void unsubscribe(Unsubscribe u, CompletableFuture<MqttPacket> done) {
        int id = session.allocate(outstanding);
        outstanding.put(id, done);
        send(new Unsubscribe(id, u.filters(), u.properties()));
    }

    private static void complete(CompletableFuture<MqttPacket> f, Throwable cause, MqttPacket value) {
        if (cause != null) {
            f.completeExceptionally(cause);
        } else {
            f.complete(value);
        }
    }

    /** Writes from the pipeline's tail, so that {@link #write} (and with it the observer) sees it. */
    private ChannelFuture send(MqttPacket packet) {
        return ctx.channel().writeAndFlush(packet);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof MqttPacket p) {
            observer.sent(p);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        MqttPacket packet = (MqttPacket) msg;
        observer.received(packet);
        switch (packet.type()) {
            case CONNACK -> onConnack((Connack) packet);
            case PUBLISH -> onPublish((Publish) packet);
            case PUBACK, PUBCOMP -> finishFlight(((PublishAck) packet).packetId(), packet);
            case PUBREC -> onPubrec((Pubrec) packet);
            case PUBREL -> onPubrel((Pubrel) packet);
            case SUBACK -> finish(((Suback) packet).packetId(), packet);
            case UNSUBACK -> finish(((Unsuback) packet).packetId(), packet);
            case DISCONNECT -> ctx.close();
            default -> { }
        }
    }

    private void onConnack(Connack connack) {
        if (connack.reasonCode() == ReasonCode.SUCCESS) {
            if (!connack.sessionPresent()) {
                session.restartedByServer();
            }
            // [MQTT-4.4.0-1] on a resumed session, unacknowledged PUBLISH again with DUP, PUBREL again
            for (ClientSession.Flight f : session.outbound.values()) {
                Publish p = f.publish;
                if (f.released) {
                    send(Pubrel.of(p.packetId()));
                } else {
                    send(f.sent ? new Publish(p.topic(), p.payload(), p.qos(), p.retain(), true, p.packetId(),
                            p.properties()) : p);
                    f.sent = true;
                }
            }
            connected.complete(connack);
        } else {
            connected.completeExceptionally(new MqttClientException(
                    String.format("connection refused (%d)", connack.reasonCode()), connack.reasonCode()));
            ctx.close();
        }
    }

    /**
     * Delivers as libmosquitto does, so that the tools print in the same order: QoS 1 after the
     * PUBACK is sent, QoS 2 once, when PUBREL releases it (spec 4.3.3, method B).
     */
    private void onPublish(Publish p) {
        switch (p.qos()) {
            case AT_MOST_ONCE -> messages.accept(p);
            case AT_LEAST_ONCE -> {
                send(Puback.of(p.packetId()));
                messages.accept(p);
            }
            case EXACTLY_ONCE -> {
                session.awaitingPubrel.putIfAbsent(p.packetId(), p); // a DUP before PUBREL is the same message
                send(Pubrec.of(p.packetId()));
            }
        }
    }

    private void onPubrec(Pubrec pubrec) {
        ClientSession.Flight f = session.outbound.get(pubrec.packetId());
        if (ReasonCode.isError(pubrec.reasonCode())) {
            finishFlight(pubrec.packetId(), pubrec);
            return;
        }
        if (f != null) {
            f.released = true;
        }
        send(Pubrel.of(pubrec.packetId()));
    }

    private void onPubrel(Pubrel pubrel) {
        Publish released = session.awaitingPubrel.remove(pubrel.packetId());
        send(Pubcomp.of(pubrel.packetId()));
        if (released != null) {
            messages.accept(released);
        }
    }

    private void finishFlight(int packetId, MqttPacket ack) {
        ClientSession.Flight f = session.outbound.remove(packetId);
        if (f != null) {
            f.done.complete(ack);
        }
    }

    private void finish(int packetId, MqttPacket ack) {
        CompletableFuture<MqttPacket> f = outstanding.remove(packetId);
        if (f != null) {
            f.complete(ack);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            send(Pingreq.INSTANCE);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new MqttClientException("connection closed", -1));
        ctx.fireChannelInactive();
    }

    private void fail(Throwable cause) {
        connected.completeExceptionally(cause);
        outstanding.values().forEach(f -> f.completeExceptionally(cause));
        outstanding.clear();
        if (!keepFlights) {
            session.failAll(cause);
        }
    }
}
