package dev.midge.codec.wire;

import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.PacketType;
import dev.midge.codec.packet.Pingreq;
import dev.midge.codec.packet.Pingresp;
import dev.midge.codec.packet.ReasonCode;
import io.netty.buffer.ByteBuf;

/**
 * Frames and parses MQTT packets from a byte stream, without Netty's pipeline: the same code
 * serves the channel handler, the tests and the fuzzers. Not thread-safe: one per connection.
 *
 * <p>The remaining length is checked against the maximum packet size as soon as the fixed header
 * is complete, before any body is buffered, so a huge declared length allocates nothing.
 */
public final class PacketDecoder {
    /**
     * The largest first packet a server buffers before it knows who is connecting: a CONNECT with
     * every field at its 65,535-byte maximum is about 330 kB, and CVE-2017-7651 / CVE-2023-0809
     * were brokers that allocated whatever length an unauthenticated peer declared.
     */
    public static final int MAX_CONNECT_SIZE = 1 << 20;

    private final int maxPacketSize;
    private final boolean serverSide;
    /** Null on the server side until the CONNECT has told which version the client speaks. */
    private MqttVersion version;

    private PacketDecoder(MqttVersion version, int maxPacketSize, boolean serverSide) {
        this.version = version;
        this.maxPacketSize = maxPacketSize;
        this.serverSide = serverSide;
    }

    /**
     * A broker's decoder: the first packet must be CONNECT and decides the version; packets only
     * a server sends are refused.
     *
     * @param maxPacketSize the largest whole packet accepted, fixed header included
     */
    public static PacketDecoder forServer(int maxPacketSize) {
        return new PacketDecoder(null, maxPacketSize, true);
    }

    /**
     * A broker's decoder for a connection whose CONNECT (for {@code version}) was read by an
     * earlier decoder: a connection that goes on over a new channel.
     */
    public static PacketDecoder forServerAfterConnect(MqttVersion version, int maxPacketSize) {
        return new PacketDecoder(version, maxPacketSize, true);
    }

    /** A client's decoder for the version it asked for in its CONNECT. */
    public static PacketDecoder forClient(MqttVersion version, int maxPacketSize) {
        return new PacketDecoder(version, maxPacketSize, false);
    }

    public MqttVersion version() {
        return version;
    }

    /**
     * Decodes one packet from the readable bytes of {@code in}, advancing its reader index past it,
     * or returns null (reader index unchanged) when the packet is not complete yet.
     *
     * @throws MalformedPacketException when the bytes break a rule of the protocol
     */
    public MqttPacket decode(ByteBuf in) {
        int start = in.readerIndex();
        if (in.readableBytes() < 2) {
            return null;
        }
        int header = in.getUnsignedByte(start);
        long lengthField = VarInt.peek(in, start + 1);
        if (lengthField == VarInt.INCOMPLETE) {
            return null;
        }
        int remaining = (int) lengthField;
        int headerSize = 1 + (int) (lengthField >>> 32);
        PacketType type = PacketType.of(header >>> 4);
        checkFixedHeader(type, header & 0x0F);
        int limit = version == null && serverSide ? Math.min(maxPacketSize, MAX_CONNECT_SIZE) : maxPacketSize;
        if ((long) headerSize + remaining > limit) {
            // spec 3.1.2.11.4 / Mosquitto's message_size_limit: refuse before buffering the body
            throw new MalformedPacketException(ReasonCode.PACKET_TOO_LARGE,
                    "packet of " + ((long) headerSize + remaining) + " bytes exceeds the maximum of " + limit);
        }
        if (in.readableBytes() < headerSize + remaining) {
            return null;
        }
        in.skipBytes(headerSize);
        int end = in.readerIndex() + remaining;
        int writerIndex = in.writerIndex();
        // The body is parsed in place, bounded by a lowered writer index, as a slice would bound
        // it: a slice object per packet was the largest single share of the garbage per message.
        in.writerIndex(end);
        try {
            MqttPacket packet = parse(type, header & 0x0F, in);
            if (in.isReadable()) {
                throw MalformedPacketException.malformed(type + " has " + in.readableBytes() + " bytes left over");
            }
            return packet;
        } finally {
            in.writerIndex(writerIndex);
            in.readerIndex(end);
        }
    }

    private void checkFixedHeader(PacketType type, int flags) {
        if (type == null) {
            // spec 2.1.2: packet type 0 is reserved
            throw MalformedPacketException.malformed("reserved packet type 0");
        }
        if (version == null && type != PacketType.CONNECT) {
            // [MQTT-3.1.0-1] the first packet from a client must be CONNECT
            throw MalformedPacketException.protocolError("first packet is " + type + ", not CONNECT");
        }
        if (serverSide) {
            checkSentByClient(type);
        }
        if (type == PacketType.AUTH && version != null && !version.isV5()) {
            // spec 3.1.1 2.2.1: 15 is reserved before MQTT 5
            throw MalformedPacketException.malformed("reserved packet type 15");
        }
        int required = switch (type) {
            case PUBLISH -> flags;
            case PUBREL, SUBSCRIBE, UNSUBSCRIBE -> 0x02;
            default -> 0x00;
        };
        if (flags != required) {
            // [MQTT-2.2.2-1] [MQTT-2.2.2-2] reserved fixed header flags
            throw MalformedPacketException.malformed(String.format("%s with fixed header flags 0x%X", type, flags));
        }
    }

    private void checkSentByClient(PacketType type) {
        switch (type) {
            // [MQTT-3.1.0-2] a second CONNECT is a protocol violation
            case CONNECT -> {
                if (version != null) {
                    throw MalformedPacketException.protocolError("second CONNECT");
                }
            }
            // spec 2.1.2: these flow from server to client only
            case CONNACK, SUBACK, UNSUBACK, PINGRESP ->
                    throw MalformedPacketException.protocolError(type + " sent by a client");
            default -> { }
        }
    }

    private MqttPacket parse(PacketType type, int flags, ByteBuf body) {
        if (type == PacketType.CONNECT) {
            Connect connect = ConnectCodec.read(body);
            if (version == null) {
                version = connect.version();
            }
            return connect;
        }
        return switch (type) {
            case CONNACK -> ConnackCodec.read(body, version);
            case PUBLISH -> PublishCodec.read(body, flags, version);
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> AckCodec.read(type, body, version);
            case SUBSCRIBE -> SubscribeCodec.read(body, version);
            case SUBACK, UNSUBACK -> AckListCodec.read(type, body, version);
            case UNSUBSCRIBE -> UnsubscribeCodec.read(body, version);
            case PINGREQ -> Pingreq.INSTANCE;
            case PINGRESP -> Pingresp.INSTANCE;
            case DISCONNECT, AUTH -> ReasonOnlyCodec.read(type, body, version);
            case CONNECT -> throw new IllegalStateException("handled above");
        };
    }
}
