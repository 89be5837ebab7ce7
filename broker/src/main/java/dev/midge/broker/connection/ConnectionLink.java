package dev.midge.broker.connection;

import dev.midge.broker.BrokerContext;
import dev.midge.broker.session.Link;
import dev.midge.broker.transport.ParkedSocket;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.wire.MqttCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What carries a client connection: its Netty channel, or its bare socket while the connection
 * sleeps. {@link MqttConnection} adds the MQTT; one object per connection, the session's
 * {@link Link} from CONNACK to close.
 * <p>
 * A connection that stays quiet for a whole keep-alive period (no packet either way between two
 * PINGREQs, or since CONNACK) goes to sleep when it is a plain TCP connection with nothing in
 * progress: the loop deregisters the channel, the channel and its pipeline (~1.2 KB of heap) are
 * dropped, and a {@link SleepingSocket} (~100 B) watches the socket and answers PINGREQs.
 * Anything else (a packet from the client, a message for it, the keep-alive running out, a
 * takeover, the socket closing) wakes it into a new channel on the same loop, which reads on
 * where the sleeping socket stopped. A plain TCP connection accepted bare
 * ({@link MqttChannelInitializer#accepted}) starts asleep: its CONNECT, when it comes whole, is
 * read by the sleeping socket and its CONNACK written there, so a client that goes quiet never has
 * a channel. Everything here runs on the connection's loop.
 */
abstract class ConnectionLink extends ChannelInboundHandlerAdapter implements Link {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLink.class);
    /**
     * How long after CONNACK a silent client is first looked at. Short, so that the channel of an
     * idle client dies young (in a connect storm G1 collects every second or so); long enough for
     * the SUBSCRIBE that most clients send at once, so they do not sleep and wake right away.
     */
    static final int FIRST_LOOK_MILLIS = 250;

    private EventLoop loop;
    /** The connect timeout, then the keep-alive; also the first look at a quiet client. */
    private KeepAliveTimer keepAlive;
    /** Null while the connection sleeps (and once it was closed asleep). */
    private Channel channel;
    /** Null while awake. */
    private SleepingSocket asleep;
    /** No packet either way since the last PINGREQ (or since CONNACK). */
    private boolean quietSincePing;
    private boolean sleepAfterRead;

    public abstract BrokerContext broker();

    /** Something MQTT is under way (CONNECT, authentication, acknowledgements waiting for the store). */
    abstract boolean busy();

    /** Sets up the pipeline of a new channel for the woken socket, this handler last. */
    abstract void rebuildPipeline(Channel ch);

    /** No CONNECT was read yet: the first bytes of a socket accepted bare go to {@link #connectAsleep}. */
    abstract boolean beforeConnect();

    /** A connection accepted bare sent its CONNECT whole in its first bytes: it is taken without a channel. */
    abstract void connectAsleep(Connect connect);

    /** A normal DISCONNECT (no reason code, no properties) came to the sleeping socket. */
    abstract void disconnectedAsleep();

    /** Counts a PINGREQ the sleeping socket answered (and its PINGRESP). */
    abstract void countPing();

    /** No CONNECT in time, or the keep-alive ran out. */
    abstract void silentTooLong();

    /** The socket closed while asleep (the loop shut down), or could not be woken: count it closed, end the connection. */
    abstract void endedAsleep();

    /** The connection is over: the session learns it. */
    abstract void ended();

    /** The first channel of the connection, which has {@code connectTimeoutSeconds} to send CONNECT. */
    final void bind(Channel ch, int connectTimeoutSeconds) {
        channel = ch;
        startTimer(ch.eventLoop(), connectTimeoutSeconds);
    }

    /**
     * A connection accepted as a bare socket ({@code fd}, on {@code loop}): it starts asleep and
     * reads its CONNECT there (see {@link SleepingSocket}). False if the loop would not take the
     * socket (it is closed then).
     */
    final boolean bindAsleep(EventLoop loop, int fd, int connectTimeoutSeconds) {
        SleepingSocket socket = new SleepingSocket(fd, this);
        try {
            socket.watch(loop);
        } catch (Exception e) {
            LOG.debug("Could not watch an accepted socket", e);
            try {
                socket.close();
            } catch (IOException closing) {
                LOG.debug("Closing the accepted socket failed", closing);
            }
            return false;
        }
        asleep = socket;
        broker().metrics().connectionSlept();
        startTimer(loop, connectTimeoutSeconds);
        return true;
    }

    private void startTimer(EventLoop eventLoop, int connectTimeoutSeconds) {
        loop = eventLoop;
        keepAlive = new KeepAliveTimer(loop) {
            @Override
            void expired() {
                silentTooLong();
            }

            @Override
            void quietCheck() {
                sleepIfQuiet();
            }
        };
        keepAlive.untilConnect(connectTimeoutSeconds);
    }

    /** Whether {@link #bind} has run: a later channel is the woken socket's. */
    final boolean bound() {
        return keepAlive != null;
    }

    /** CONNACK is out: the keep-alive starts, and the first quiet period. */
    final void connected(int keepAliveSeconds) {
        keepAlive.afterConnect(keepAliveSeconds, quietFromNow());
    }

    final void stopKeepAlive() {
        if (keepAlive != null) {
            keepAlive.stop();
        }
    }

    @Override
    public final void channelReadComplete(ChannelHandlerContext ctx) {
        keepAlive.read(); // once per read batch, as Netty's IdleStateHandler does
        ctx.fireChannelReadComplete();
        afterRead(); // the codec above has flushed this batch's answers
    }

    /** The sleeping socket answered a PINGREQ. */
    final void pingedAsleep() {
        keepAlive.read();
        countPing();
    }

    /** The connection's channel, woken first if it sleeps; null only once it was closed asleep. */
    public final Channel channel() {
        if (channel == null && asleep != null) {
            wake(null);
        }
        return channel;
    }

    /** The channel, or null while the connection sleeps (not woken). */
    final Channel channelIfAwake() {
        return channel;
    }

    /** The peer as Mosquitto prints it: {@code 127.0.0.1:54321}. */
    public final String remoteAddress() {
        Object address = remoteSocketAddress();
        return address instanceof InetSocketAddress a ? a.getHostString() + ":" + a.getPort() : String.valueOf(address);
    }

    /** The peer's address (asked of the socket, without waking it, while the connection sleeps); null once closed. */
    public final SocketAddress remoteSocketAddress() {
        if (channel == null && asleep != null) {
            return asleep.remoteAddress();
        }
        return channel == null ? null : channel.remoteAddress();
    }

    /** The local address the client reached (asked of the socket while the connection sleeps). */
    final SocketAddress localSocketAddress() {
        if (channel == null && asleep != null) {
            return asleep.localAddress();
        }
        return channel == null ? null : channel.localAddress();
    }

    @Override
    public final void write(MqttPacket packet) {
        Channel ch = channel();
        if (ch != null) {
            quietSincePing = false;
            ch.write(packet, ch.voidPromise());
        }
    }

    @Override
    public final void send(MqttPacket packet) {
        Channel ch = channel();
        if (ch != null) {
            quietSincePing = false;
            ch.writeAndFlush(packet, ch.voidPromise());
        }
    }

    /**
     * Writes {@code bytes} (an encoded packet; released here) straight to the socket of a sleeping
     * connection, which stays asleep when the socket takes them all; what it does not take goes
     * out through a woken channel. Nothing is waiting to be sent while a connection sleeps, so the
     * order holds.
     */
    final void sendAsleep(ByteBuf bytes) {
        quietSincePing = false;
        int written = asleep.writeNow(bytes);
        if (written == bytes.readableBytes()) {
            bytes.release();
            return;
        }
        bytes.skipBytes(written);
        Channel ch = channel(); // wakes
        if (ch == null) {
            bytes.release();
            return;
        }
        ch.writeAndFlush(bytes, ch.voidPromise());
    }

    /** Whether the connection sleeps now. */
    final boolean asleep() {
        return channel == null && asleep != null;
    }

    @Override
    public final void flush() {
        if (channel != null) {
            channel.flush(); // a sleeping connection has written nothing since it fell asleep
        }
    }

    @Override
    public final boolean isWritable() {
        return channel == null ? asleep != null : channel.isWritable();
    }

    @Override
    public final boolean isOpen() {
        return channel == null ? asleep != null : channel.isActive();
    }

    @Override
    public final EventLoop eventLoop() {
        return loop;
    }

    // ---- falling asleep ---------------------------------------------------------------------

    /**
     * The first quiet period starts. Returns after how many milliseconds to look again
     * ({@link #sleepIfQuiet()}; 0 for never): a client that says nothing in its first moments
     * (no SUBSCRIBE, no PUBLISH) sleeps then, before its channel outlives the young generation.
     */
    private int quietFromNow() {
        quietSincePing = true;
        // a connection whose CONNECT was settled asleep is asleep already
        return broker().config().sleepIdleConnections() && channel != null ? FIRST_LOOK_MILLIS : 0;
    }

    /** Sleeps if nothing went either way since CONNACK (or the last PINGREQ). */
    private void sleepIfQuiet() {
        if (channel != null && quietSincePing) {
            sleep();
        }
    }

    /** A packet other than PINGREQ came. */
    final void traffic() {
        quietSincePing = false;
    }

    /** A PINGREQ came (and is answered): sleep after this read when the period since the last one was quiet. */
    final void pinged() {
        sleepAfterRead = quietSincePing && broker().config().sleepIdleConnections();
        quietSincePing = true;
    }

    /** The read batch is over and its answers are flushed. */
    private void afterRead() {
        if (sleepAfterRead) {
            sleepAfterRead = false;
            sleep();
        }
    }

    private void sleep() {
        Channel ch = channel;
        if (busy() || !ch.isActive() || !ch.config().isAutoRead() || !ParkedSocket.canPark(ch) || !quiet(ch)) {
            return;
        }
        ch.config().setAutoRead(false);
        ch.deregister().addListener(deregistered -> asleepOrBack(ch));
    }

    /** Nothing half-read, unflushed or unsent, nothing else in the pipeline (TLS, WebSocket). */
    private boolean quiet(Channel ch) {
        return quietSincePing && ch.pipeline().first() instanceof MqttCodec codec && codec.idle()
                && ch.pipeline().last() == this && ch.unsafe().outboundBuffer() != null
                && ch.unsafe().outboundBuffer().isEmpty();
    }

    /** The channel is off the loop: the socket sleeps, unless something was sent meanwhile. */
    private void asleepOrBack(Channel ch) {
        if (channel != ch || !ch.isOpen()) {
            return; // closed meanwhile
        }
        if (!ch.isRegistered() && quiet(ch)) {
            SleepingSocket socket = new SleepingSocket(ParkedSocket.descriptor(ch), this);
            try {
                socket.watch(loop);
                channel = null;
                asleep = socket;
                broker().metrics().connectionSlept();
                return;
            } catch (Exception e) {
                LOG.debug("Could not park a connection's socket", e);
            }
        }
        if (!ch.isRegistered()) {
            loop.register(ch); // immediate here, so reading resumes on a registered channel
        }
        ch.config().setAutoRead(true);
    }

    // ---- waking -----------------------------------------------------------------------------

    /** Wakes the sleeping socket into a new channel; {@code arrived} (may be null) is what was read meanwhile. */
    final void wake(ByteBuf arrived) {
        SleepingSocket socket = asleep;
        asleep = null;
        broker().metrics().connectionWoke();
        Channel ch = socket.wake();
        channel = ch;
        rebuildPipeline(ch);
        if (!loop.register(ch).isSuccess()) {
            // immediate on the loop's own thread; it fails only as the loop shuts down
            channel = null;
            ch.unsafe().closeForcibly();
            if (arrived != null) {
                arrived.release();
            }
            endedAsleep();
            return;
        }
        if (!ch.isActive()) {
            // an error was pending on the socket (Netty's channel checks SO_ERROR): it never became
            // active, so no channelInactive will come either
            if (arrived != null) {
                arrived.release();
            }
            ch.close(); // counted closed through the close future
            ended();
            return;
        }
        if (arrived != null) {
            ch.pipeline().fireChannelRead(arrived);
            ch.pipeline().fireChannelReadComplete();
        }
    }

    /**
     * Closes the connection: its channel, or its sleeping socket without waking it (a channel
     * built only to be closed is ~1.2 KB of garbage and four system calls; 19,000 clients leaving
     * at once would build 19,000). The connection ends as for any closed socket.
     */
    final void close() {
        SleepingSocket socket = asleep;
        if (channel == null && socket != null) {
            try {
                socket.close(); // ends the connection through closedAsleep
            } catch (IOException e) {
                LOG.debug("Closing a sleeping socket failed", e);
            }
        } else if (channel != null) {
            channel.close();
        }
    }

    /** The sleeping socket was closed (by {@link #close}, or by its loop as it shuts down). */
    final void closedAsleep() {
        asleep = null;
        broker().metrics().connectionWoke();
        endedAsleep();
    }
}
