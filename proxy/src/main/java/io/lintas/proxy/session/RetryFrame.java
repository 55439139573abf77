package io.lintas.proxy.session;

import io.lintas.wire.Packet;
import io.netty.buffer.ByteBuf;

/**
 * The command frame of a read kept for a retry on another node, as the client sent it. Every read keeps one until
 * its answer starts, and nearly none is ever retried: keeping it is a reference count on the frame's buffer and
 * its place in it (the buffer's reader index moves as the frame is written); a new frame is cut only for a retry.
 * The kept bytes are shared, so a rewrite in place before sending (an execute's statement id) shows in the copy.
 * Used on the session's event loop only.
 */
final class RetryFrame {
    private ByteBuf buffer;
    private int index;
    private int length;

    boolean isHeld() {
        return buffer != null;
    }

    /** Keeps {@code frame}'s bytes (the frame itself stays the caller's). */
    void keep(Packet frame) {
        ByteBuf c = frame.content();
        index = c.readerIndex();
        length = c.readableBytes();
        buffer = c.retain();
    }

    /** A frame with the kept bytes, owned by the caller; nothing is kept afterwards. */
    Packet take() {
        Packet p = new Packet(buffer.retainedSlice(index, length));
        release();
        return p;
    }

    void release() {
        if (buffer != null) {
            ByteBuf b = buffer;
            buffer = null;
            b.release();
        }
    }
}
