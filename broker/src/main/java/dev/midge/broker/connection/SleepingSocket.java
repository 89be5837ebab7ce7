package dev.midge.broker.connection;

import dev.midge.broker.transport.ParkedSocket;
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
            if (bytes == null || !connection.connectAsleep(bytes)) {
                connection.wake(bytes == null ? null : keep(bytes));
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

    @Override
    protected void closedByLoop() {
        connection.closedAsleep();
    }
}
