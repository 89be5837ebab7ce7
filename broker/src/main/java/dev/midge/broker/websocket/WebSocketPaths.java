package dev.midge.broker.websocket;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Lets the WebSocket upgrade through on {@code /mqtt} (MQTT.js, Paho JS) and {@code /} (clients
 * that send no path); any other request gets 404 and is closed.
 */
public final class WebSocketPaths extends SimpleChannelInboundHandler<FullHttpRequest> {
    public WebSocketPaths() {
        super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals("/mqtt") || path.equals("/")) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(request);
            return;
        }
        request.release();
        DefaultFullHttpResponse notFound = new DefaultFullHttpResponse(request.protocolVersion(),
                HttpResponseStatus.NOT_FOUND);
        notFound.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(notFound).addListener(ChannelFutureListener.CLOSE);
    }
}
