package dev.midge.broker.connection;

import dev.midge.broker.BrokerContext;
import dev.midge.broker.config.Listener;
import dev.midge.broker.transport.BareSocketReceiver;
import dev.midge.broker.transport.ListenerContext;
import dev.midge.broker.transport.ServerTransport;
import dev.midge.broker.websocket.WebSocketFrames;
import dev.midge.broker.websocket.WebSocketPaths;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.wire.MqttCodec;
import dev.midge.codec.wire.PacketDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of an MQTT connection, socket side first: TLS (on TLS listeners), the WebSocket
 * layers (on WebSocket listeners), the MQTT codec (decoder, encoder, packet counters and flush
 * consolidation, one flush per read batch, in one handler), MqttConnection (which owns the
 * connect / keep-alive timer). On a plain TCP listener that lets idle connections sleep, clients
 * come in as bare sockets instead ({@link #accepted}) and get this pipeline only when they wake.
 */
public final class MqttChannelInitializer extends ChannelInitializer<Channel> implements BareSocketReceiver {
    /** The HTTP upgrade request is small; anything larger is not a browser's handshake. */
    private static final int MAX_HANDSHAKE_BYTES = 16 * 1024;

    private final BrokerContext broker;
    private final ListenerContext listener;
    private final PacketCounter counter;
    /** One listener object for every connection's close future, not a capturing lambda each (16 B). */
    private final ChannelFutureListener countClosed;

    public MqttChannelInitializer(BrokerContext broker, ListenerContext listener) {
        this.broker = broker;
        this.listener = listener;
        this.counter = new PacketCounter(broker.metrics());
        this.countClosed = closed -> listener.closed();
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!listener.admit()) {
            broker.log().event("Connection from {} refused: max_connections {} reached on {}.", ch.remoteAddress(),
                    listener.listener().maxConnections(), listener.listener().describe());
            ch.close();
            return;
        }
        ch.closeFuture().addListener(countClosed);
        int maxPacket = broker.config().effectiveMaxPacketSize();
        ChannelPipeline p = ch.pipeline();
        if (listener.tls() != null) {
            p.addLast("tls", listener.tls().current().newHandler(ch.alloc()));
        }
        if (listener.listener().protocol() == Listener.Protocol.WEBSOCKETS) {
            p.addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(MAX_HANDSHAKE_BYTES))
                    .addLast(new WebSocketPaths())
                    .addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                            .websocketPath("/").checkStartsWith(true)
                            .subprotocols("mqtt,mqttv3.1")
                            .maxFramePayloadLength(maxPacket)
                            .handshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(broker.config().connectTimeoutSeconds()))
                            .build()))
                    .addLast(new WebSocketFrames());
        }
        p.addLast(MqttCodec.forServer(PacketDecoder.forServer(maxPacket), counter))
                .addLast(new MqttConnection(broker, this));
    }

    /**
     * A plain TCP client accepted as a bare socket ({@link ServerTransport#bindBare}): its
     * connection starts asleep, without a channel, and reads its CONNECT there.
     */
    @Override
    public void accepted(EventLoop loop, int fd) {
        if (!listener.admit()) {
            if (broker.log().enabled()) {
                broker.log().event("Connection from {} refused: max_connections {} reached on {}.",
                        new Socket(fd).remoteAddress(), listener.listener().maxConnections(),
                        listener.listener().describe());
            }
            FileDescriptor refused = new FileDescriptor(fd);
            try {
                refused.close();
            } catch (IOException e) {
                broker.log().event("Closing a refused connection failed: {}", e.getMessage());
            }
            return;
        }
        MqttConnection connection = new MqttConnection(broker, this);
        if (!connection.startAsleep(loop, fd)) {
            listener.closed();
        }
    }

    /**
     * The pipeline of a new channel for a connection's woken socket (plain TCP only): a codec for
     * the version the client connected with (the first packet's decoder when no CONNECT was read
     * yet: {@code version} null), then the connection itself.
     */
    void wake(Channel ch, MqttConnection connection, MqttVersion version) {
        ch.closeFuture().addListener(countClosed);
        int maxPacket = broker.config().effectiveMaxPacketSize();
        MqttCodec codec;
        if (version == null) {
            codec = MqttCodec.forServer(PacketDecoder.forServer(maxPacket), counter);
        } else {
            codec = MqttCodec.forServer(PacketDecoder.forServerAfterConnect(version, maxPacket), counter);
            codec.version(version);
        }
        ch.pipeline().addLast(codec).addLast(connection);
    }

    ListenerContext listener() {
        return listener;
    }

    PacketCounter counter() {
        return counter;
    }
}
