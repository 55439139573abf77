package io.lintas.wire.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lintas.wire.Capabilities;
import io.lintas.wire.LengthEncoded;
import io.lintas.wire.Packet;
import io.lintas.wire.PacketFramer;
import io.lintas.wire.ResponseTracker;
import io.lintas.wire.message.AuthMoreData;
import io.lintas.wire.message.AuthSwitchRequest;
import io.lintas.wire.message.ChangeUser;
import io.lintas.wire.message.EofPacket;
import io.lintas.wire.message.ErrPacket;
import io.lintas.wire.message.HandshakeResponse41;
import io.lintas.wire.message.HandshakeV10;
import io.lintas.wire.message.OkPacket;
import io.lintas.wire.message.SslRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.charset.StandardCharsets;

import static io.lintas.wire.fuzz.Fuzz.onlyMalformed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz targets for everything that decodes bytes from the network. In a plain
 * {@code mvn test} Jazzer only replays the committed seeds (src/test/resources/.../WireDecoderFuzzTestInputs);
 * with JAZZER_FUZZ=1 it fuzzes one target (see wire-protocol/FUZZING.md).
 */
class WireDecoderFuzzTest {
    /** Stands in for the rest of a 16 MiB frame without allocating it on every run. */
    private static final ByteBuf ZEROS = Unpooled.unreleasableBuffer(Unpooled.directBuffer(Packet.MAX_PAYLOAD).writeZero(Packet.MAX_PAYLOAD));

    /** Chunks of arbitrary sizes: frames come out whole and in order, and the framer keeps exactly the rest. */
    @FuzzTest(maxDuration = "5m")
    void packetFramer(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        PacketFramer framer = new PacketFramer();
        EmbeddedChannel ch = new EmbeddedChannel(framer);
        long fed = 0;
        long framed = 0;
        try {
            while (in.hasMore()) {
                byte[] chunk = in.bytes(in.u8() + 1);
                fed += chunk.length;
                ch.writeInbound(Unpooled.wrappedBuffer(chunk));
                Packet p;
                while ((p = ch.readInbound()) != null) {
                    try {
                        assertEquals(Packet.HEADER_SIZE + p.payloadLength(), p.content().readableBytes());
                        assertTrue(p.payloadLength() <= Packet.MAX_PAYLOAD);
                        framed += p.content().readableBytes();
                    } finally {
                        p.release();
                    }
                }
                assertEquals(fed - framed, framer.pendingBytes(), "the framer holds exactly what is not framed yet");
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** The client's login packet. */
    @FuzzTest(maxDuration = "5m")
    void handshakeResponse41(byte[] data) {
        onlyMalformed(() -> HandshakeResponse41.decode(Unpooled.wrappedBuffer(data)));
        onlyMalformed(() -> SslRequest.decode(Unpooled.wrappedBuffer(data)));
    }

    /** COM_CHANGE_USER under the capabilities in the first four bytes. */
    @FuzzTest(maxDuration = "5m")
    void changeUser(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        long caps = in.u32();
        byte[] payload = in.rest();
        onlyMalformed(() -> ChangeUser.decode(Unpooled.wrappedBuffer(payload), caps));
    }

    /** Everything a backend sends that the proxy decodes: greeting, OK (with session tracking), ERR, EOF, auth packets. */
    @FuzzTest(maxDuration = "5m")
    void serverPackets(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        int kind = in.u8() % 7;
        long caps = in.u32() | (in.u32() << 32);
        ByteBuf p = Unpooled.wrappedBuffer(in.rest());
        onlyMalformed(() -> {
            switch (kind) {
                case 0 -> OkPacket.decode(p, caps);
                case 1 -> ErrPacket.decode(p);
                case 2 -> EofPacket.decode(p);
                case 3 -> HandshakeV10.decode(p);
                case 4 -> AuthSwitchRequest.decode(p);
                case 5 -> AuthMoreData.decode(p);
                default -> {
                    while (p.isReadable()) {
                        LengthEncoded.readBytes(p);
                    }
                }
            }
        });
    }

    /**
     * A backend's answers to a series of commands: the tracker may reject a response as malformed but
     * must not fail otherwise, and after COMPLETE it accepts the next command.
     */
    @FuzzTest(maxDuration = "5m")
    void responseTracker(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        long caps = (in.u8() & 1) == 1 ? Capabilities.CLIENT_DEPRECATE_EOF : 0;
        ResponseTracker tracker = new ResponseTracker(caps);
        int seq = 1;
        while (in.hasMore()) {
            if (!tracker.inProgress()) {
                int command = in.u8();
                tracker.begin(command, (in.u8() & 1) == 1);
                if (!ResponseTracker.expectsResponse(command)) {
                    // a relay would not wait for an answer; the tracker still follows one if told to
                }
            }
            int len = in.u8();
            Packet frame = len == 0xFF ? continuationFrame(in.bytes(8), seq) : frame(in.bytes(len), seq);
            seq = (seq + 1) & 0xFF;
            try {
                tracker.onFrame(frame);
            } catch (io.lintas.wire.MalformedPacketException e) {
                // the relay closes the backend connection; start over as a fresh connection would
                tracker = new ResponseTracker(caps);
            } finally {
                frame.release();
            }
        }
    }

    private static Packet frame(byte[] payload, int seq) {
        ByteBuf b = Unpooled.buffer(4 + payload.length);
        b.writeMediumLE(payload.length).writeByte(seq).writeBytes(payload);
        return new Packet(b);
    }

    /** A full 0xFFFFFF-byte frame: a few fuzzed bytes, then zeros. */
    private static Packet continuationFrame(byte[] start, int seq) {
        ByteBuf header = Unpooled.buffer(4 + start.length);
        header.writeMediumLE(Packet.MAX_PAYLOAD).writeByte(seq).writeBytes(start);
        return new Packet(Unpooled.wrappedBuffer(header, ZEROS.retainedSlice(0, Packet.MAX_PAYLOAD - start.length)));
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
