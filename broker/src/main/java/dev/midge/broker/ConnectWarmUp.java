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
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
 * It runs in the background, in the broker's first idle moments (500 clients take 0.3-0.4 s of
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
    private static final byte CONNACK = 0x20;
    private static final byte[] PINGREQ = {(byte) 0xC0, 0};
    private static final byte PINGRESP = (byte) 0xD0;
    private static final byte[] DISCONNECT = {(byte) 0xE0, 0};

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
                } catch (IOException e) {
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
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            socket.connect(address, SOCKET_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(connect("midge-warm-up-" + i, i % 2 == 0 ? 4 : 5));
            byte[] connack = expect(in, CONNACK);
            if (connack.length < 2 || connack[1] != 0) {
                throw new IOException("the warm-up CONNECT was refused");
            }
            out.write(PINGREQ);
            expect(in, PINGRESP);
            out.write(DISCONNECT);
            if (in.read() != -1) {
                throw new IOException("the connection stayed open after DISCONNECT");
            }
        }
    }

    /** A clean-session CONNECT of MQTT 3.1.1 (level 4) or 5 (level 5, no properties). */
    static byte[] connect(String clientId, int level) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', (byte) level, 0x02, 0, KEEP_ALIVE_SECONDS});
        if (level == 5) {
            body.write(0); // no properties
        }
        body.write(id.length >> 8);
        body.write(id.length);
        body.writeBytes(id);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x10);
        packet.write(body.size()); // < 128 for the ids used here
        packet.writeBytes(body.toByteArray());
        return packet.toByteArray();
    }

    /** Reads one packet of the given type (first byte) and returns its body. */
    private static byte[] expect(InputStream in, byte type) throws IOException {
        int first = in.read();
        if (first != (type & 0xFF)) {
            throw new IOException("expected packet 0x" + Integer.toHexString(type & 0xFF) + ", got " + first);
        }
        int length = 0;
        for (int shift = 0, b = 0x80; (b & 0x80) != 0; shift += 7) {
            b = in.read();
            if (b < 0 || shift > 21) {
                throw new EOFException("bad remaining length");
            }
            length |= (b & 0x7F) << shift;
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new EOFException("the packet ended early");
        }
        return body;
    }
}
