package io.lintas.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PacketWriter.frame -> bytes delivered in various ways -> PacketFramer -> the same payload back. */
class PacketFramerTest {
    private static final int MAX = Packet.MAX_PAYLOAD;
    /** Deterministic random content, large enough for the biggest payload tested. */
    private static final byte[] CONTENT = new byte[2 * MAX + 5];
    private static ResourceLeakDetector.Level previousLevel;

    private TrackingAllocator alloc;
    private PacketFramer framer;
    private EmbeddedChannel channel;

    enum Delivery {
        /** The whole stream in one buffer. */
        WHOLE,
        /** Every byte in its own buffer. */
        BYTE_BY_BYTE,
        /** Odd-sized chunks, and single bytes around every frame header. */
        ODD_CHUNKS
    }

    @BeforeAll
    static void setUpAll() {
        new Random(0x5EED).nextBytes(CONTENT);
        previousLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterAll
    static void tearDownAll() {
        ResourceLeakDetector.setLevel(previousLevel);
    }

    @BeforeEach
    void setUp() {
        alloc = new TrackingAllocator();
        framer = new PacketFramer();
        channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(framer);
    }

    @AfterEach
    void tearDown() {
        Object leftover;
        while ((leftover = channel.readInbound()) != null) {
            io.netty.util.ReferenceCountUtil.release(leftover);
        }
        channel.finishAndReleaseAll();
        alloc.assertAllReleased();
    }

    static Stream<Arguments> sizes() {
        List<Arguments> args = new ArrayList<>();
        int[] small = {0, 1, 2, 3, 4, 5, 250, 251, 4096};
        for (int size : small) {
            for (Delivery d : Delivery.values()) {
                args.add(Arguments.of(size, d));
            }
        }
        int[] large = {MAX - 1, MAX, MAX + 1, 2 * MAX + 5};
        for (int size : large) {
            args.add(Arguments.of(size, Delivery.WHOLE));
            args.add(Arguments.of(size, Delivery.ODD_CHUNKS));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} bytes, {1}")
    @MethodSource("sizes")
    void writerOutputIsReframedIdentically(int size, Delivery delivery) {
        roundTrip(size, 0, delivery);
    }

    @ParameterizedTest(name = "{0} bytes from seq {1}")
    @MethodSource("wrapCases")
    void sequenceIdWrapsAcrossFrames(int size, int startSeq, List<Integer> expectedSeqs) {
        List<Packet> frames = roundTrip(size, startSeq, Delivery.ODD_CHUNKS);
        assertEquals(expectedSeqs, frames.stream().map(Packet::sequenceId).toList());
    }

    static Stream<Arguments> wrapCases() {
        return Stream.of(
            Arguments.of(MAX, 255, List.of(255, 0)),
            Arguments.of(MAX + 1, 255, List.of(255, 0)),
            Arguments.of(2 * MAX + 5, 254, List.of(254, 255, 0)),
            Arguments.of(2 * MAX + 5, 255, List.of(255, 0, 1)));
    }

    @Test
    void maxPayloadProducesFullFrameAndEmptyContinuation() {
        ByteBuf wire = PacketWriter.frame(alloc, Unpooled.wrappedBuffer(CONTENT, 0, MAX), 7);
        assertEquals(MAX + 2 * Packet.HEADER_SIZE, wire.readableBytes());
        // Second header: length 0, seq 8.
        assertEquals(0, wire.getUnsignedMediumLE(Packet.HEADER_SIZE + MAX));
        assertEquals(8, wire.getUnsignedByte(Packet.HEADER_SIZE + MAX + 3));
        List<Packet> frames = feed(wire, Delivery.WHOLE);
        try {
            assertEquals(2, frames.size());
            assertEquals(MAX, frames.get(0).payloadLength());
            assertTrue(frames.get(0).hasContinuation());
            assertEquals(7, frames.get(0).sequenceId());
            assertEquals(0, frames.get(1).payloadLength());
            assertFalse(frames.get(1).hasContinuation());
            assertEquals(8, frames.get(1).sequenceId());
            assertEquals(-1, frames.get(1).firstByte());
        } finally {
            release(frames);
        }
    }

    @Test
    void manySmallFramesWithWrappingSequenceIdsInOddChunks() {
        ByteBuf wire = alloc.buffer();
        List<byte[]> payloads = new ArrayList<>();
        Random r = new Random(17);
        for (int i = 0; i < 600; i++) {
            byte[] p = new byte[i % 37];
            r.nextBytes(p);
            payloads.add(p);
            wire.writeMediumLE(p.length);
            wire.writeByte(i & 0xFF);
            wire.writeBytes(p);
        }
        // Chunks of 7 bytes: headers and payloads are cut at every possible place.
        TreeSet<Integer> cuts = new TreeSet<>();
        for (int off = 7; off < wire.readableBytes(); off += 7) {
            cuts.add(off);
        }
        List<Packet> frames = feed(wire, cuts);
        try {
            assertEquals(600, frames.size());
            for (int i = 0; i < 600; i++) {
                Packet f = frames.get(i);
                assertEquals(i & 0xFF, f.sequenceId(), "frame " + i);
                assertEquals(payloads.get(i).length, f.payloadLength());
                assertArrayEquals(payloads.get(i), ByteBufUtil.getBytes(f.payload()));
                assertFalse(f.hasContinuation());
            }
            assertEquals(255, frames.get(255).sequenceId());
            assertEquals(0, frames.get(256).sequenceId());
        } finally {
            release(frames);
        }
    }

    @Test
    void headerOnlyOrPartialHeaderYieldsNothing() {
        channel.writeInbound(alloc.buffer().writeBytes(TestBufs.bytes(0x05, 0x00)));
        assertNull(channel.readInbound());
        assertEquals(2, framer.pendingBytes());
        channel.writeInbound(alloc.buffer().writeBytes(TestBufs.bytes(0x00, 0x09)));
        assertNull(channel.readInbound());
        assertEquals(4, framer.pendingBytes());
        channel.writeInbound(alloc.buffer().writeBytes(TestBufs.bytes(1, 2, 3, 4)));
        assertNull(channel.readInbound());
        assertEquals(8, framer.pendingBytes());
        channel.writeInbound(alloc.buffer().writeBytes(TestBufs.bytes(5, 0, 0)));
        Packet p = channel.readInbound();
        assertEquals(9, p.sequenceId());
        assertEquals(5, p.payloadLength());
        assertArrayEquals(TestBufs.bytes(1, 2, 3, 4, 5), ByteBufUtil.getBytes(p.payload()));
        assertEquals(2, framer.pendingBytes());
        assertNull(channel.readInbound());
        p.release();
        // The frame shares memory with the cumulation that still holds the 2 pending bytes; closing frees both.
        assertFalse(channel.finish());
        assertEquals(0, p.refCnt());
    }

    @Test
    void sixteenMiBHeaderWithFewBytesReservesNothing() {
        // Header announcing 0xFFFFFF bytes, then only 10 payload bytes, delivered in three pieces.
        byte[] head = TestBufs.concat(TestBufs.bytes(0xFF, 0xFF, 0xFF, 0x03), java.util.Arrays.copyOf(CONTENT, 10));
        channel.writeInbound(alloc.buffer(3).writeBytes(head, 0, 3));
        channel.writeInbound(alloc.buffer(5).writeBytes(head, 3, 5));
        channel.writeInbound(alloc.buffer(6).writeBytes(head, 8, 6));
        assertNull(channel.readInbound(), "no frame before all bytes arrived");
        assertEquals(14, framer.pendingBytes());
        assertTrue(alloc.largestRequest() < 64 * 1024, "requested " + alloc.largestRequest());
        assertTrue(alloc.largestLiveCapacity() < 64 * 1024, "holding " + alloc.largestLiveCapacity());
        assertTrue(alloc.liveCapacity() < 64 * 1024, "holding " + alloc.liveCapacity());

        // The rest arrives: one full frame, then an empty continuation.
        ByteBuf rest = alloc.buffer(MAX - 10 + Packet.HEADER_SIZE);
        rest.writeBytes(CONTENT, 10, MAX - 10);
        rest.writeMediumLE(0).writeByte(4);
        channel.writeInbound(rest);
        Packet full = channel.readInbound();
        Packet empty = channel.readInbound();
        assertNull(channel.readInbound());
        try {
            assertEquals(MAX, full.payloadLength());
            assertTrue(full.hasContinuation());
            assertEquals(3, full.sequenceId());
            assertTrue(ByteBufUtil.equals(Unpooled.wrappedBuffer(CONTENT, 0, MAX), full.payload()));
            assertEquals(0, empty.payloadLength());
            assertEquals(4, empty.sequenceId());
            assertEquals(0, framer.pendingBytes());
        } finally {
            full.release();
            empty.release();
        }
        assertEquals(0, full.refCnt());
        assertEquals(0, empty.refCnt());
    }

    @Test
    void partialFrameIsReleasedWhenChannelCloses() {
        channel.writeInbound(alloc.buffer().writeBytes(TestBufs.bytes(0x10, 0, 0, 0, 1, 2, 3)));
        assertEquals(7, framer.pendingBytes());
        assertFalse(channel.finish());
        alloc.assertAllReleased();
    }

    @Test
    void wholeBufferIsSlicedWithoutCopying() {
        ByteBuf wire = alloc.buffer();
        for (int i = 0; i < 3; i++) {
            wire.writeMediumLE(3).writeByte(i).writeBytes(TestBufs.bytes(i, i, i));
        }
        int before = alloc.count();
        channel.writeInbound(wire);
        assertEquals(before, alloc.count(), "framer must not allocate for complete frames");
        List<Packet> frames = drain();
        assertEquals(3, frames.size());
        // Frames are retained slices of the input: it lives until the last frame is released.
        assertTrue(frames.get(0).content().unwrap() != null, "frame should be a derived buffer (slice)");
        frames.get(0).release();
        frames.get(2).release();
        assertTrue(wire.refCnt() > 0);
        assertArrayEquals(TestBufs.bytes(1, 1, 1), ByteBufUtil.getBytes(frames.get(1).payload()));
        frames.get(1).release();
        assertEquals(0, wire.refCnt());
    }

    @Test
    void adjacentFramesOfOneReadCanBeSentAsOneSliceOfTheirSource() {
        ByteBuf first = alloc.buffer();
        for (int i = 0; i < 3; i++) {
            first.writeMediumLE(3).writeByte(i).writeBytes(TestBufs.bytes(i, i, i));
        }
        first.writeMediumLE(3).writeByte(3).writeByte(3); // the fourth frame continues in the next read
        channel.writeInbound(first);
        List<Packet> frames = drain();
        assertEquals(3, frames.size());
        ByteBuf source = frames.get(0).source();
        assertTrue(source != null && frames.get(2).source() == source);
        assertEquals(14, frames.get(2).sourceIndex() - frames.get(0).sourceIndex());
        // What the relay does: keep the first frame, drop the others, cut one slice spanning all three.
        int start = frames.get(0).sourceIndex();
        frames.get(1).release();
        frames.get(2).release();
        ByteBuf run = source.retainedSlice(start, 21);
        frames.get(0).release();

        ByteBuf second = alloc.buffer();
        second.writeBytes(TestBufs.bytes(3, 3)).writeMediumLE(3).writeByte(4).writeBytes(TestBufs.bytes(4, 4, 4));
        channel.writeInbound(second);
        List<Packet> more = drain();
        assertEquals(2, more.size());
        // The decoder may append the next read to the same cumulation (it only appends, never moves shared bytes).
        assertTrue(more.get(1).source() == more.get(0).source());
        assertEquals(more.get(0).sourceIndex() + 7, more.get(1).sourceIndex());
        assertEquals(4, more.get(1).source().getUnsignedByte(more.get(1).sourceIndex() + 3));
        // The earlier run's bytes did not move while it was held.
        for (int i = 0; i < 3; i++) {
            assertEquals(3, run.getUnsignedMediumLE(7 * i));
            assertEquals(i, run.getUnsignedByte(7 * i + 3));
            assertEquals(i, run.getUnsignedByte(7 * i + 6));
        }
        run.release();
        release(more);
    }

    @Test
    void packetAccessors() {
        Packet p = TestBufs.packet(42, TestBufs.bytes(0xFE, 1, 2));
        assertEquals(42, p.sequenceId());
        assertEquals(3, p.payloadLength());
        assertEquals(0xFE, p.firstByte());
        assertFalse(p.hasContinuation());
        assertArrayEquals(TestBufs.bytes(0xFE, 1, 2), ByteBufUtil.getBytes(p.payload()));
        p.setSequenceId(255);
        assertEquals(255, p.content().getUnsignedByte(3));
        assertTrue(p.toString().contains("len=3"));
        // payload() is a view sharing the reference count.
        assertEquals(p.refCnt(), p.payload().refCnt());
        assertTrue(p.retain() == p);
        assertEquals(2, p.refCnt());
        assertTrue(p.touch("hint") == p);
        p.release(2);
        assertEquals(0, p.refCnt());

        Packet empty = TestBufs.packet(0, new byte[0]);
        assertEquals(-1, empty.firstByte());
        assertEquals(0, empty.payload().readableBytes());
        empty.release();
    }

    // ---------------------------------------------------------------------------------------------

    private List<Packet> roundTrip(int size, int startSeq, Delivery delivery) {
        ByteBuf payload = Unpooled.wrappedBuffer(CONTENT, 0, size);
        ByteBuf wire = PacketWriter.frame(alloc, payload, startSeq);
        assertEquals(0, payload.readerIndex(), "frame() must not consume the payload");
        int expectedFrames = PacketWriter.frameCount(size);
        assertEquals(size + expectedFrames * Packet.HEADER_SIZE, wire.readableBytes());
        List<Packet> frames = feed(wire, delivery);
        try {
            assertEquals(expectedFrames, frames.size());
            int offset = 0;
            for (int i = 0; i < frames.size(); i++) {
                Packet f = frames.get(i);
                int expectedLen = Math.min(MAX, size - offset);
                assertEquals(expectedLen, f.payloadLength(), "frame " + i);
                assertEquals(Packet.HEADER_SIZE + expectedLen, f.content().readableBytes());
                assertEquals((startSeq + i) & 0xFF, f.sequenceId(), "frame " + i);
                assertEquals(expectedLen == MAX, f.hasContinuation());
                assertEquals(i < frames.size() - 1, f.hasContinuation(), "only the last frame ends the packet");
                assertTrue(ByteBufUtil.equals(Unpooled.wrappedBuffer(CONTENT, offset, expectedLen), f.payload()),
                    "payload of frame " + i);
                assertEquals(expectedLen == 0 ? -1 : CONTENT[offset] & 0xFF, f.firstByte());
                offset += expectedLen;
            }
            assertEquals(size, offset);
            assertEquals(0, framer.pendingBytes());
            return frames;
        } finally {
            release(frames);
            for (Packet f : frames) {
                assertEquals(0, f.refCnt());
            }
        }
    }

    /** Delivers {@code wire} (ownership taken) to the channel; returns the frames read. */
    private List<Packet> feed(ByteBuf wire, Delivery delivery) {
        int len = wire.readableBytes();
        TreeSet<Integer> cuts = new TreeSet<>();
        switch (delivery) {
            case WHOLE:
                break;
            case BYTE_BY_BYTE:
                for (int i = 1; i < len; i++) {
                    cuts.add(i);
                }
                break;
            case ODD_CHUNKS: {
                int[] pattern = {1, 2, 3, 5, 7, 11, 4093, 65_537, 1_048_573, 3_333_331};
                int off = 0;
                for (int i = 0; ; i++) {
                    off += pattern[i % pattern.length];
                    if (off >= len) {
                        break;
                    }
                    cuts.add(off);
                }
                // Every header, and the bytes around it, one byte at a time.
                int h = 0;
                while (h < len) {
                    for (int i = h - 3; i <= h + Packet.HEADER_SIZE + 2; i++) {
                        if (i > 0 && i < len) {
                            cuts.add(i);
                        }
                    }
                    int frameLen = wire.getUnsignedMediumLE(wire.readerIndex() + h);
                    h += Packet.HEADER_SIZE + frameLen;
                }
                break;
            }
            default:
                throw new AssertionError(delivery);
        }
        return feed(wire, cuts);
    }

    private List<Packet> feed(ByteBuf wire, TreeSet<Integer> cuts) {
        List<Packet> frames = new ArrayList<>();
        int start = 0;
        int len = wire.readableBytes();
        int base = wire.readerIndex();
        try {
            for (int cut : cuts) {
                channel.writeInbound(wire.retainedSlice(base + start, cut - start));
                frames.addAll(drain());
                start = cut;
            }
            channel.writeInbound(wire.retainedSlice(base + start, len - start));
            frames.addAll(drain());
        } finally {
            wire.release();
        }
        return frames;
    }

    private List<Packet> drain() {
        List<Packet> out = new ArrayList<>();
        Object o;
        while ((o = channel.readInbound()) != null) {
            out.add((Packet) o);
        }
        return out;
    }

    private static void release(List<Packet> frames) {
        for (Packet p : frames) {
            if (p.refCnt() > 0) {
                p.release();
            }
        }
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }
}
