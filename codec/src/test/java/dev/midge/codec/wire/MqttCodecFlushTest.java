package dev.midge.codec.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Pingreq;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The server codec's flush consolidation: one flush per read batch or per loop task, bounded. */
class MqttCodecFlushTest {
    /** Packets a client decoder takes, fed to a server-mode codec: the flush logic does not care. */
    private static final byte[] PINGRESP = {(byte) 0xD0, 0x00};

    /** Counts the flushes that reach the socket side of the codec. */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        final AtomicInteger flushes = new AtomicInteger();

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes.incrementAndGet();
            ctx.flush();
        }
    }

    /** Answers every packet with a PINGRESP, flushed on its own, as a connection handler does. */
    private static final class Answering extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(Pingreq.INSTANCE);
        }
    }

    private static MqttCodec serverCodec() {
        return MqttCodec.forServer(PacketDecoder.forClient(MqttVersion.MQTT_3_1_1, 1024), MqttCodec.Traffic.NONE);
    }

    private static EmbeddedChannel channel(FlushCounter counter, MqttCodec codec) {
        return new EmbeddedChannel(counter, codec, new Answering());
    }

    @Test
    void answersToOneReadBatchLeaveInOneFlush() {
        FlushCounter counter = new FlushCounter();
        EmbeddedChannel ch = channel(counter, serverCodec());
        ch.pipeline().fireChannelRead(Unpooled.wrappedBuffer(PINGRESP, PINGRESP, PINGRESP));
        ch.pipeline().fireChannelRead(Unpooled.wrappedBuffer(PINGRESP, PINGRESP));
        assertThat(counter.flushes).hasValue(0);
        ch.pipeline().fireChannelReadComplete();
        assertThat(counter.flushes).hasValue(1);
        assertThat(ch.outboundMessages()).hasSize(5);
        ch.finishAndReleaseAll();
    }

    @Test
    void flushesOutsideAReadWaitForOneLoopTask() {
        FlushCounter counter = new FlushCounter();
        EmbeddedChannel ch = channel(counter, serverCodec());
        // writes first: EmbeddedChannel runs the loop's pending tasks on every write
        ch.pipeline().write(Pingreq.INSTANCE);
        ch.pipeline().write(Pingreq.INSTANCE);
        ch.pipeline().flush();
        ch.pipeline().flush();
        assertThat(counter.flushes).hasValue(0);
        ch.runPendingTasks();
        assertThat(counter.flushes).hasValue(1);
        assertThat(ch.outboundMessages()).hasSize(2);
        ch.finishAndReleaseAll();
    }

    @Test
    void aLongReadBatchFlushesEveryFewHundredAnswers() {
        FlushCounter counter = new FlushCounter();
        EmbeddedChannel ch = channel(counter, serverCodec());
        for (int i = 0; i < MqttCodec.FLUSH_AFTER * 2 + 1; i++) {
            ch.pipeline().fireChannelRead(Unpooled.wrappedBuffer(PINGRESP));
        }
        assertThat(counter.flushes).hasValue(2);
        ch.pipeline().fireChannelReadComplete();
        assertThat(counter.flushes).hasValue(3);
        ch.finishAndReleaseAll();
    }

    @Test
    void aPendingFlushGoesOutBeforeTheClose() {
        FlushCounter counter = new FlushCounter();
        EmbeddedChannel ch = channel(counter, serverCodec());
        ch.pipeline().fireChannelRead(Unpooled.wrappedBuffer(PINGRESP));
        ch.close();
        assertThat(counter.flushes).hasValue(1);
        assertThat(ch.outboundMessages()).hasSize(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientCodecFlushesAtOnce() {
        FlushCounter counter = new FlushCounter();
        EmbeddedChannel ch = channel(counter,
                MqttCodec.forClient(PacketDecoder.forClient(MqttVersion.MQTT_3_1_1, 1024), MqttVersion.MQTT_3_1_1,
                        MqttCodec.Traffic.NONE));
        ch.pipeline().writeAndFlush(Pingreq.INSTANCE);
        assertThat(counter.flushes).hasValue(1);
        ch.finishAndReleaseAll();
    }
}
