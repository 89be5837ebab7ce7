package dev.midge.codec.wire;

import static dev.midge.codec.wire.Fixtures.ascii;
import static dev.midge.codec.wire.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Connect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the codec: arbitrary bytes decode to packets or to MalformedPacketException and
 * nothing else, always terminating; generated packets survive an encode / decode round trip.
 */
class DecoderProperties {
    private static final String CONNECT_311 = "10 0D 0004" + ascii("MQTT") + "04 02 003C 0001" + ascii("c");
    private static final String CONNECT_5 = "10 0E 0004" + ascii("MQTT") + "05 02 003C 00 0001" + ascii("c");

    /** Decodes until the bytes run out, an incomplete packet remains, or a fault is reported. */
    private static void decodeAllOrFail(PacketDecoder decoder, byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            while (in.isReadable()) {
                int before = in.readerIndex();
                MqttPacket p = decoder.decode(in);
                if (p == null) {
                    assertThat(in.readerIndex()).isEqualTo(before);
                    return;
                }
                assertThat(in.readerIndex()).isGreaterThan(before);
            }
        } catch (MalformedPacketException expected) {
            assertThat(expected.reasonCode()).isGreaterThanOrEqualTo(0x80);
        }
    }

    @net.jqwik.api.Property(tries = 3000)
    void anyBytes_onAFreshServerConnection_decodeOrMalformed(@ForAll @Size(max = 300) byte[] bytes) {
        decodeAllOrFail(PacketDecoder.forServer(4096), bytes);
    }

    private static byte[] afterConnect(String connectHex, byte[] bytes) {
        byte[] connect = hex(connectHex);
        byte[] all = new byte[connect.length + bytes.length];
        System.arraycopy(connect, 0, all, 0, connect.length);
        System.arraycopy(bytes, 0, all, connect.length, bytes.length);
        return all;
    }

    @net.jqwik.api.Property(tries = 3000)
    void anyBytes_after311Connect_decodeOrMalformed(@ForAll @Size(max = 300) byte[] bytes) {
        decodeAllOrFail(PacketDecoder.forServer(4096), afterConnect(CONNECT_311, bytes));
    }

    @net.jqwik.api.Property(tries = 3000)
    void anyBytes_after5Connect_decodeOrMalformed(@ForAll @Size(max = 300) byte[] bytes) {
        decodeAllOrFail(PacketDecoder.forServer(4096), afterConnect(CONNECT_5, bytes));
    }

    @net.jqwik.api.Property(tries = 2000)
    void anyBytes_onClientSide_decodeOrMalformed(@ForAll @Size(max = 300) byte[] bytes,
                                                 @ForAll MqttVersion version) {
        decodeAllOrFail(PacketDecoder.forClient(version, 4096), bytes);
    }

    @net.jqwik.api.Property(tries = 2000)
    void validPacketWithOneByteChanged_decodeOrMalformed(@ForAll("validPackets") byte[] packet,
                                                         @ForAll int position, @ForAll byte value) {
        byte[] mutated = packet.clone();
        mutated[Math.floorMod(position, mutated.length)] = value;
        decodeAllOrFail(PacketDecoder.forClient(MqttVersion.MQTT_5, 4096), mutated);
    }

    @Provide
    Arbitrary<byte[]> validPackets() {
        return publishes().map(p -> Fixtures.encode(p, MqttVersion.MQTT_5));
    }

    @net.jqwik.api.Property(tries = 1000)
    void publish_roundTrip(@ForAll("publishes") Publish p, @ForAll MqttVersion version) {
        Publish expected = version.isV5() ? p : new Publish(p.topic(), p.payload(), p.qos(), p.retain(), p.dup(),
                p.packetId(), Properties.EMPTY);
        MqttPacket decoded = Fixtures.decodeClient(version, Fixtures.encode(p, version));
        assertThat(decoded).usingRecursiveComparison().isEqualTo(expected);
    }

    @net.jqwik.api.Property(tries = 500)
    void subscribe_roundTrip(@ForAll("subscribes") Subscribe s) {
        MqttPacket decoded = Fixtures.decodeClient(MqttVersion.MQTT_5, Fixtures.encode(s, MqttVersion.MQTT_5));
        assertThat(decoded).usingRecursiveComparison().isEqualTo(s);
    }

    @net.jqwik.api.Property(tries = 500)
    void connect_roundTrip(@ForAll("connects") Connect c) {
        MqttPacket decoded = Fixtures.decodeServer(Fixtures.encode(c, c.version()));
        assertThat(decoded).usingRecursiveComparison().isEqualTo(c);
    }

    private static Arbitrary<String> topics() {
        return Arbitraries.strings().withChars("ab/$é中").ofMinLength(1).ofMaxLength(20);
    }

    private static Arbitrary<String> filters() {
        return Arbitraries.of("#", "+", "a/+", "a/#", "+/+/b", "$SYS/#", "a//b", "/", "é/中/+");
    }

    private static Arbitrary<Properties> publishProperties() {
        Arbitrary<Long> expiry = Arbitraries.longs().between(0, 0xFFFFFFFFL);
        Arbitrary<String> text = Arbitraries.strings().alpha().ofMaxLength(8);
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(8);
        return Combinators.combine(expiry.injectNull(0.5), text.injectNull(0.5), data.injectNull(0.5),
                text.list().ofMaxSize(3), Arbitraries.integers().between(1, 268_435_455).list().ofMaxSize(2))
                .as((e, t, d, users, subIds) -> {
                    Properties.Builder b = Properties.builder();
                    if (e != null) {
                        b.put(Property.MESSAGE_EXPIRY_INTERVAL, e);
                    }
                    if (t != null) {
                        b.put(Property.CONTENT_TYPE, t);
                    }
                    if (d != null) {
                        b.put(Property.CORRELATION_DATA, d);
                    }
                    users.forEach(u -> b.userProperty(u, u + "!"));
                    subIds.forEach(b::subscriptionIdentifier);
                    return b.build();
                });
    }

    @Provide
    Arbitrary<Publish> publishes() {
        return Combinators.combine(topics(), Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.of(Qos.class), Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 65535), publishProperties())
                .as((topic, payload, qos, retain, dup, id, props) -> new Publish(topic, payload, qos, retain,
                        dup && qos != Qos.AT_MOST_ONCE, qos == Qos.AT_MOST_ONCE ? 0 : id, props));
    }

    @Provide
    Arbitrary<Subscribe> subscribes() {
        Arbitrary<Subscription> sub = Combinators.combine(filters(), Arbitraries.of(Qos.class),
                Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.integers().between(0, 2))
                .as(Subscription::new);
        return Combinators.combine(Arbitraries.integers().between(1, 65535), sub.list().ofMinSize(1).ofMaxSize(4))
                .as((id, subs) -> new Subscribe(id, subs, Properties.EMPTY));
    }

    @Provide
    Arbitrary<Connect> connects() {
        return Combinators.combine(Arbitraries.of(MqttVersion.class),
                Arbitraries.strings().alpha().ofMaxLength(23), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 65535), Arbitraries.strings().alpha().ofMaxLength(8).injectNull(0.3),
                Arbitraries.of(true, false))
                .as((version, id, clean, keepAlive, user, withWill) -> new Connect(version, id, clean, keepAlive,
                        user, user == null ? null : user.getBytes(),
                        withWill ? new dev.midge.codec.packet.Will("will/" + id, new byte[] {1}, Qos.AT_LEAST_ONCE,
                                true, Properties.EMPTY) : null,
                        Properties.EMPTY));
    }

    @net.jqwik.api.Example
    void subscribeFilterList_isImmutable() {
        Subscribe s = new Subscribe(1, new java.util.ArrayList<>(List.of(Subscription.of("a", Qos.AT_MOST_ONCE))),
                Properties.EMPTY);
        assertThat(s.subscriptions()).isUnmodifiable();
    }
}
