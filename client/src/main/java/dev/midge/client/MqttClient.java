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
import dev.midge.codec.wire.MqttDecoder;
import dev.midge.codec.wire.MqttEncoder;
import dev.midge.codec.wire.PacketDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A small asynchronous MQTT client on Netty and the codec: connect, publish at any QoS (the future
 * completes when the flow is acknowledged), subscribe, unsubscribe, disconnect. Incoming messages
 * go to the {@code messages} consumer on the connection's event loop, after which the client
 * acknowledges them. Thread-safe: calls are handed to the event loop.
 */
public final class MqttClient implements AutoCloseable {
    private static final int MAX_PACKET_SIZE = 268_435_460;

    private final ClientOptions options;
    private final EventLoopGroup group;
    private final ClientHandler handler;
    private volatile Channel channel;

    private MqttClient(ClientOptions options, PacketObserver observer, Consumer<Publish> messages) {
        this.options = options;
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.handler = new ClientHandler(observer, messages);
    }

    public static MqttClient create(ClientOptions options, PacketObserver observer, Consumer<Publish> messages) {
        return new MqttClient(options, observer, messages);
    }

    public ClientOptions options() {
        return options;
    }

    /** Opens the connection and sends CONNECT; completes with the CONNACK, exceptionally if refused. */
    public CompletableFuture<Connack> connect() {
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new MqttDecoder(PacketDecoder.forClient(options.version(), MAX_PACKET_SIZE)))
                                .addLast(new MqttEncoder(options.version()))
                                .addLast(new IdleStateHandler(0, options.keepAliveSeconds(), 0, TimeUnit.SECONDS))
                                .addLast(handler);
                    }
                });
        b.connect(options.host(), options.port()).addListener(f -> {
            if (!f.isSuccess()) {
                handler.connected().completeExceptionally(
                        new MqttClientException("cannot connect to " + options.host() + ":" + options.port()
                                + ": " + f.cause().getMessage(), f.cause()));
                return;
            }
            channel = ((io.netty.channel.ChannelFuture) f).channel();
            handler.connect(new Connect(options.version(), options.clientId(), options.cleanSession(),
                    options.keepAliveSeconds(), options.username(), options.password(), options.will(),
                    options.connectProperties()));
        });
        return handler.connected();
    }

    /** Completes when the QoS flow is done: at once for QoS 0, on PUBACK / PUBCOMP otherwise. */
    public CompletableFuture<MqttPacket> publish(Publish message) {
        CompletableFuture<MqttPacket> done = new CompletableFuture<>();
        onLoop(done, () -> handler.publish(message, done));
        return done;
    }

    public CompletableFuture<Suback> subscribe(List<Subscription> subscriptions) {
        CompletableFuture<MqttPacket> done = new CompletableFuture<>();
        onLoop(done, () -> handler.subscribe(new Subscribe(1, subscriptions, Properties.EMPTY), done));
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

    /** Sends DISCONNECT and closes the connection. */
    public CompletableFuture<Void> disconnect() {
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
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
