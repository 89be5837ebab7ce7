package dev.midge.broker.store;

import dev.midge.broker.session.Message;
import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.packet.Will;
import dev.midge.codec.wire.PropertiesCodec;
import dev.midge.codec.wire.VarInt;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The byte layout of stored records and keys. Keys that belong to a session start with its
 * client id and a 0x00 byte (client ids cannot contain U+0000), so a session's records are one
 * key range. Numbers are big-endian so that keys sort in numeric order.
 */
final class Records {
    /** An empty MQTT 5 property list: its length, 0. Shared, never written to. */
    private static final byte[] NO_PROPERTIES = {0};

    private Records() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] sessionPrefix(String clientId) {
        byte[] id = utf8(clientId);
        byte[] out = new byte[id.length + 1];
        System.arraycopy(id, 0, out, 0, id.length);
        return out;
    }

    /** The first key after every key of the session. */
    static byte[] sessionPrefixEnd(String clientId) {
        byte[] p = sessionPrefix(clientId);
        p[p.length - 1] = 1;
        return p;
    }

    static byte[] key(String clientId, String suffix) {
        return concat(sessionPrefix(clientId), utf8(suffix));
    }

    static byte[] key(String clientId, long seq) {
        return concat(sessionPrefix(clientId), ByteBuffer.allocate(8).putLong(seq).array());
    }

    static byte[] key(String clientId, int packetId) {
        return concat(sessionPrefix(clientId), ByteBuffer.allocate(2).putShort((short) packetId).array());
    }

    static byte[] longKey(long id) {
        return ByteBuffer.allocate(8).putLong(id).array();
    }

    /** The client id of a session-scoped key. */
    static String clientIdOf(byte[] key) {
        int zero = indexOfZero(key);
        return new String(key, 0, zero, StandardCharsets.UTF_8);
    }

    /** The part of a session-scoped key after the client id. */
    static ByteBuffer suffixOf(byte[] key) {
        int zero = indexOfZero(key);
        return ByteBuffer.wrap(key, zero + 1, key.length - zero - 1);
    }

    private static int indexOfZero(byte[] key) {
        for (int i = 0; i < key.length; i++) {
            if (key[i] == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a session key");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A session record: expiry (8 bytes), then the user name in UTF-8 when there is one. */
    static byte[] session(long expirySeconds, String username) {
        byte[] expiry = longKey(expirySeconds);
        return username == null ? expiry : concat(expiry, utf8(username));
    }

    /** The user name of a session record, or null (anonymous, or written before names were kept). */
    static String sessionUsername(byte[] record) {
        return record.length > 8 ? new String(record, 8, record.length - 8, StandardCharsets.UTF_8) : null;
    }

    static byte[] subscription(Subscription s, int subscriptionId) {
        return ByteBuffer.allocate(6).put((byte) s.qos().value())
                .put((byte) ((s.noLocal() ? 1 : 0) | (s.retainAsPublished() ? 2 : 0) | s.retainHandling() << 2))
                .putInt(subscriptionId).array();
    }

    static Subscription subscription(String filter, byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        Qos qos = Qos.of(b.get());
        int flags = b.get();
        return new Subscription(filter, qos, (flags & 1) != 0, (flags & 2) != 0, flags >> 2 & 3);
    }

    static int subscriptionId(byte[] v) {
        return ByteBuffer.wrap(v, 2, 4).getInt();
    }

    /**
     * A queue entry: message id, QoS, retain flag, subscription identifiers, and then, when the
     * message had no other reference as it was written, the message body itself (one record
     * instead of two for the usual message with one persistent receiver; older stores have
     * none there).
     */
    static byte[] queued(long messageId, Qos qos, boolean retain, List<Integer> ids) {
        ByteBuffer b = ByteBuffer.allocate(8 + 2 + 2 + 4 * ids.size()).putLong(messageId)
                .put((byte) qos.value()).put((byte) (retain ? 1 : 0)).putShort((short) ids.size());
        ids.forEach(b::putInt);
        return b.array();
    }

    /** {@code body} is the message stored in the entry itself, or null when it is a record of its own. */
    record Queued(long messageId, Qos qos, boolean retain, List<Integer> subscriptionIds, byte[] body) {
    }

    static Queued queued(byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        long id = b.getLong();
        Qos qos = Qos.of(b.get());
        boolean retain = b.get() != 0;
        int n = b.getShort();
        List<Integer> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(b.getInt());
        }
        byte[] body = b.hasRemaining() ? Arrays.copyOfRange(v, b.position(), v.length) : null;
        return new Queued(id, qos, retain, ids, body);
    }

    static byte[] inflight(int packetId, boolean released) {
        return ByteBuffer.allocate(3).putShort((short) packetId).put((byte) (released ? 1 : 0)).array();
    }

    /**
     * A message: id, wall-clock arrival (monotonic time does not survive a restart), expiry,
     * QoS, retain, origin, topic, MQTT 5 properties (in the wire format), payload.
     */
    static byte[] message(Message m) {
        Publish p = m.publish();
        long waitedMillis = (System.nanoTime() - m.arrivedNanos()) / 1_000_000;
        byte[] origin = m.origin() == null ? null : utf8(m.origin());
        byte[] topic = utf8(p.topic());
        byte[] props = properties(p.properties());
        // written straight into an array of the exact size: no buffer to grow, copy and release
        byte[] out = new byte[8 + 8 + 8 + 1 + 1 + stringSize(origin) + stringSize(topic) + props.length + 4
                + p.payload().length];
        ByteBuf buf = Unpooled.wrappedBuffer(out).writerIndex(0);
        buf.writeLong(m.id()).writeLong(System.currentTimeMillis() - waitedMillis).writeLong(m.expirySeconds())
                .writeByte(p.qos().value()).writeBoolean(p.retain());
        writeString(buf, origin);
        writeString(buf, topic);
        buf.writeBytes(props);
        buf.writeInt(p.payload().length).writeBytes(p.payload());
        assert !buf.isWritable() : "the size computed above is the size written";
        return out;
    }

    /** MQTT 5 properties in the wire format, length first (one zero byte for none, the usual case). */
    private static byte[] properties(Properties props) {
        if (props.isEmpty()) {
            return NO_PROPERTIES;
        }
        int body = PropertiesCodec.bodySize(props);
        // a growable buffer: the codec asks for room for the worst-case UTF-8 size of each string
        ByteBuf buf = Unpooled.buffer(VarInt.size(body) + body);
        try {
            PropertiesCodec.write(buf, props, body);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static Message message(byte[] v) {
        ByteBuf buf = Unpooled.wrappedBuffer(v);
        long id = buf.readLong();
        long arrivedWall = buf.readLong();
        long expiry = buf.readLong();
        Qos qos = Qos.of(buf.readByte());
        boolean retain = buf.readBoolean();
        String origin = readString(buf);
        String topic = readString(buf);
        Properties props = PropertiesCodec.read(buf, PacketType.PUBLISH);
        byte[] payload = new byte[buf.readInt()];
        buf.readBytes(payload);
        long waitedNanos = Math.max(0, System.currentTimeMillis() - arrivedWall) * 1_000_000;
        Publish p = new Publish(topic, payload, qos, retain, false, 0, props);
        return new Message(id, p, origin, System.nanoTime() - waitedNanos, expiry);
    }

    /** A stored will and the user name its topic is checked against. */
    record StoredWill(String username, Will will) {
    }

    /** A will: user name, QoS, retain, topic, will properties (wire format, delay included), payload. */
    static byte[] will(String username, Will w) {
        ByteBuf buf = Unpooled.buffer(32 + w.payload().length);
        try {
            writeString(buf, username);
            buf.writeByte(w.qos().value()).writeBoolean(w.retain());
            writeString(buf, w.topic());
            PropertiesCodec.write(buf, w.properties(), PropertiesCodec.bodySize(w.properties()));
            buf.writeInt(w.payload().length).writeBytes(w.payload());
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static StoredWill will(byte[] v) {
        ByteBuf buf = Unpooled.wrappedBuffer(v);
        String username = readString(buf);
        Qos qos = Qos.of(buf.readByte());
        boolean retain = buf.readBoolean();
        String topic = readString(buf);
        Properties props = PropertiesCodec.read(buf, null); // will properties, as in CONNECT
        byte[] payload = new byte[buf.readInt()];
        buf.readBytes(payload);
        return new StoredWill(username, new Will(topic, payload, qos, retain, props));
    }

    private static void writeString(ByteBuf buf, String s) {
        writeString(buf, s == null ? null : utf8(s));
    }

    /** A string as {@link #readString} takes it: its UTF-8 length (-1 for null), then its bytes. */
    private static void writeString(ByteBuf buf, byte[] utf8) {
        if (utf8 == null) {
            buf.writeInt(-1);
            return;
        }
        buf.writeInt(utf8.length).writeBytes(utf8);
    }

    private static int stringSize(byte[] utf8) {
        return 4 + (utf8 == null ? 0 : utf8.length);
    }

    private static String readString(ByteBuf buf) {
        int n = buf.readInt();
        if (n < 0) {
            return null;
        }
        return buf.readCharSequence(n, StandardCharsets.UTF_8).toString();
    }
}
