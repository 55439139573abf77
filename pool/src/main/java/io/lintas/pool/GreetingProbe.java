package io.lintas.pool;

import io.lintas.monitor.BackendNode;
import io.lintas.wire.Packet;
import io.lintas.wire.PacketFramer;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.HandshakeV10;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Reads a node's greeting without logging in, to learn its version and capabilities. */
public final class GreetingProbe {
    private final Class<? extends Channel> channelClass;
    private final int timeoutMillis;

    /** A probe using sockets of {@code channelClass}, bounded by {@code timeoutMillis}. */
    public GreetingProbe(Class<? extends Channel> channelClass, int timeoutMillis) {
        this.channelClass = channelClass;
        this.timeoutMillis = timeoutMillis;
    }

    /** Connects to {@code node}, reads its greeting and closes; completes on {@code loop}. */
    public Future<HandshakeV10> probe(EventLoop loop, BackendNode node) {
        Promise<HandshakeV10> promise = loop.newPromise();
        Bootstrap b = new Bootstrap().group(loop).channel(channelClass)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new PacketFramer(), new SimpleChannelInboundHandler<Packet>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, Packet frame) {
                            try {
                                if (frame.firstByte() == ErrPacket.HEADER) {
                                    promise.tryFailure(new IOException(node + " refused: "
                                        + ErrPacket.decode(frame.payload()).message()));
                                } else {
                                    promise.trySuccess(HandshakeV10.decode(frame.payload()));
                                }
                            } catch (RuntimeException e) {
                                promise.tryFailure(e);
                            }
                            ctx.close();
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            promise.tryFailure(new IOException(node + " closed the connection before greeting"));
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            promise.tryFailure(cause);
                            ctx.close();
                        }
                    });
                }
            });
        b.connect(node.host(), node.port()).addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
            }
        });
        loop.schedule(() -> promise.tryFailure(new IOException("no greeting from " + node + " within " + timeoutMillis + " ms")),
            timeoutMillis, TimeUnit.MILLISECONDS);
        return promise;
    }
}
