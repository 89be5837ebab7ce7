package dev.midge.broker.faults;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy for tests that makes a loopback connection behave like a bad network: latency with
 * jitter (order kept), a bandwidth limit, reset in the middle of a packet, half-close, a blackhole
 * that keeps both sockets open but forwards nothing, and truncate-then-close. Faults apply to
 * every connection through the proxy, in both directions.
 */
public final class FaultProxy implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Set<Channel> clients = ConcurrentHashMap.newKeySet();
    private final Channel server;
    private final int targetPort;
    private volatile int minLatencyMillis;
    private volatile int maxLatencyMillis;
    private volatile long bytesPerSecond;
    private volatile boolean blackhole;
    /** After this many more bytes towards the broker, cut the stream and close (-1: off). */
    private volatile long truncateAfter = -1;

    public FaultProxy(int targetPort) throws InterruptedException {
        this.targetPort = targetPort;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Front());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Each chunk is held back a random time in [min, max] ms, never overtaking an earlier one. */
    public FaultProxy latency(int minMillis, int maxMillis) {
        this.minLatencyMillis = minMillis;
        this.maxLatencyMillis = maxMillis;
        return this;
    }

    /** At most this many bytes per second per direction and connection (0: unlimited). */
    public FaultProxy bandwidth(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    /** Forwards nothing while on; sockets stay open, as behind a dead NAT or a tunnel. */
    public FaultProxy blackhole(boolean on) {
        this.blackhole = on;
        return this;
    }

    /** Lets {@code bytes} more bytes through towards the broker, then closes both sides. */
    public FaultProxy truncateAfter(long bytes) {
        this.truncateAfter = bytes;
        return this;
    }

    /** Resets every connection now (RST, possibly in the middle of a packet). */
    public void resetAll() {
        for (Channel c : clients) {
            c.eventLoop().execute(() -> {
                c.config().setOption(ChannelOption.SO_LINGER, 0);
                c.close();
            });
        }
    }

    /** Half-closes every connection towards the broker (FIN), leaving the other direction open. */
    public void halfCloseAll() {
        for (Channel c : clients) {
            Channel back = c.attr(Front.BACK).get();
            if (back instanceof NioSocketChannel s) {
                s.shutdownOutput();
            }
        }
    }

    public int connections() {
        return clients.size();
    }

    /** Relays one direction with the configured delay and rate, keeping order. */
    private final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel to;
        private final boolean towardsBroker;
        private long nextSendNanos;

        Relay(Channel to, boolean towardsBroker) {
            this.to = to;
            this.towardsBroker = towardsBroker;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            if (blackhole) {
                buf.release();
                ctx.read();
                return;
            }
            if (towardsBroker && truncateAfter >= 0) {
                long allowed = truncateAfter;
                if (buf.readableBytes() >= allowed) {
                    ByteBuf head = buf.readRetainedSlice((int) allowed);
                    buf.release();
                    truncateAfter = -1;
                    to.writeAndFlush(head).addListener(ChannelFutureListener.CLOSE);
                    ctx.close();
                    return;
                }
                truncateAfter = allowed - buf.readableBytes();
            }
            long now = System.nanoTime();
            int latency = maxLatencyMillis <= 0 ? 0
                    : ThreadLocalRandom.current().nextInt(minLatencyMillis, maxLatencyMillis + 1);
            long sendAt = Math.max(now + TimeUnit.MILLISECONDS.toNanos(latency), nextSendNanos);
            long rate = bytesPerSecond;
            nextSendNanos = sendAt + (rate > 0 ? buf.readableBytes() * 1_000_000_000L / rate : 0);
            long delay = sendAt - now;
            Runnable send = () -> {
                if (to.isActive()) {
                    to.writeAndFlush(buf);
                } else {
                    buf.release();
                }
            };
            if (delay <= 0) {
                send.run();
            } else {
                ctx.channel().eventLoop().schedule(send, delay, TimeUnit.NANOSECONDS);
            }
            ctx.read();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // close the other side after what is already scheduled has gone out
            long delay = Math.max(0, nextSendNanos - System.nanoTime());
            ctx.channel().eventLoop().schedule(() -> to.close(), delay, TimeUnit.NANOSECONDS);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The client-facing side: connects the broker-facing side, then relays both ways. */
    private final class Front extends ChannelInboundHandlerAdapter {
        static final io.netty.util.AttributeKey<Channel> BACK = io.netty.util.AttributeKey.valueOf("faultproxy.back");

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel front = ctx.channel();
            clients.add(front);
            front.closeFuture().addListener(f -> clients.remove(front));
            new Bootstrap().group(front.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new Relay(front, false));
                        }
                    })
                    .connect("127.0.0.1", targetPort).addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            front.close();
                            return;
                        }
                        Channel back = f.channel();
                        front.attr(BACK).set(back);
                        front.pipeline().replace(Front.this, "relay", new Relay(back, true));
                        front.read();
                        back.read();
                    });
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        clients.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
