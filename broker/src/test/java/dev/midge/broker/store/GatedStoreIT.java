package dev.midge.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.broker.Broker;
import dev.midge.broker.config.BrokerConfig;
import dev.midge.broker.session.Message;
import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Puback;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.wire.PacketDecoder;
import dev.midge.codec.wire.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The broker against a recording store whose durability the test controls: no PUBACK, CONNACK or
 * SUBACK goes out before the store said the writes before it are durable, and the queue entry of
 * a persistent subscriber is among those writes.
 */
class GatedStoreIT {

    /** Records writes; holds durability callbacks while the gate is closed. */
    static final class GatedStore extends MemoryStore {
        final List<String> log = new CopyOnWriteArrayList<>();
        private final List<Runnable> held = new ArrayList<>();
        private boolean closed;

        synchronized void hold() {
            closed = true;
        }

        void release() {
            List<Runnable> release;
            synchronized (this) {
                closed = false;
                release = new ArrayList<>(held);
                held.clear();
            }
            log.add("durable");
            release.forEach(Runnable::run);
        }

        @Override
        public void afterDurable(EventLoop loop, Object waiter, Runnable then) {
            synchronized (this) {
                if (closed) {
                    held.add(() -> loop.execute(then));
                    return;
                }
            }
            loop.execute(then);
        }

        @Override
        public boolean durable() {
            return true;
        }

        @Override
        public boolean atomically(Runnable body) {
            int before = log.size();
            body.run();
            return log.size() > before;
        }

        @Override
        public void putSession(String clientId, long expirySeconds, String username) {
            log.add("session " + clientId);
        }

        @Override
        public void putSubscription(String clientId, String filter, Subscription options, int subscriptionId) {
            log.add("subscription " + clientId + " " + filter);
        }

        @Override
        public QueueEntry enqueue(String clientId, long seq, Message message, Qos qos, boolean retain,
                                  List<Integer> ids) {
            log.add("enqueue " + clientId);
            return null;
        }
    }

    /** Minimal blocking MQTT 3.1.1 peer over the codec. */
    private static final class Peer implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final PacketDecoder decoder = PacketDecoder.forClient(MqttVersion.MQTT_3_1_1, 1 << 20);
        final ByteBuf buf = Unpooled.buffer();

        Peer(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            in = socket.getInputStream();
        }

        void send(dev.midge.codec.packet.MqttPacket p) throws IOException {
            ByteBuf b = PacketEncoder.encode(p, MqttVersion.MQTT_3_1_1, ByteBufAllocator.DEFAULT);
            socket.getOutputStream().write(ByteBufUtil.getBytes(b));
            b.release();
        }

        /** The next packet within {@code millis}, or null. */
        dev.midge.codec.packet.MqttPacket receive(int millis) throws IOException {
            long deadline = System.currentTimeMillis() + millis;
            while (true) {
                var p = decoder.decode(buf);
                if (p != null) {
                    return p;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout((int) left);
                byte[] chunk = new byte[4096];
                try {
                    int n = in.read(chunk);
                    if (n < 0) {
                        return null;
                    }
                    buf.writeBytes(chunk, 0, n);
                } catch (SocketTimeoutException e) {
                    return null;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            buf.release();
        }
    }

    private static Broker start(GatedStore store) throws Exception {
        BrokerConfig config = BrokerConfig.builder().listener("127.0.0.1", 0).allowAnonymous(true).sysInterval(0)
                .build();
        return new Broker(config, List.of(), store).start();
    }

    private static Connect connect(String clientId, boolean cleanSession) {
        return new Connect(MqttVersion.MQTT_3_1_1, clientId, cleanSession, 60, null, null, null, Properties.EMPTY);
    }

    @Test
    void acknowledgements_waitForDurability() throws Exception {
        GatedStore store = new GatedStore();
        Broker broker = start(store);
        try (Peer sub = new Peer(broker.port()); Peer pub = new Peer(broker.port())) {
            store.hold();
            sub.send(connect("gated-sub", false));
            assertThat(sub.receive(300)).as("CONNACK before the session is durable").isNull();
            store.release();
            assertThat(sub.receive(3000)).isInstanceOf(Connack.class);

            store.hold();
            sub.send(new Subscribe(1, List.of(Subscription.of("g", Qos.AT_LEAST_ONCE)), Properties.EMPTY));
            assertThat(sub.receive(300)).as("SUBACK before the subscription is durable").isNull();
            store.release();
            assertThat(sub.receive(3000)).isInstanceOf(Suback.class);

            pub.send(connect("gated-pub", true));
            assertThat(pub.receive(3000)).isInstanceOf(Connack.class);
            store.hold();
            int before = store.log.size();
            pub.send(new Publish("g", new byte[] {1}, Qos.AT_LEAST_ONCE, false, false, 5, Properties.EMPTY));
            assertThat(pub.receive(300)).as("PUBACK before the message is durable").isNull();
            store.release();
            assertThat(pub.receive(3000)).isEqualTo(Puback.of(5));
            // the subscriber's queue entry was written before the barrier the PUBACK waited for
            assertThat(store.log.subList(before, store.log.size())).containsSubsequence("enqueue gated-sub", "durable");
        } finally {
            broker.stop();
        }
    }

    @Test
    void acknowledgementOfNothingStored_goesAtOnce_butNeverOvertakesOneThatWaits() throws Exception {
        GatedStore store = new GatedStore();
        Broker broker = start(store);
        try (Peer sub = new Peer(broker.port()); Peer pub = new Peer(broker.port())) {
            sub.send(connect("kept-sub", false));
            assertThat(sub.receive(3000)).isInstanceOf(Connack.class);
            sub.send(new Subscribe(1, List.of(Subscription.of("kept", Qos.AT_LEAST_ONCE)), Properties.EMPTY));
            assertThat(sub.receive(3000)).isInstanceOf(Suback.class);
            pub.send(connect("clean-pub", true));
            assertThat(pub.receive(3000)).isInstanceOf(Connack.class);

            store.hold();
            pub.send(new Publish("nobody", new byte[] {1}, Qos.AT_LEAST_ONCE, false, false, 1, Properties.EMPTY));
            assertThat(pub.receive(3000)).as("nothing to store: no wait").isEqualTo(Puback.of(1));

            pub.send(new Publish("kept", new byte[] {2}, Qos.AT_LEAST_ONCE, false, false, 2, Properties.EMPTY));
            pub.send(new Publish("nobody", new byte[] {3}, Qos.AT_LEAST_ONCE, false, false, 3, Properties.EMPTY));
            assertThat(pub.receive(300)).as("PUBACK 3 must not overtake PUBACK 2, which waits").isNull();
            store.release();
            assertThat(pub.receive(3000)).isEqualTo(Puback.of(2));
            assertThat(pub.receive(3000)).isEqualTo(Puback.of(3));
        } finally {
            broker.stop();
        }
    }
}
