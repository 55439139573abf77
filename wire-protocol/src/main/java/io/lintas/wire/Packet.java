package io.lintas.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One frame as it travels on the wire: the 4-byte header and up to 0xFFFFFF payload bytes.
 * The content is the whole frame so that a relay can forward it without copying;
 * {@link #payload()} is a view of the bytes after the header.
 */
public final class Packet extends DefaultByteBufHolder {
    /** Largest payload one frame can carry; a frame this size is followed by a continuation frame. */
    public static final int MAX_PAYLOAD = 0xFFFFFF;
    public static final int HEADER_SIZE = 4;

    private final int sequenceId;
    private final int payloadLength;
    /** Read once: every frame of a response is classified by it two or three times (tracker, locator, session). */
    private final int firstByte;
    /** The buffer {@code frame} was sliced from, or null; not retained here (the frame's slice keeps it alive). */
    private final ByteBuf source;
    private final int sourceIndex;

    /** Wraps a complete frame (header included); takes ownership of {@code frame}. */
    public Packet(ByteBuf frame) {
        this(frame, null, -1);
    }

    /**
     * Wraps a frame that is a retained slice of {@code source} starting at {@code sourceIndex}: a relay can then
     * send adjacent frames of one read as one slice of {@code source} instead of one write per frame.
     */
    public Packet(ByteBuf frame, ByteBuf source, int sourceIndex) {
        super(frame);
        int ri = frame.readerIndex();
        this.payloadLength = frame.getUnsignedMediumLE(ri);
        this.sequenceId = frame.getUnsignedByte(ri + 3);
        this.firstByte = payloadLength == 0 ? -1 : frame.getUnsignedByte(ri + HEADER_SIZE);
        this.source = source;
        this.sourceIndex = sourceIndex;
    }

    /**
     * Like {@link #Packet(ByteBuf, ByteBuf, int)} with the header and first payload byte already read from
     * {@code source} by the framer (one bounds-checked read of the cumulation instead of three of the slice).
     */
    Packet(ByteBuf frame, ByteBuf source, int sourceIndex, int header, int firstByte) {
        super(frame);
        this.payloadLength = header & 0xFFFFFF;
        this.sequenceId = header >>> 24;
        this.firstByte = firstByte;
        this.source = source;
        this.sourceIndex = sourceIndex;
    }

    /**
     * The buffer this frame was sliced from (see {@link #Packet(ByteBuf, ByteBuf, int)}), or null. Only valid
     * while this packet is retained; bytes of it outside the frame belong to other frames.
     */
    public ByteBuf source() {
        return source;
    }

    /** Index in {@link #source()} where this frame starts, or -1. */
    public int sourceIndex() {
        return sourceIndex;
    }

    /** Sequence id from the header (0..255). */
    public int sequenceId() {
        return sequenceId;
    }

    /** Payload length from the header. */
    public int payloadLength() {
        return payloadLength;
    }

    /** True when this frame is full (0xFFFFFF bytes) and the logical packet continues in the next frame. */
    public boolean hasContinuation() {
        return payloadLength == MAX_PAYLOAD;
    }

    /** A view of the payload; shares the reference count of this packet. */
    public ByteBuf payload() {
        ByteBuf frame = content();
        return frame.slice(frame.readerIndex() + HEADER_SIZE, payloadLength);
    }

    /**
     * First payload byte, or -1 for an empty payload; as it was when this packet was made (frames are rewritten
     * into new packets, never by their first byte in place).
     */
    public int firstByte() {
        return firstByte;
    }

    /** Rewrites the sequence id in place (for frames the proxy renumbers). */
    public void setSequenceId(int seq) {
        content().setByte(content().readerIndex() + 3, seq);
    }

    @Override
    public Packet retain() {
        super.retain();
        return this;
    }

    @Override
    public Packet touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "Packet{seq=" + sequenceId + ", len=" + payloadLength + "}";
    }
}
