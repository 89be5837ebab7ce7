package dev.midge.broker.session;

import dev.midge.codec.packet.MqttPacket;
import io.netty.channel.EventLoop;

/**
 * A client's connection as its session sees it: where packets go out. The same object for the
 * whole connection, whatever carries it underneath (a Netty channel, or an idle socket watched
 * without one), so a session holds it and compares it. Every method runs on {@link #eventLoop()}.
 */
public interface Link {
    /** Queues a packet for the client; {@link #flush()} sends what is queued. */
    void write(MqttPacket packet);

    /** Writes a packet and flushes. */
    void send(MqttPacket packet);

    void flush();

    /** Whether the socket takes more now (Netty's writability); a sleeping connection always does. */
    boolean isWritable();

    /** False once the connection is closed or closing. */
    boolean isOpen();

    /** The loop the connection and its session run on. */
    EventLoop eventLoop();
}
