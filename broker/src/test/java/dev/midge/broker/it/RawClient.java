package dev.midge.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Suback;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.packet.Will;
import dev.midge.codec.wire.PacketDecoder;
import dev.midge.codec.wire.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * A blocking MQTT client that sends exactly the bytes a test asks for and decodes what comes back
 * with the codec: for malformed input and for flows the real clients will not produce
 * (withholding an acknowledgement, dropping the socket without DISCONNECT).
 */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final MqttVersion version;
    private final PacketDecoder decoder;
    private final ByteBuf buffer = Unpooled.buffer();

    RawClient(int port) throws IOException {
        this(port, MqttVersion.MQTT_3_1_1);
    }

    RawClient(int port, MqttVersion version) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        this.socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.version = version;
        this.decoder = PacketDecoder.forClient(version, 1 << 24);
    }

    /** The client's own port: what the broker sees as this client's address. */
    int localPort() {
        return socket.getLocalPort();
    }

    void sendBytes(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    void sendHex(String hex) throws IOException {
        sendBytes(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    void send(MqttPacket packet) throws IOException {
        ByteBuf buf = PacketEncoder.encode(packet, version, ByteBufAllocator.DEFAULT);
        try {
            sendBytes(ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    Connack connect(String clientId, boolean clean) throws IOException {
        return connect(new Connect(version, clientId, clean, 60, null, null, null, Properties.EMPTY));
    }

    Connack connect(String clientId, boolean clean, Will will) throws IOException {
        return connect(new Connect(version, clientId, clean, 60, null, null, will, Properties.EMPTY));
    }

    Connack connect(Connect connect) throws IOException {
        send(connect);
        return receive(Connack.class);
    }

    Suback subscribe(int packetId, String filter, Qos qos) throws IOException {
        send(new Subscribe(packetId, List.of(Subscription.of(filter, qos)), Properties.EMPTY));
        return receive(Suback.class);
    }

    /** The next packet, or an AssertionError when none arrives within 5 seconds. */
    MqttPacket receive() throws IOException {
        MqttPacket p = receive(Duration.ofSeconds(5));
        if (p == null) {
            throw new AssertionError("no packet within 5 s");
        }
        return p;
    }

    <T extends MqttPacket> T receive(Class<T> type) throws IOException {
        MqttPacket p = receive();
        assertThat(p).isInstanceOf(type);
        return type.cast(p);
    }

    /** The next packet, or null when none arrives in time; throws if the connection closed. */
    MqttPacket receive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            MqttPacket p = decoder.decode(buffer);
            if (p != null) {
                buffer.discardReadBytes();
                return p;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            byte[] chunk = new byte[8192];
            int n;
            try {
                n = in.read(chunk);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (n < 0) {
                throw new IOException("connection closed by the broker");
            }
            buffer.writeBytes(chunk, 0, n);
        }
    }

    /** Asserts that nothing arrives for the given time (the connection may stay open). */
    void assertNothingFor(Duration d) throws IOException {
        assertThat(receive(d)).as("unexpected packet").isNull();
    }

    /** Waits until the broker closes the connection, failing after {@code timeout}. */
    void assertClosedWithin(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] chunk = new byte[8192];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(chunk) < 0) {
                    return;
                }
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException reset) {
                return;
            }
        }
        throw new AssertionError("connection still open after " + timeout);
    }

    /** Drops the TCP connection without DISCONNECT, as a crashed client or a lost network would. */
    void drop() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        buffer.release();
    }
}
