package dev.midge.broker;

import dev.midge.broker.auth.EnhancedAuthenticators;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.config.Listener;
import dev.midge.broker.connection.MqttChannelInitializer;
import dev.midge.broker.security.Authentication;
import dev.midge.broker.security.ListenerSecurity;
import dev.midge.broker.store.MemoryStore;
import dev.midge.broker.transport.ListenerContext;
import dev.midge.broker.transport.ServerTransport;
import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Pingreq;
import dev.midge.codec.packet.Pingresp;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.wire.MalformedPacketException;
import dev.midge.codec.wire.PacketDecoder;
import dev.midge.codec.wire.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Right after the listeners open, the broker connects clients to itself over loopback, each with
 * CONNECT, PINGREQ and DISCONNECT, through the code a plain TCP client meets: the accepting loop,
 * the sleeping socket, the session registry, the CONNACK. The JVM interprets new code and compiles
 * it only after a few hundred calls, loads and links each class on first use, and grows the loops'
 * buffers on first need; without this, the first reconnect storm after a start pays all of that
 * while clients wait (BENCHMARKS.md, session 15). Half of the clients speak MQTT 3.1.1, half MQTT 5.
 * <p>
 * It runs in the background, in the broker's first idle moments (500 clients take 0.4-0.5 s of
 * both cores on the machine of BENCHMARKS.md): before the listeners opened it would delay every
 * start by that much. It yields to the real clients: once one has sent a packet, no warm-up
 * client starts (they warm the same code). The clients meet a context of their own (sessions,
 * metrics, an in-memory store, anonymous access) on a listener of their own on 127.0.0.1:
 * nothing of them stays in the broker's state, logs or $SYS. A failure only ends the warm-up.
 */
final class ConnectWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectWarmUp.class);
    private static final int SOCKET_TIMEOUT_MILLIS = 2000;
    /** No client starts after this. */
    private static final long DEADLINE_MILLIS = 3000;
    private static final int KEEP_ALIVE_SECONDS = 60;
    /** A CONNACK or PINGRESP, with room for an MQTT 5 CONNACK's properties. */
    private static final int MAX_ANSWER_BYTES = 1024;

    private final ServerTransport transport;
    private final int connections;
    private final int clientThreads;
    private final BooleanSupplier othersCame;
    private final Thread runner = new Thread(this::run, "midge-warm-up");
    private final AtomicInteger done = new AtomicInteger();
    private volatile boolean stopped;
    private volatile InetSocketAddress address;

    /**
     * @param clientThreads how many clients connect at once (a few per I/O loop keep every loop busy)
     * @param othersCame    whether a real client has come: the warm-up then ends
     */
    ConnectWarmUp(ServerTransport transport, int connections, int clientThreads, BooleanSupplier othersCame) {
        this.transport = transport;
        this.connections = connections;
        this.clientThreads = Math.max(1, Math.min(clientThreads, connections));
        this.othersCame = othersCame;
        runner.setDaemon(true);
    }

    /** Starts the warm-up in the background. */
    void start() {
        runner.start();
    }

    /** Ends the warm-up (the broker stops) and waits for it, a bounded time. */
    void stop() throws InterruptedException {
        stopped = true;
        runner.join(SOCKET_TIMEOUT_MILLIS + 1000L);
    }

    /** Waits until the warm-up has ended and returns how many clients completed all three exchanges. */
    int await() throws InterruptedException {
        runner.join();
        return done.get();
    }

    /** How many clients have completed all three exchanges so far. */
    int completed() {
        return done.get();
    }

    /** Where its clients connected (null until it listens, or if it could not). */
    InetSocketAddress address() {
        return address;
    }

    private void run() {
        long start = System.nanoTime();
        BrokerConfig config = BrokerConfig.builder().persistence(false).sysInterval(0).build();
        BrokerContext context = BrokerContext.of(config, new EnhancedAuthenticators(List.of()),
                new Authentication(List.of()), new MemoryStore());
        try {
            Listener listener = new Listener("127.0.0.1", 0, config.security());
            ListenerContext where = new ListenerContext(listener, ListenerSecurity.load(config.security()), null);
            address = transport.bindBare(listener, new MqttChannelInitializer(context, where));
            connectClients(address);
            LOG.debug("Warm-up: {} of {} loopback clients connected, pinged and disconnected in {} ms.", done.get(),
                    connections, (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // no loopback interface, say, or the broker stopped while it bound: it stays cold
            LOG.debug("No warm-up: cannot listen on 127.0.0.1: {}", e.toString());
        } finally {
            if (address != null) {
                try {
                    transport.unbindBare(address);
                } catch (RuntimeException e) {
                    LOG.debug("The warm-up listener closed with its loops: {}", e.toString()); // the broker stopped
                }
            }
            context.store().close();
            context.authentication().close();
        }
    }

    private void connectClients(InetSocketAddress address) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_MILLIS * 1_000_000;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clientThreads; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                try {
                    for (int i = first; i < connections && !stopped && !othersCame.getAsBoolean()
                            && System.nanoTime() < deadline; i += clientThreads) {
                        exchange(address, i);
                        done.incrementAndGet();
                    }
                } catch (IOException | MalformedPacketException e) {
                    if (!stopped) {
                        // the broker's own clients should never fail: say so
                        LOG.warn("A warm-up client failed, the warm-up ends early: {}", e.toString());
                    }
                }
            }, "midge-warm-up-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** One client: CONNECT, PINGREQ, DISCONNECT, each answered, then the broker's close. */
    private static void exchange(InetSocketAddress address, int i) throws IOException {
        MqttVersion version = i % 2 == 0 ? MqttVersion.MQTT_3_1_1 : MqttVersion.MQTT_5;
        PacketDecoder decoder = PacketDecoder.forClient(version, MAX_ANSWER_BYTES);
        ByteBuf received = Unpooled.buffer(MAX_ANSWER_BYTES);
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            socket.connect(address, SOCKET_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            send(out, new Connect(version, "midge-warm-up-" + i, true, KEEP_ALIVE_SECONDS, null, null, null,
                    Properties.EMPTY), version);
            if (!(receive(in, decoder, received) instanceof Connack connack) || connack.reasonCode() != 0) {
                throw new IOException("the warm-up CONNECT was not accepted");
            }
            send(out, Pingreq.INSTANCE, version);
            if (!(receive(in, decoder, received) instanceof Pingresp)) {
                throw new IOException("no PINGRESP to the warm-up PINGREQ");
            }
            send(out, Disconnect.NORMAL, version);
            if (in.read() != -1) {
                throw new IOException("the connection stayed open after DISCONNECT");
            }
        } finally {
            received.release();
        }
    }

    private static void send(OutputStream out, MqttPacket packet, MqttVersion version) throws IOException {
        ByteBuf bytes = PacketEncoder.encode(packet, version, UnpooledByteBufAllocator.DEFAULT);
        try {
            bytes.readBytes(out, bytes.readableBytes());
        } finally {
            bytes.release();
        }
    }

    /** Reads until {@code decoder} has a whole packet. */
    private static MqttPacket receive(InputStream in, PacketDecoder decoder, ByteBuf received) throws IOException {
        while (true) {
            MqttPacket packet = decoder.decode(received);
            if (packet != null) {
                received.discardReadBytes();
                return packet;
            }
            if (received.writeBytes(in, received.writableBytes()) < 0) {
                throw new EOFException("the broker closed the warm-up connection");
            }
        }
    }
}
