package dev.midge.broker.connection;

import dev.midge.broker.transport.ParkedSocket;
import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Property;
import dev.midge.codec.wire.MalformedPacketException;
import dev.midge.codec.wire.PacketDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/**
 * The socket of a sleeping MQTT connection (see {@link ConnectionLink}): a PINGREQ is answered
 * here, straight on the socket; anything else, the end of the stream or an error wakes the
 * connection, which gets what was read. A connection accepted bare starts here: its CONNECT is
 * read here too.
 */
final class SleepingSocket extends ParkedSocket {
    private static final byte PINGREQ = (byte) 0xC0;
    /** PINGRESP in every version: type 13, no flags, remaining length 0 (spec 3.13). */
    private static final ByteBuf PINGRESP =
            Unpooled.unreleasableBuffer(Unpooled.directBuffer(2).writeByte(0xD0).writeByte(0)); // never written to

    private final ConnectionLink connection;

    SleepingSocket(int fd, ConnectionLink connection) {
        super(fd);
        this.connection = connection;
    }

    @Override
    protected void arrived(ByteBuf bytes) {
        if (connection.beforeConnect()) {
            Connect connect = bytes == null ? null : wholeConnect(bytes);
            if (connect == null) {
                connection.wake(bytes == null ? null : keep(bytes)); // a channel reads them from the start
            } else {
                connection.connectAsleep(connect);
            }
            return;
        }
        // Busy: a CONNECT is being settled, and nothing may be answered before its CONNACK.
        if (bytes == null || connection.busy() || bytes.readableBytes() != 2 || bytes.getByte(0) != PINGREQ || bytes.getByte(1) != 0) {
            connection.wake(bytes == null ? null : keep(bytes));
            return;
        }
        int written = writeNow(PINGRESP);
        if (written == 0) {
            connection.wake(keep(bytes)); // the socket takes nothing now: the channel answers the ping
            return;
        }
        connection.pingedAsleep();
        if (written < PINGRESP.readableBytes()) {
            Channel ch = connection.channel(); // wakes it; null only if the loop is shutting down
            if (ch != null) {
                ch.writeAndFlush(PINGRESP.retainedSlice(written, PINGRESP.readableBytes() - written));
            }
        }
    }

    /**
     * The CONNECT that {@code bytes} hold whole and alone, without an authentication exchange
     * (which reads AUTH packets through a channel); null for anything else, with nothing consumed.
     * A malformed packet is null too: the woken channel decodes it again and answers as for any.
     */
    private Connect wholeConnect(ByteBuf bytes) {
        int start = bytes.readerIndex();
        MqttPacket packet;
        try {
            packet = PacketDecoder.forServer(connection.broker().config().effectiveMaxPacketSize()).decode(bytes);
        } catch (MalformedPacketException e) {
            packet = null;
        }
        if (packet instanceof Connect connect && !bytes.isReadable()
                && connect.properties().string(Property.AUTHENTICATION_METHOD) == null) {
            return connect;
        }
        bytes.readerIndex(start);
        return null;
    }

    @Override
    protected void closedByLoop() {
        connection.closedAsleep();
    }
}
