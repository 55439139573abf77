package io.lintas.wire.message;

import io.lintas.wire.PacketWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** A message the proxy can serialize as one packet payload. */
public interface WireMessage {

    /** Writes the payload (no header) into {@code out}. */
    void encode(ByteBuf out, long capabilities);

    /** Serializes this message as wire frame(s) with the given sequence id. */
    default ByteBuf toFrame(ByteBufAllocator alloc, int sequenceId, long capabilities) {
        ByteBuf buf = PacketWriter.begin(alloc, 64);
        try {
            encode(buf, capabilities);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        return PacketWriter.finish(buf, sequenceId);
    }
}
