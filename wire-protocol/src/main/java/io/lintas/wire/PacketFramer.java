package io.lintas.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits a byte stream into {@link Packet} frames without copying: each frame is a retained slice of
 * the cumulation. Memory held is only what has arrived: a header announcing 16 MiB reserves nothing.
 * Each frame records the cumulation and its place in it, so that a relay can write the adjacent frames of one
 * read as one buffer. The cumulation's bytes do not move while a frame is retained (the decoder only discards
 * read bytes of a buffer nobody else references).
 */
public final class PacketFramer extends ByteToMessageDecoder {

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= Packet.HEADER_SIZE) {
            int at = in.readerIndex();
            int header = in.getIntLE(at);
            int frameSize = Packet.HEADER_SIZE + (header & 0xFFFFFF);
            if (in.readableBytes() < frameSize) {
                return;
            }
            int first = frameSize == Packet.HEADER_SIZE ? -1 : in.getUnsignedByte(at + Packet.HEADER_SIZE);
            out.add(new Packet(in.readRetainedSlice(frameSize), in, at, header, first));
        }
    }

    /**
     * Takes out the bytes received after the last whole frame (a copy; the framer holds none afterwards).
     * The TLS upgrade moves them into the SslHandler: a client sends its ClientHello right behind the
     * SSLRequest, often in the same TCP segment.
     */
    public ByteBuf drainPending(ByteBufAllocator alloc) {
        ByteBuf cumulation = internalBuffer();
        ByteBuf out = alloc.buffer(cumulation.readableBytes());
        out.writeBytes(cumulation);
        return out;
    }

    /** Bytes received but not yet forming a whole frame. */
    public int pendingBytes() {
        return actualReadableBytes();
    }
}
