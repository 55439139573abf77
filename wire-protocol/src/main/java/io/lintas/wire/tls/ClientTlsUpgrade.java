package io.lintas.wire.tls;

import io.lintas.wire.Capabilities;
import io.lintas.wire.message.SslRequest;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;

/**
 * Client side of the MySQL TLS upgrade (the proxy logging in to a node): after the greeting, send an
 * SSLRequest, start TLS, and once the handshake is done send the HandshakeResponse41 with sequence id 2.
 */
public final class ClientTlsUpgrade {
    private ClientTlsUpgrade() {}

    /**
     * Writes {@code request} (sequence id 1; CLIENT_SSL is added) and adds an SslHandler that verifies the
     * node as {@code host}. The SSLRequest is not flushed on its own: it leaves in the same segment as the
     * ClientHello, as libmysqlclient does. Call on the channel's event loop.
     *
     * @return the handshake future; send the HandshakeResponse41 (sequence id 2) when it succeeds
     */
    public static Future<Channel> upgrade(Channel channel, SslContext sslContext, String host, int port, SslRequest request) {
        if (!channel.eventLoop().inEventLoop()) {
            throw new IllegalStateException("call on the channel's event loop");
        }
        SslRequest withSsl = new SslRequest(request.capabilities() | Capabilities.CLIENT_SSL, request.maxPacketSize(),
            request.characterSet());
        // Written before the SslHandler exists, so it travels in clear, ahead of the ClientHello.
        channel.write(withSsl.toFrame(channel.alloc(), 1, withSsl.capabilities()));
        SslHandler ssl = sslContext.newHandler(channel.alloc(), host, port);
        channel.pipeline().addFirst(ServerTlsUpgrade.HANDLER_NAME, ssl);
        channel.flush();
        return ssl.handshakeFuture();
    }
}
