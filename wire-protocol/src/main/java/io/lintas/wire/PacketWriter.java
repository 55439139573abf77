package io.lintas.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Builds frames for payloads the proxy composes itself. Payloads of 0xFFFFFF bytes or more are split
 * into consecutive frames with increasing sequence ids, ending with a frame shorter than 0xFFFFFF.
 */
public final class PacketWriter {
    private PacketWriter() {}

    /** Reserves a header in a new buffer; write the payload after it and call {@link #finish}. */
    public static ByteBuf begin(ByteBufAllocator alloc, int expectedPayload) {
        ByteBuf buf = alloc.buffer(Packet.HEADER_SIZE + Math.max(expectedPayload, 16));
        buf.writeZero(Packet.HEADER_SIZE);
        return buf;
    }

    /**
     * Completes a buffer started with {@link #begin}: fills in the header(s) and returns the wire bytes.
     * Small payloads are patched in place; a payload of 16 MiB or more is re-framed into chunks.
     */
    public static ByteBuf finish(ByteBuf buf, int sequenceId) {
        int payloadLength = buf.writerIndex() - Packet.HEADER_SIZE;
        if (payloadLength < Packet.MAX_PAYLOAD) {
            buf.setMediumLE(0, payloadLength);
            buf.setByte(3, sequenceId);
            return buf;
        }
        try {
            return frame(buf.alloc(), buf.slice(Packet.HEADER_SIZE, payloadLength), sequenceId);
        } finally {
            buf.release();
        }
    }

    /** Frames an arbitrary payload (not consumed, not released) starting at {@code sequenceId}. */
    public static ByteBuf frame(ByteBufAllocator alloc, ByteBuf payload, int sequenceId) {
        int length = payload.readableBytes();
        int chunks = length / Packet.MAX_PAYLOAD + 1;
        ByteBuf out = alloc.buffer(length + chunks * Packet.HEADER_SIZE);
        int offset = payload.readerIndex();
        int remaining = length;
        int seq = sequenceId;
        while (true) {
            int chunk = Math.min(remaining, Packet.MAX_PAYLOAD);
            out.writeMediumLE(chunk);
            out.writeByte(seq);
            out.writeBytes(payload, offset, chunk);
            offset += chunk;
            remaining -= chunk;
            seq = (seq + 1) & 0xFF;
            if (chunk < Packet.MAX_PAYLOAD) {
                return out;
            }
        }
    }

    /** Number of frames a payload of {@code length} bytes occupies. */
    public static int frameCount(long length) {
        return (int) (length / Packet.MAX_PAYLOAD) + 1;
    }
}
