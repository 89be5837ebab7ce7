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
    /** DISCONNECT with remaining length 0: a normal disconnection without properties in every version. */
    private static final byte DISCONNECT = (byte) 0xE0;
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
        if (connection.beforeConnect() && bytes == null) {
            connection.close(); // gone without a CONNECT (a port check, a scanner)
            return;
        }
        if (connection.beforeConnect()) {
            Connect connect = wholeConnect(bytes);
            if (connect == null) {
                connection.wake(keep(bytes)); // a channel reads them from the start
            } else {
                connection.connectAsleep(connect);
            }
            return;
        }
        if (connection.busy()) {
            // a CONNECT is being settled: nothing may be answered before its CONNACK
            connection.wake(bytes == null ? null : keep(bytes));
            return;
        }
        if (bytes == null) {
            connection.close(); // the client went away: the connection ends without waking
            return;
        }
        if (twoBytes(bytes, DISCONNECT)) {
            connection.disconnectedAsleep();
            return;
        }
        if (!twoBytes(bytes, PINGREQ)) {
            connection.wake(keep(bytes));
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

    /** Whether {@code bytes} are exactly the packet of type {@code first} with no body. */
    private static boolean twoBytes(ByteBuf bytes, byte first) {
        return bytes.readableBytes() == 2 && bytes.getByte(bytes.readerIndex()) == first
                && bytes.getByte(bytes.readerIndex() + 1) == 0;
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
