package io.lintas.proxy.session;

import io.lintas.wire.Packet;
import io.lintas.wire.PacketWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutePacketTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    /** COM_STMT_EXECUTE of statement 7 with two parameters (INT 5, VARCHAR "ab"), types sent or not. */
    private static Packet execute(boolean withTypes) {
        ByteBuf b = PacketWriter.begin(ALLOC, 32);
        b.writeByte(0x17).writeIntLE(7).writeByte(0).writeIntLE(1);
        b.writeByte(0); // NULL bitmap for 2 parameters
        b.writeByte(withTypes ? 1 : 0);
        if (withTypes) {
            b.writeShortLE(3).writeShortLE(15);
        }
        b.writeIntLE(5).writeByte(2).writeBytes(new byte[] {'a', 'b'});
        return new Packet(PacketWriter.finish(b, 0));
    }

    @Test
    void readsAndRewritesTheStatementId() {
        Packet p = execute(true);
        assertEquals(7, ExecutePacket.statementId(p));
        ExecutePacket.setStatementId(p, 1234);
        assertEquals(1234, ExecutePacket.statementId(p));
        p.release();
    }

    @Test
    void findsTheParameterTypes() {
        Packet with = execute(true);
        assertArrayEquals(new byte[] {3, 0, 15, 0}, ExecutePacket.boundTypes(with, 2));
        Packet without = execute(false);
        assertNull(ExecutePacket.boundTypes(without, 2));
        assertTrue(ExecutePacket.typesOmitted(without, 2));
        with.release();
        without.release();
    }

    @Test
    void insertsTypesForAConnectionThatNeverSawThem() {
        Packet rebuilt = ExecutePacket.withTypes(ALLOC, execute(false), 2, new byte[] {3, 0, 15, 0});
        Packet expected = execute(true);
        assertEquals(ByteBufUtil.hexDump(expected.content()), ByteBufUtil.hexDump(rebuilt.content()));
        rebuilt.release();
        expected.release();
    }
}
