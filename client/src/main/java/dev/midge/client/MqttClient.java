package dev.midge.client;

import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.packet.Unsuback;
import dev.midge.codec.packet.Unsubscribe;
import dev.midge.codec.wire.MqttCodec;
import dev.midge.codec.wire.PacketDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLParameters;

/**
 * A small asynchronous MQTT client on Netty and the codec: connect (plain or TLS), publish at any
 * QoS (the future completes when the flow is acknowledged), subscribe, unsubscribe, disconnect.
 * Incoming messages go to the {@code messages} consumer on the client's event loop: QoS 1 after
 * its PUBACK is sent, QoS 2 once, when the server releases it. With
 * {@link #autoReconnect}, a lost connection is opened again; messages not yet acknowledged are
 * resent (with DUP, or their PUBREL) when the server resumes the session, as new otherwise.
 * Thread-safe: calls are handed to the event loop.
 */
public final class MqttClient implements AutoCloseable {
    private static final int MAX_PACKET_SIZE = 268_435_460;

    private final ClientOptions options;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final PacketObserver observer;
    private final Consumer<Publish> messages;
    private final ClientSession session = new ClientSession();
    private volatile ClientHandler handler;
    private volatile Channel channel;
    private volatile long reconnectDelayMillis = -1;
    private volatile Consumer<Connack> onReconnect = c -> { };
    private volatile boolean closing;
    /** Whether the server certificate must name {@link ClientOptions#host} (off with --insecure). */
    private volatile boolean hostnameVerification = true;

