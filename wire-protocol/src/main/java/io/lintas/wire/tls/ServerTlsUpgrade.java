package io.lintas.wire.tls;

import io.lintas.wire.PacketFramer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;

/**
 * Server side of the MySQL TLS upgrade: after the client's 32-byte SSLRequest (sequence id 1) the same
 * connection carries TLS, and the client sends its HandshakeResponse41 inside it with sequence id 2.
 */
public final class ServerTlsUpgrade {
    /** Name of the SslHandler in the pipeline. */
    public static final String HANDLER_NAME = "tls";

    private ServerTlsUpgrade() {}

    /**
     * Puts an SslHandler in front of {@code framer} and hands it the bytes that arrived behind the
     * SSLRequest. Call on the channel's event loop, from the handler that received the SSLRequest frame.
     *
     * <p>Feeding those bytes synchronously is safe: they can only be the start of the TLS handshake (a
     * client sends no application data before the handshake ends), so the SslHandler produces no plain
     * text that would re-enter the framer. They were never mistaken for a frame either: a TLS record header
     * (16 03 0x) read as a packet length announces at least 66 326 bytes, far more than a ClientHello.
     *
     * @return the handshake future; on failure the SslHandler has already closed the channel
     */
    public static Future<Channel> upgrade(Channel channel, SslContext sslContext, PacketFramer framer) {
        if (!channel.eventLoop().inEventLoop()) {
            throw new IllegalStateException("call on the channel's event loop");
        }
        ChannelPipeline pipeline = channel.pipeline();
        SslHandler ssl = sslContext.newHandler(channel.alloc());
        pipeline.addFirst(HANDLER_NAME, ssl);
        ByteBuf early = framer.drainPending(channel.alloc());
        if (early.isReadable()) {
            pipeline.fireChannelRead(early);
        } else {
            early.release();
        }
        return ssl.handshakeFuture();
    }

    /** True when the channel already runs TLS (a second SSLRequest is a protocol error). */
    public static boolean isActive(Channel channel) {
        return channel.pipeline().get(SslHandler.class) != null;
    }
}
