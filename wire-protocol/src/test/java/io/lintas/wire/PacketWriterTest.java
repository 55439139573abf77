package io.lintas.wire;

import io.lintas.wire.message.AuthMoreData;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketWriterTest {
    private static final int MAX = Packet.MAX_PAYLOAD;
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void noLeaks() {
        alloc.assertAllReleased();
    }

    /** Splits framed wire bytes into (length, seq) pairs and checks the payload bytes are {@code fill}. */
    private static List<int[]> headers(ByteBuf wire) {
        List<int[]> out = new ArrayList<>();
        int i = wire.readerIndex();
        while (i < wire.writerIndex()) {
            int len = wire.getUnsignedMediumLE(i);
            out.add(new int[] {len, wire.getUnsignedByte(i + 3)});
            i += Packet.HEADER_SIZE + len;
        }
        assertEquals(wire.writerIndex(), i, "frames must tile the buffer exactly");
        return out;
    }

    @Test
    void frameCountBoundaries() {
        assertEquals(1, PacketWriter.frameCount(0));
        assertEquals(1, PacketWriter.frameCount(1));
        assertEquals(1, PacketWriter.frameCount(MAX - 1));
        assertEquals(2, PacketWriter.frameCount(MAX));
        assertEquals(2, PacketWriter.frameCount(MAX + 1));
        assertEquals(2, PacketWriter.frameCount(2L * MAX - 1));
        assertEquals(3, PacketWriter.frameCount(2L * MAX));
        assertEquals(3, PacketWriter.frameCount(2L * MAX + 5));
    }

    @Test
    void beginAndFinishSmallPayloadPatchesHeaderInPlace() {
        ByteBuf buf = PacketWriter.begin(alloc, 3);
        assertEquals(Packet.HEADER_SIZE, buf.writerIndex());
        buf.writeBytes(TestBufs.bytes(0x0E, 0x01, 0x02));
        ByteBuf out = PacketWriter.finish(buf, 9);
        assertTrue(out == buf, "small payloads are not copied");
        assertEquals("0300000" + "90e0102", TestBufs.hex(TestBufs.readable(out)));
        out.release();
    }

    @Test
    void finishEmptyPayload() {
        ByteBuf out = PacketWriter.finish(PacketWriter.begin(alloc, 0), 255);
        assertEquals("000000ff", TestBufs.hex(TestBufs.readable(out)));
        out.release();
    }

    @Test
    void finishJustBelowTheLimitIsOneFrame() {
        ByteBuf buf = PacketWriter.begin(alloc, MAX - 1);
        buf.writeZero(MAX - 1);
        ByteBuf out = PacketWriter.finish(buf, 1);
        List<int[]> h = headers(out);
        assertEquals(1, h.size());
        assertArrayEquals(new int[] {MAX - 1, 1}, h.get(0));
        out.release();
    }

    @Test
    void finishAtTheLimitAddsEmptyContinuationAndReleasesTheOriginal() {
        ByteBuf buf = PacketWriter.begin(alloc, MAX);
        for (int i = 0; i < MAX; i++) {
            buf.writeByte(i);
        }
        ByteBuf out = PacketWriter.finish(buf, 255);
        assertEquals(0, buf.refCnt(), "the begin() buffer is released when re-framed");
        List<int[]> h = headers(out);
        assertEquals(2, h.size());
        assertArrayEquals(new int[] {MAX, 255}, h.get(0));
        assertArrayEquals(new int[] {0, 0}, h.get(1));
        assertEquals(0, out.getUnsignedByte(Packet.HEADER_SIZE));
        assertEquals((MAX - 1) & 0xFF, out.getUnsignedByte(Packet.HEADER_SIZE + MAX - 1));
        out.release();
    }

    @Test
    void finishTwoAndABitFramesWithWrappingSequence() {
        ByteBuf buf = PacketWriter.begin(alloc, 16);
        buf.writeZero(2 * MAX + 5);
        ByteBuf out = PacketWriter.finish(buf, 254);
        List<int[]> h = headers(out);
        assertEquals(3, h.size());
        assertArrayEquals(new int[] {MAX, 254}, h.get(0));
        assertArrayEquals(new int[] {MAX, 255}, h.get(1));
        assertArrayEquals(new int[] {5, 0}, h.get(2));
        out.release();
    }

    @Test
    void frameDoesNotConsumeOrReleaseThePayload() {
        ByteBuf payload = Unpooled.wrappedBuffer(TestBufs.bytes(9, 8, 7, 6));
        payload.skipBytes(1);
        ByteBuf out = PacketWriter.frame(alloc, payload, 3);
        assertEquals(1, payload.readerIndex());
        assertEquals(1, payload.refCnt());
        assertEquals("03000003080706", TestBufs.hex(TestBufs.readable(out)));
        out.release();
    }

    @Test
    void messageOfSixteenMiBIsSplitByToFrame() {
        byte[] data = new byte[MAX - 1]; // + header byte 0x01 = exactly MAX payload bytes
        data[data.length - 1] = 0x55;
        ByteBuf out = new AuthMoreData(data).toFrame(alloc, 2, 0);
        List<int[]> h = headers(out);
        assertEquals(2, h.size());
        assertArrayEquals(new int[] {MAX, 2}, h.get(0));
        assertArrayEquals(new int[] {0, 3}, h.get(1));
        assertEquals(AuthMoreData.HEADER, out.getUnsignedByte(Packet.HEADER_SIZE));
        assertEquals(0x55, out.getUnsignedByte(Packet.HEADER_SIZE + MAX - 1));
        // The payload re-assembled from the frames decodes back to the message.
        Packet first = new Packet(out.retainedSlice(0, Packet.HEADER_SIZE + MAX));
        assertTrue(first.hasContinuation());
        assertEquals(new AuthMoreData(data), AuthMoreData.decode(first.payload()));
        first.release();
        out.release();
    }
}
