package io.lintas.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits a byte stream into {@link Packet} frames without copying: each frame is a retained slice of
 * the cumulation. Memory held is only what has arrived: a header announcing 16 MiB reserves nothing.
 */
public final class PacketFramer extends ByteToMessageDecoder {

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= Packet.HEADER_SIZE) {
            int length = in.getUnsignedMediumLE(in.readerIndex());
            int frameSize = Packet.HEADER_SIZE + length;
            if (in.readableBytes() < frameSize) {
                return;
            }
            out.add(new Packet(in.readRetainedSlice(frameSize)));
        }
    }

    /** Bytes received but not yet forming a whole frame. */
    public int pendingBytes() {
        return actualReadableBytes();
    }
}
