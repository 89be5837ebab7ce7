package dev.midge.jmh;

import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.wire.PacketDecoder;
import dev.midge.codec.wire.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Decoding and encoding a 64-byte QoS 1 PUBLISH, MQTT 3.1.1 and 5 (with two properties). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    @Param({"MQTT_3_1_1", "MQTT_5"})
    public String version;

    private MqttVersion v;
    private Publish publish;
    private ByteBuf wire;
    private PacketDecoder decoder;

    @Setup
    public void setUp() {
        v = MqttVersion.valueOf(version);
        Properties props = v.isV5() ? Properties.builder().put(Property.CONTENT_TYPE, "application/json")
                .put(Property.MESSAGE_EXPIRY_INTERVAL, 60L).build() : Properties.EMPTY;
        publish = new Publish("site/7/device/42/temperature", new byte[64], Qos.AT_LEAST_ONCE, false, false, 17, props);
        ByteBuf b = PacketEncoder.encode(publish, v, PooledByteBufAllocator.DEFAULT);
        wire = Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(b));
        b.release();
        decoder = PacketDecoder.forClient(v, 1 << 20);
    }

    @Benchmark
    public MqttPacket decodePublish() {
        ByteBuf in = wire.duplicate();
        return decoder.decode(in);
    }

    @Benchmark
    public int encodePublish() {
        ByteBuf out = PacketEncoder.encode(publish, v, PooledByteBufAllocator.DEFAULT);
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