    private MqttClient(ClientOptions options, PacketObserver observer, Consumer<Publish> messages,
                       EventLoopGroup shared) {
        this.options = options;
        this.ownsGroup = shared == null;
        this.group = shared == null ? new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()) : shared.next();
        this.observer = observer;
        this.messages = messages;
    }

    /**
     * Opens the connection again {@code delayMillis} after it is lost (not after {@link #disconnect}
     * or {@link #close}), until that succeeds; {@code onReconnect} runs after each new CONNACK
     * (e.g. to subscribe again when the server did not keep the session).
     */
    public MqttClient autoReconnect(long delayMillis, Consumer<Connack> onReconnect) {
        this.reconnectDelayMillis = delayMillis;
        this.onReconnect = onReconnect;
        return this;
    }

    public static MqttClient create(ClientOptions options, PacketObserver observer, Consumer<Publish> messages) {
        return new MqttClient(options, observer, messages, null);
    }

    /**
     * A client on one loop of a group the caller owns (many clients, few threads: load tools);
     * {@link #close} then leaves the group running.
     */
    public static MqttClient create(ClientOptions options, PacketObserver observer, Consumer<Publish> messages,
                                    EventLoopGroup shared) {
        return new MqttClient(options, observer, messages, shared);
    }

    public ClientOptions options() {
        return options;
    }

    /** Turns off the check that the server certificate names the host (mosquitto's --insecure). */
    public MqttClient withoutHostnameVerification() {
        hostnameVerification = false;
        return this;
    }

    /** Opens the connection and sends CONNECT; completes with the CONNACK, exceptionally if refused. */
    public CompletableFuture<Connack> connect() {
        ClientHandler h = new ClientHandler(observer, messages, session, reconnectDelayMillis >= 0);
        this.handler = h;
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (options.tls() != null) {
                            SslHandler ssl = options.tls().newHandler(ch.alloc(), options.host(), options.port());
                            if (hostnameVerification) {
                                SSLParameters params = ssl.engine().getSSLParameters();
                                params.setEndpointIdentificationAlgorithm("HTTPS");
                                ssl.engine().setSSLParameters(params);
                            }
                            ch.pipeline().addLast(ssl);
                        }
                        ch.pipeline()
                                .addLast(MqttCodec.forClient(PacketDecoder.forClient(options.version(), MAX_PACKET_SIZE),
                                        options.version(), MqttCodec.Traffic.NONE))
                                .addLast(new IdleStateHandler(0, options.keepAliveSeconds(), 0, TimeUnit.SECONDS))
                                .addLast(h);
                    }
                });
        ChannelFuture connecting = options.bindAddress() == null ? b.connect(options.host(), options.port())
                : b.connect(new InetSocketAddress(options.host(), options.port()),
                new InetSocketAddress(options.bindAddress(), 0));
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                h.connected().completeExceptionally(
                        new MqttClientException("cannot connect to " + options.host() + ":" + options.port()
                                + ": " + f.cause().getMessage(), f.cause()));
                return;
            }
            channel = connecting.channel();
            channel.closeFuture().addListener(c -> lost());
            h.connect(new Connect(options.version(), options.clientId(), options.cleanSession(),
                    options.keepAliveSeconds(), options.username(), options.password(), options.will(),
                    options.connectProperties()));
        });
        return h.connected();
    }

    /** After a connection ends: when reconnecting is on and nobody asked for the end, try again. */
    private void lost() {
        long delay = reconnectDelayMillis;
        if (delay < 0 || closing || group.isShuttingDown()) {
            return;
        }
        group.schedule(() -> {
            if (closing) {
                return;
            }
            connect().whenComplete((connack, e) -> {
                if (e == null) {
                    onReconnect.accept(connack);
                } else if (e instanceof MqttClientException m && m.getCause() != null) {
                    lost(); // no socket, so no close to wait for: try again later
                }
            });
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Completes when the QoS flow is done: at once for QoS 0, on PUBACK / PUBCOMP otherwise. */
    public CompletableFuture<MqttPacket> publish(Publish message) {
        CompletableFuture<MqttPacket> done = new CompletableFuture<>();
        Channel ch = channel;
        if (reconnectDelayMillis >= 0 && message.qos().value() > 0 && (ch == null || !ch.isActive())) {
            // held in the session; the next CONNACK sends it
            group.execute(() -> ClientHandler.enqueue(session, message, done));
            return done;
        }
        onLoop(done, () -> handler.publish(message, done));
        return done;
    }

    public CompletableFuture<Suback> subscribe(List<Subscription> subscriptions) {
        return subscribe(subscriptions, Properties.EMPTY);
    }

    /** SUBSCRIBE with MQTT 5 properties (a subscription identifier, user properties). */
    public CompletableFuture<Suback> subscribe(List<Subscription> subscriptions, Properties properties) {
        CompletableFuture<MqttPacket> done = new CompletableFuture<>();
        onLoop(done, () -> handler.subscribe(new Subscribe(1, subscriptions, properties), done));
        return done.thenApply(Suback.class::cast);
    }

    public CompletableFuture<Unsuback> unsubscribe(List<String> filters) {
        CompletableFuture<MqttPacket> done = new CompletableFuture<>();
        onLoop(done, () -> handler.unsubscribe(new Unsubscribe(1, filters, Properties.EMPTY), done));
        return done.thenApply(Unsuback.class::cast);
    }

    private void onLoop(CompletableFuture<?> done, Runnable op) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            done.completeExceptionally(new MqttClientException("not connected", -1));
            return;
        }
        ch.eventLoop().execute(() -> {
            try {
                op.run();
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
    }

    /** Sends DISCONNECT and closes the connection (no reconnect follows). */
    public CompletableFuture<Void> disconnect() {
        closing = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            done.complete(null);
            return done;
        }
        ch.writeAndFlush(Disconnect.NORMAL).addListener(f -> ch.close().addListener(c -> done.complete(null)));
        return done;
    }

    /** Completes when the connection has closed, for whatever reason. */
    public CompletableFuture<Void> closed() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Channel ch = channel;
        if (ch == null) {
            done.complete(null);
        } else {
            ch.closeFuture().addListener(f -> done.complete(null));
        }
        return done;
    }

    @Override
    public void close() {
        closing = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly();
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
